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

/**
 * Titles people give these sections. A synonym is read as its section (and the verifier names the
 * canonical title in a finding), so a SPEC with `## Endpoints` still has an API.
 */
export const SECTION_SYNONYMS: Record<SpecSection, readonly string[]> = {
  'Purpose & Scope': [
    'Overview',
    'Purpose',
    'Scope',
    'Introduction',
    'Summary',
    'About',
    'Goals',
    'Purpose & Goals',
  ],
  Requirements: ['Features', 'Functional & Non-functional Requirements', 'Requirement'],
  API: [
    'Endpoints',
    'Interface',
    'API Endpoints',
    'HTTP API',
    'REST API',
    'API Reference',
    'Routes',
    'HTTP Interface',
  ],
  'Data Models': ['Schemas', 'Models', 'Data Model', 'Data Schemas', 'Data Structures', 'Entities', 'Types'],
  Dependencies: ['External Dependencies', 'Upstream Services', 'Integrations', 'Dependency'],
  Configuration: [
    'Environment',
    'Config',
    'Settings',
    'Environment Variables',
    'Configuration & Environment',
  ],
  'Error Handling': ['Errors', 'Error Model', 'Failure Handling', 'Failures', 'Error Responses'],
  Security: ['Security Considerations', 'Security & Privacy', 'Authentication & Authorization'],
  Testing: ['Tests', 'Test Plan', 'Test Strategy', 'Quality Assurance'],
  Deployment: ['Operations', 'Deploy', 'Rollout', 'Release', 'Deployment & Operations'],
  'Success Criteria': ['Acceptance Criteria', 'Success Metrics', 'Definition of Done', 'Acceptance'],
};

export { UDC_ENDPOINTS } from '../udc-endpoints.js';
