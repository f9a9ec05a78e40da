import type { Intent } from '../intent/schema.js';
import { ANTHROPIC_DEFAULTS, messageRequest } from '../llm/anthropic.js';
import { writeSpecOffline } from '../llm/offline/spec/writer.js';
import { costUsd, priceFor } from '../llm/pricing.js';
import { improveSpecPrompt, writeSpecPrompt } from '../llm/prompts.js';
import { modelWrittenSpec } from '../llm/spec-completion.js';
import { CHARS_PER_TOKEN, estimateTokens } from '../llm/spend-cap.js';

/**
 * What the SPEC line of a plan would cost with the anthropic provider. The basis, stated so a reader
 * can check it:
 * - requests are the provider's own (messageRequest), rendered for each intent; tokens ≈ characters / 4;
 * - the cached prefix is what the provider sends first on every SPEC call: the SPEC system prompt; it is
 *   read from the prompt cache on every call and written once per plan, when it is at least the model's
 *   shortest cacheable prefix (else every call pays it as plain input);
 * - the model writes only a SPEC's own parts (the pipeline adds the standard sections and the UDC
 *   endpoints, core/llm/spec-completion.ts): the output of a call is the stored SPEC less those parts,
 *   or, with no SPEC stored, the offline writer's SPEC less them, standing in for the model's;
 * - the SPEC inside an improve prompt is the whole SPEC (the model's part and the pipeline's);
 * - an improve prompt carries FINDINGS_TOKENS of findings;
 * - fewest calls: the first draft passes the gate; most: every optimization cycle runs.
 */
export const FINDINGS_TOKENS = 400;

export interface Range {
  min: number;
  max: number;
}

export function basisText(model: string): string {
  return (
    `${model} list prices; tokens ≈ characters / ${CHARS_PER_TOKEN} of the provider's requests; the model ` +
    "writes a SPEC's own parts (the stored SPEC, else the offline writer's, less the sections the pipeline " +
    `adds); ${FINDINGS_TOKENS} tokens of findings per improve call; the SPEC system prompt cached (one ` +
    "cache write per plan) where it is long enough for the model's cache; fewest calls: the first draft passes, most: every optimization " +
    'cycle runs'
  );
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** A SPEC call's tokens as the provider sends it: the cacheable prefix (tools, system) and the message. */
function requestTokens(model: string, prompt: string): { prefix: number; message: number } {
  const body = messageRequest({ task: 'write-spec', model, maxTokens: ANTHROPIC_DEFAULTS.maxTokens, prompt });
  const prefixChars =
    (body.tools ?? []).reduce((n, tool) => n + JSON.stringify(tool).length, 0) +
    (Array.isArray(body.system) ? body.system.reduce((n, block) => n + block.text.length, 0) : 0);
  const prefix = estimateTokens(prefixChars);
  return { prefix, message: estimateTokens(prefixChars + prompt.length) - prefix };
}

export class SpecLineEstimator {
  /** The prefix every SPEC call shares: the SPEC system prompt. */
  readonly prefixTokens: number;
  /** Whether the model caches a prefix that long (else each call pays it as plain input). */
  readonly prefixCached: boolean;
  readonly priceKnown: boolean;

  constructor(readonly model: string) {
    const { known, price } = priceFor(model);
    this.priceKnown = known;
    this.prefixTokens = requestTokens(model, '').prefix;
    this.prefixCached = this.prefixTokens >= price.minCacheTokens;
  }

  private call(prompt: string, outputTokens: number): number {
    const message = requestTokens(this.model, prompt).message;
    return costUsd(this.model, {
      inputTokens: message + (this.prefixCached ? 0 : this.prefixTokens),
      outputTokens,
      cacheReadTokens: this.prefixCached ? this.prefixTokens : 0,
      cacheWriteTokens: 0,
    }).costUsd;
  }

  /** The cost range of `calls` SPEC-line calls for one intent: the first writes, the rest improve. */
  specLine(intent: Intent, calls: Range, specChars?: number): Range {
    if (calls.max === 0) return { min: 0, max: 0 };
    const stand = writeSpecOffline(intent);
    const pipelineChars = stand.length - modelWrittenSpec(stand).length;
    // The whole SPEC (as stored, or the stand-in), and the part of it the model writes.
    const whole = specChars ?? stand.length;
    const written = estimateTokens(Math.max(0, whole - pipelineChars));
    const write = this.call(writeSpecPrompt({ intent }), written);
    // An improve call sends and gets back the model's part only (improvableSpec); completion adds the rest.
    const modelPart = 'x'.repeat(Math.max(0, whole - pipelineChars));
    const improvePrompt = improveSpecPrompt({ intent, spec: modelPart, score: 0, findings: [] });
    const improve =
      this.call(improvePrompt, written) +
      costUsd(this.model, {
        inputTokens: FINDINGS_TOKENS,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
      }).costUsd;
    const cost = (n: number) => (n === 0 ? 0 : write + (n - 1) * improve);
    return { min: round(cost(calls.min)), max: round(cost(calls.max)) };
  }

  /** The one cache write of the shared prefix a plan with any call pays, above reading it from cache. */
  cacheWrite(): number {
    if (!this.prefixCached) return 0;
    const { price } = priceFor(this.model);
    return round((this.prefixTokens * (price.cacheWritePerMTok - price.cacheReadPerMTok)) / 1e6);
  }
}
