import type { Intent } from '../../intent/schema.js';
import type { SpecDocument } from './document.js';

export interface Finding {
  /** 1-based line of the SPEC the finding is about. */
  line: number;
  /** What is wrong and how to fix it. */
  message: string;
  /**
   * A fault the gate never lets through (a key feature without endpoint or requirement, a missing UDC
   * endpoint, a wrong or absent port): the SPEC then scores at most `BLOCKED_MAX_SCORE`.
   */
  blocking?: true;
}

export interface RuleResult {
  id: string;
  title: string;
  weight: number;
  /** 0..1: the fraction of the weight earned. */
  score: number;
  findings: Finding[];
}

export interface Verification {
  /** 0..100, one decimal: sum(weight × score) / sum(weight) × 100. */
  score: number;
  /** score >= 90, the quality gate. */
  passed: boolean;
  /** Blocking findings, which hold the score below the gate whatever the other rules earn. */
  blockers: number;
  rules: RuleResult[];
}

export interface RuleOutcome {
  score: number;
  findings: Finding[];
}

/** One named, weighted check: a pure function of the analysed SPEC and the intent. */
export interface Rule {
  id: string;
  title: string;
  weight: number;
  check(doc: SpecDocument, intent: Intent): RuleOutcome;
}

export function clamp01(value: number): number {
  return Math.max(0, Math.min(1, value));
}
