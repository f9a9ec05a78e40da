import type { Intent } from '../../intent/schema.js';
import type { SpecFinding } from '../../ports/index.js';
import { analyseSpec } from './document.js';
import { endpointsCompleteRule, udcEndpointsRule } from './rules/api.js';
import { dependenciesRule, portRule } from './rules/consistency.js';
import { keywordStuffingRule, noPlaceholdersRule, vagueWordsRule } from './rules/hygiene.js';
import { coverageTargetRule, nfrUnitsRule, successCriteriaRule } from './rules/measurable.js';
import { sectionsRule, sizeRule } from './rules/structure.js';
import { featureTraceabilityRule, intentRelevanceRule } from './rules/traceability.js';
import type { Rule, RuleResult, Verification } from './types.js';

export type { Finding, Rule, RuleResult, Verification } from './types.js';

/** The quality gate: a SPEC at or above this score may go to the build line. */
export const PASSING_SCORE = 90;
/**
 * The most a SPEC with a blocking finding scores: a SPEC that drops a key feature, a UDC endpoint or
 * the intent's port describes another service, however good the rest of it is.
 */
export const BLOCKED_MAX_SCORE = 89;

/** Every rule, in report order. Weights sum to 100 so a rule's weight reads as points. */
export const RULES: readonly Rule[] = [
  sectionsRule,
  featureTraceabilityRule,
  intentRelevanceRule,
  udcEndpointsRule,
  endpointsCompleteRule,
  portRule,
  dependenciesRule,
  nfrUnitsRule,
  successCriteriaRule,
  coverageTargetRule,
  noPlaceholdersRule,
  vagueWordsRule,
  keywordStuffingRule,
  sizeRule,
];

const byLine = (a: { line: number }, b: { line: number }) => a.line - b.line;

/**
 * Scores a SPEC against its intent: 0–100 from the weighted rules, with every finding at a line.
 * Pure and deterministic: the same markdown and intent always give the same result.
 */
export function verifySpec(markdown: string, intent: Intent): Verification {
  const doc = analyseSpec(markdown, intent);
  const rules: RuleResult[] = RULES.map((rule) => {
    const outcome = rule.check(doc, intent);
    return {
      id: rule.id,
      title: rule.title,
      weight: rule.weight,
      score: Math.round(outcome.score * 1000) / 1000,
      findings: [...outcome.findings].sort(byLine),
    };
  });
  const total = rules.reduce((sum, r) => sum + r.weight, 0);
  const earned = rules.reduce((sum, r) => sum + r.weight * r.score, 0);
  const blockers = rules.reduce((n, r) => n + r.findings.filter((f) => f.blocking).length, 0);
  const weighted = Math.round((earned / total) * 1000) / 10;
  const score = blockers > 0 ? Math.min(weighted, BLOCKED_MAX_SCORE) : weighted;
  return { score, passed: score >= PASSING_SCORE, blockers, rules };
}

/** The findings of a verification as the LLM provider takes them: blocking ones, then costliest rules first. */
export function specFindings(verification: Verification): SpecFinding[] {
  const all = [...verification.rules]
    .sort((a, b) => b.weight * (1 - b.score) - a.weight * (1 - a.score))
    .flatMap((rule) => rule.findings.map((f) => ({ rule: rule.id, finding: f })));
  return [...all.filter((f) => f.finding.blocking), ...all.filter((f) => !f.finding.blocking)].map(
    ({ rule, finding }) => ({
      rule,
      line: finding.line,
      message: finding.blocking ? `${finding.message} (blocks the gate)` : finding.message,
    }),
  );
}
