import { SPEC_SECTIONS, type SpecSection } from '../sections.js';
import type { SpecDocument } from './document.js';

/** What each section must hold, for findings that say how to fix a missing or thin section. */
export const SECTION_GUIDE: Record<SpecSection, string> = {
  'Purpose & Scope': "what the service is for (the intent's purpose), what is in and out of scope",
  Requirements:
    'a "Functional" list with at least one requirement per key feature and a "Non-functional" list with numbers and units',
  API: 'each endpoint as "### METHOD /path" with Feature, Request, Response and Errors lines, the five UDC endpoints included',
  'Data Models': 'the fields and types of every request and response body',
  Dependencies: 'each dependency of the intent and what the service does when it is down (or "None")',
  Configuration: "the environment variables with defaults, and the intent's port",
  'Error Handling':
    'status codes and error bodies for invalid input, missing resources and failing dependencies',
  Security: 'input validation, secrets handling and what is exposed',
  Testing: 'unit and integration tests, and a coverage target of at least 70%',
  Deployment: 'how the service is started, health-checked, deployed and rolled back',
  'Success Criteria': 'measurable criteria: each with a number or threshold',
};

/**
 * The line a finding about a section should cite: its heading when present, else the heading of the
 * section it should come before, else the last line.
 */
export function sectionAnchor(doc: SpecDocument, title: SpecSection): number {
  const own = doc.section(title);
  if (own) return own.line;
  const index = SPEC_SECTIONS.indexOf(title);
  for (const later of SPEC_SECTIONS.slice(index + 1)) {
    const section = doc.section(later);
    if (section) return section.line;
  }
  return Math.max(1, doc.lines.length);
}

/** "before '## Dependencies' (line 40)" / "at the end": where a missing section belongs. */
export function insertionHint(doc: SpecDocument, title: SpecSection): string {
  const index = SPEC_SECTIONS.indexOf(title);
  for (const later of SPEC_SECTIONS.slice(index + 1)) {
    const section = doc.section(later);
    if (section) return `before '## ${section.title}' (line ${section.line})`;
  }
  return 'at the end';
}
