import type { Intent } from '../../intent/schema.js';
import type { SpecDocument } from './document.js';

export interface Finding {
  /** 1-based line of the SPEC the finding is about. */
  line: number;
  /** What is wrong and how to fix it. */
  message: string;
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
