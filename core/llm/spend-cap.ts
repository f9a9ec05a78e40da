import { LlmError } from '../ports/index.js';
import { priceFor } from './pricing.js';

/**
 * The spend cap of one run (`--max-cost USD`, the Action's `max-cost-usd`). Before each model call the
 * provider asks whether the call's worst case still fits: the input tokens estimated from the prompt as
 * rendered, all priced at the dearest input rate (a cache write), plus `max_tokens` of output. A call
 * that could pass the cap is not made; what was spent so far stays recorded in the ledger's calls.
 */

/** Characters per token used to estimate a prompt's input tokens; English prose and code run 3.5–4.5. */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(chars: number, charsPerToken = CHARS_PER_TOKEN): number {
  return Math.ceil(chars / charsPerToken);
}

export interface WorstCase {
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

/** The most a call with `inputChars` of prompt and `maxTokens` of output can cost on `model`. */
export function worstCaseCost(model: string, inputChars: number, maxTokens: number): WorstCase {
  const { price } = priceFor(model);
  const inputTokens = estimateTokens(inputChars);
  const inputRate = Math.max(price.inputPerMTok, price.cacheWritePerMTok);
  return {
    inputTokens,
    outputTokens: maxTokens,
    usd: (inputTokens * inputRate + maxTokens * price.outputPerMTok) / 1_000_000,
  };
}

export const formatUsd = (usd: number) => `$${usd.toFixed(4)}`;

/** Parses `--max-cost`: a positive amount of US dollars such as `0.25` or `$1`. */
export function parseMaxCost(raw: string, option = '--max-cost'): number {
  const text = raw.trim().replace(/^\$/, '');
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value <= 0)
    throw new Error(`${option} must be an amount of US dollars greater than 0, such as 0.25; got '${raw}'`);
  return value;
}

export class SpendCap {
  private spent = 0;

  constructor(readonly capUsd: number) {
    if (!Number.isFinite(capUsd) || capUsd <= 0)
      throw new LlmError(`the spend cap must be greater than $0, got ${capUsd}`, 'config');
  }

  get spentUsd(): number {
    return this.spent;
  }

  /** Throws LlmError `spend_cap` when the call's worst case would take the run past the cap. */
  admit(task: string, model: string, worst: WorstCase): void {
    if (this.spent + worst.usd <= this.capUsd) return;
    throw new LlmError(
      `spend cap reached: the ${task} call on ${model} could cost up to ${formatUsd(worst.usd)} ` +
        `(~${worst.inputTokens} input tokens, ${worst.outputTokens} max output tokens), and ` +
        `${formatUsd(this.spent)} of the ${formatUsd(this.capUsd)} cap is spent; stopped before the call. ` +
        'Raise --max-cost or lower ASSEMBLY_LINE_LLM_MAX_TOKENS',
      'spend_cap',
    );
  }

  /** Records what an answered call cost (failed ones included: their tokens were billed too). */
  charge(usd: number): void {
    this.spent += usd;
  }
}
