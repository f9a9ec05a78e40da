import type { Intent } from '../intent/schema.js';
import { costUsd, priceFor } from '../llm/pricing.js';
import { improveSpecPrompt, systemPrompt, writeSpecPrompt } from '../llm/prompts.js';

/**
 * What the SPEC line of a plan would cost with the anthropic provider. The basis, stated so a reader
 * can check it:
 * - prompts are the real ones, rendered for each intent; tokens ≈ characters / 4;
 * - a SPEC draft (the output of every call, and the SPEC inside an improve prompt) is as long as the
 *   SPEC stored for the intent, or TYPICAL_SPEC_TOKENS when there is none;
 * - an improve prompt carries FINDINGS_TOKENS of findings;
 * - the system prompt is read from the prompt cache on every call, and written to it once per plan;
 * - fewest calls: the first draft passes the gate; most: every optimization cycle runs.
 */
export const CHARS_PER_TOKEN = 4;
export const TYPICAL_SPEC_TOKENS = 4_000;
export const FINDINGS_TOKENS = 400;

export interface Range {
  min: number;
  max: number;
}

export function tokensOf(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function basisText(model: string): string {
  return (
    `${model} list prices; tokens ≈ characters / ${CHARS_PER_TOKEN} of the rendered prompts; each SPEC ` +
    `draft as long as the stored SPEC, else ${TYPICAL_SPEC_TOKENS} tokens; ${FINDINGS_TOKENS} tokens of ` +
    'findings per improve call; system prompt cached (one cache write per plan); fewest calls: the first ' +
    'draft passes, most: every optimization cycle runs'
  );
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

export class SpecLineEstimator {
  readonly systemTokens = tokensOf(systemPrompt());
  readonly priceKnown: boolean;

  constructor(readonly model: string) {
    this.priceKnown = priceFor(model).known;
  }

  private call(inputTokens: number, outputTokens: number): number {
    return costUsd(this.model, {
      inputTokens,
      outputTokens,
      cacheReadTokens: this.systemTokens,
      cacheWriteTokens: 0,
    }).costUsd;
  }

  /** The cost range of `calls` SPEC-line calls for one intent: the first writes, the rest improve. */
  specLine(intent: Intent, calls: Range, specChars?: number): Range {
    if (calls.max === 0) return { min: 0, max: 0 };
    const draft = specChars === undefined ? TYPICAL_SPEC_TOKENS : Math.ceil(specChars / CHARS_PER_TOKEN);
    const write = this.call(tokensOf(writeSpecPrompt({ intent })), draft);
    const improvePrompt = improveSpecPrompt({
      intent,
      spec: 'x'.repeat(draft * CHARS_PER_TOKEN),
      score: 0,
      findings: [],
    });
    const improve = this.call(tokensOf(improvePrompt) + FINDINGS_TOKENS, draft);
    const cost = (n: number) => (n === 0 ? 0 : write + (n - 1) * improve);
    return { min: round(cost(calls.min)), max: round(cost(calls.max)) };
  }

  /** The one cache write of the system prompt a plan with any call pays, above reading it from cache. */
  cacheWrite(): number {
    const { price } = priceFor(this.model);
    return round((this.systemTokens * (price.cacheWritePerMTok - price.cacheReadPerMTok)) / 1e6);
  }
}
