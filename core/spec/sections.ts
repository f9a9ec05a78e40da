/**
 * The SPEC.md contract (DESIGN.md "SPEC.md"): level-2 headings, in this order. The verifier checks it,
 * the offline writer follows it, and the code generator reads the API section.
 */
export const SPEC_SECTIONS = [
  'Purpose & Scope',
  'Requirements',
  'API',
  'Data Models',
  'Dependencies',
  'Configuration',
  'Error Handling',
  'Security',
  'Testing',
  'Deployment',
  'Success Criteria',
] as const;

export type SpecSection = (typeof SPEC_SECTIONS)[number];

/** The five endpoints every generated service serves. */
export const UDC_ENDPOINTS = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/capabilities' },
  { method: 'GET', path: '/state' },
  { method: 'GET', path: '/dependencies' },
  { method: 'POST', path: '/message' },
] as const;
