import type { Intent } from '../../../intent/schema.js';
import type { SpecFinding } from '../../../ports/index.js';
import { SPEC_SECTIONS } from '../../../spec/sections.js';
import { specFindings, verifySpec } from '../../../spec/verifier/index.js';
import { planEndpoints } from './endpoints.js';
import { repairSpec } from './improve.js';
import { sectionBodies, specTitle } from './sections.js';

/**
 * The SPEC of an intent without a model: deterministic, no network. Every key feature becomes
 * requirements, an endpoint with examples derived from its words, a data model and success criteria.
 */
export function writeSpecOffline(intent: Intent): string {
  const bodies = sectionBodies(intent, planEndpoints(intent));
  const parts = [specTitle(intent), ''];
  for (const title of SPEC_SECTIONS) parts.push(`## ${title}`, '', ...bodies[title], '');
  return parts.join('\n');
}

/** Repair passes: the findings given, then one pass on what the repaired draft still gets wrong. */
const REPAIR_PASSES = 2;

/**
 * Fixes a draft with the verifier's findings: missing or thin sections are written, wrong ports
 * corrected, placeholders, vague sentences and keyword lists removed, endpoints completed.
 */
export function improveSpecOffline(intent: Intent, spec: string, findings: SpecFinding[]): string {
  let draft = repairSpec(intent, spec, findings);
  for (let pass = 1; pass < REPAIR_PASSES; pass++) {
    const check = verifySpec(draft, intent);
    if (check.passed) break;
    draft = repairSpec(intent, draft, specFindings(check));
  }
  return draft;
}
