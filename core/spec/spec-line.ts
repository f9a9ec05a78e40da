import type { Intent } from '../intent/schema.js';
import type { LlmProvider, LlmUsage, ProgressReporter } from '../ports/index.js';
import { PASSING_SCORE, specFindings, type Verification, verifySpec } from './verifier/index.js';

export const MAX_OPTIMIZATION_CYCLES = 3;

export interface SpecDraft {
  /** 0 for the first draft, then the optimization cycle that produced it. */
  cycle: number;
  markdown: string;
  verification: Verification;
}

export interface SpecLineResult {
  /** The best-scoring draft, which is the one written. */
  best: SpecDraft;
  drafts: SpecDraft[];
  scoreHistory: number[];
  passed: boolean;
  usage: LlmUsage[];
}

export interface SpecLineOptions {
  intent: Intent;
  provider: LlmProvider;
  reporter: ProgressReporter;
  gate?: number;
  maxCycles?: number;
  /** Called for each model call as it completes, e.g. to record it in the ledger. */
  onUsage?: (usage: LlmUsage, task: string) => void;
  /** Start from an existing draft (a hand-edited SPEC) instead of generating one. */
  startFrom?: string;
}

/**
 * Generate → verify → while below the gate and cycles remain, optimize with the findings → verify.
 * Keeps the best-scoring draft, not the last: a cycle that makes things worse is not kept.
 */
export async function runSpecLine(options: SpecLineOptions): Promise<SpecLineResult> {
  const { intent, provider, reporter } = options;
  const gate = options.gate ?? PASSING_SCORE;
  const maxCycles = options.maxCycles ?? MAX_OPTIMIZATION_CYCLES;
  const usage: LlmUsage[] = [];
  const drafts: SpecDraft[] = [];

  const verifyDraft = (cycle: number, markdown: string): SpecDraft => {
    const draft = { cycle, markdown, verification: verifySpec(markdown, intent) };
    drafts.push(draft);
    return draft;
  };

  let current: SpecDraft;
  if (options.startFrom !== undefined) {
    reporter.phaseStarted('spec_verification', 'existing SPEC');
    current = verifyDraft(0, options.startFrom);
  } else {
    reporter.phaseStarted('spec_generation', provider.name);
    const generated = await provider.writeSpec({ intent });
    usage.push(generated.usage);
    options.onUsage?.(generated.usage, 'write_spec');
    reporter.phaseFinished('spec_generation', 'ok', `${generated.value.length} chars`);
    reporter.phaseStarted('spec_verification');
    current = verifyDraft(0, generated.value);
  }
  reporter.phaseFinished('spec_verification', 'ok', `score ${current.verification.score}`);
  let best = current;

  for (let cycle = 1; best.verification.score < gate && cycle <= maxCycles; cycle++) {
    reporter.phaseStarted('spec_optimization', `cycle ${cycle} of ${maxCycles}`);
    const improved = await provider.improveSpec({
      intent,
      spec: best.markdown,
      score: best.verification.score,
      findings: specFindings(best.verification),
    });
    usage.push(improved.usage);
    options.onUsage?.(improved.usage, 'improve_spec');
    current = verifyDraft(cycle, improved.value);
    if (current.verification.score > best.verification.score) best = current;
    reporter.phaseFinished(
      'spec_optimization',
      'ok',
      `cycle ${cycle}: score ${current.verification.score}${current === best ? '' : ` (kept ${best.verification.score})`}`,
    );
  }
  return {
    best,
    drafts,
    scoreHistory: drafts.map((d) => d.verification.score),
    passed: best.verification.score >= gate,
    usage,
  };
}
