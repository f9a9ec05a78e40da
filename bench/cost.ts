import type { Intent } from '../core/intent/schema.js';
import { ANTHROPIC_DEFAULTS, type LlmTask, messageRequest } from '../core/llm/anthropic.js';
import { WRITE_FILES_TOOL } from '../core/llm/model-output.js';
import { generateServiceOffline } from '../core/llm/offline/service/codegen.js';
import { generateTestsOffline } from '../core/llm/offline/service/testgen.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { costUsd, DEFAULT_ANTHROPIC_MODEL, priceFor } from '../core/llm/pricing.js';
import {
  improveSpecPrompt,
  type PromptParts,
  writeCodeParts,
  writeSpecPrompt,
  writeTestsParts,
} from '../core/llm/prompts.js';
import { completeSpec, improvableSpec, modelWrittenSpec } from '../core/llm/spec-completion.js';
import { CHARS_PER_TOKEN, estimateTokens } from '../core/llm/spend-cap.js';
import type { FileMap } from '../core/ports/index.js';
import { exampleIntent, SIX_FEATURES } from '../test/helpers/intents.js';
import { PromptCacheModel } from '../test/helpers/prompt-cache.js';

/**
 * Estimated model cost of a new service: the prompts exactly as the anthropic provider renders them,
 * counted at CHARS_PER_TOKEN; the output as the files the model must write (the offline generator's
 * files stand in for them, in the write_files tool's JSON). Caching as sent, billed per model by the
 * prompt-cache model (which knows each model's shortest cacheable prefix): the SPEC call writes the
 * SPEC system prompt to the cache; the code call, in the Action after the SPEC's review, writes tools +
 * service system prompt + intent/SPEC; the tests call reads them. An unchanged SPEC reuses the built
 * code: no call, $0.
 */

const CHEAPEST_MODEL = 'claude-haiku-4-5';

interface Call {
  task: LlmTask;
  model: string;
  cacheWrite: number;
  cacheRead: number;
  input: number;
  output: number;
}

const tokens = (text: string) => estimateTokens(text.length);
const filesJson = (files: FileMap) =>
  JSON.stringify({ files: Object.entries(files).map(([path, content]) => ({ path, content })) });

/** A call's tokens as the API would bill them: its request rendered by the provider, through the cache model. */
function billed(
  task: LlmTask,
  model: string,
  cache: PromptCacheModel,
  prompt: string | PromptParts,
  tool: boolean,
  output: string,
): Call {
  const body = messageRequest({
    task,
    model,
    maxTokens: ANTHROPIC_DEFAULTS.maxTokens,
    prompt,
    ...(tool ? { tool: WRITE_FILES_TOOL } : {}),
  });
  const usage = cache.usage(body as unknown as Record<string, unknown>);
  return {
    task,
    model,
    cacheWrite: usage.cache_creation_input_tokens,
    cacheRead: usage.cache_read_input_tokens,
    input: usage.input_tokens,
    output: tokens(output),
  };
}

/** The model's part of a first SPEC (the offline writer's standing in), and the SPEC as the pipeline stores it. */
function firstDraft(intent: Intent): { written: string; spec: string } {
  const written = modelWrittenSpec(writeSpecOffline(intent));
  return { written, spec: completeSpec(intent, written) };
}

/** The model of each task, as ASSEMBLY_LINE_MODEL and its per-task overrides would set them. */
export type TaskModels = Readonly<Record<LlmTask, string>>;

export const allOn = (model: string): TaskModels => ({
  'write-spec': model,
  'improve-spec': model,
  'write-code': model,
  'write-tests': model,
});

/**
 * The three calls of a new service, in order, one cache across them (a cache is per model): the SPEC
 * call writes the SPEC system prompt; the code call shares none of it, and writes tools + service
 * system prompt + intent/SPEC; the tests call reads those when it runs on the code call's model.
 */
export function serviceCalls(intent: Intent, models: TaskModels = allOn(DEFAULT_ANTHROPIC_MODEL)): Call[] {
  const cache = new PromptCacheModel();
  const { written, spec } = firstDraft(intent);
  const code = generateServiceOffline(intent, spec);
  const tests = generateTestsOffline(intent, spec, code);
  return [
    billed('write-spec', models['write-spec'], cache, writeSpecPrompt({ intent }), false, written),
    billed(
      'write-code',
      models['write-code'],
      cache,
      writeCodeParts({ intent, spec }),
      true,
      filesJson(code),
    ),
    billed(
      'write-tests',
      models['write-tests'],
      cache,
      writeTestsParts({ intent, spec, code }),
      true,
      filesJson(tests),
    ),
  ];
}

/**
 * One improve cycle, paid only when a draft scores under 90: after the SPEC call (the prefix is cached
 * by then) it sends the SPEC as improvableSpec trims it and gets that part back, improved.
 */
export function improveCall(intent: Intent, model: string = DEFAULT_ANTHROPIC_MODEL): Call {
  const cache = new PromptCacheModel();
  const { written, spec } = firstDraft(intent);
  billed('write-spec', model, cache, writeSpecPrompt({ intent }), false, written);
  const prompt = improveSpecPrompt({ intent, spec, score: 85, findings: [] });
  return billed('improve-spec', model, cache, prompt, false, improvableSpec(intent, spec, []).spec);
}

/** A call's cost at the list price of the model it was billed for. */
export function callCost(call: Call): number {
  return costUsd(call.model, {
    inputTokens: call.input,
    outputTokens: call.output,
    cacheWriteTokens: call.cacheWrite,
    cacheReadTokens: call.cacheRead,
  }).costUsd;
}

/**
 * A mix worth its price: the SPEC, which a person reviews, on the default model; the code and tests,
 * which pytest, coverage, lint and the UDC checks judge (and send back with their failures), on the
 * cheapest.
 */
const REVIEWED_ON_DEFAULT: TaskModels = {
  'write-spec': DEFAULT_ANTHROPIC_MODEL,
  'improve-spec': DEFAULT_ANTHROPIC_MODEL,
  'write-code': CHEAPEST_MODEL,
  'write-tests': CHEAPEST_MODEL,
};

const tokenLine = (call: Call) =>
  `cache write ${call.cacheWrite}, cache read ${call.cacheRead}, input ${call.input}, output ${call.output} tokens`;
const usd = (n: number) => `$${n.toFixed(4)}`;

export function costReport(): string {
  const lines = [
    `cost estimate: ${CHARS_PER_TOKEN} characters per token; default model ${DEFAULT_ANTHROPIC_MODEL}, cheapest ${CHEAPEST_MODEL}`,
    `tokens as billed at ${DEFAULT_ANTHROPIC_MODEL}; the ${CHEAPEST_MODEL} price is of its own billing (it caches only prefixes of ${priceFor(CHEAPEST_MODEL).price.minCacheTokens}+ tokens)`,
  ];
  for (const intent of [exampleIntent('hello-world'), SIX_FEATURES]) {
    const calls = serviceCalls(intent);
    const cheap = serviceCalls(intent, allOn(CHEAPEST_MODEL));
    lines.push(`${intent.service_name} (${intent.key_features.length} features):`);
    for (const [i, call] of calls.entries())
      lines.push(
        `  ${call.task.padEnd(12)} ${tokenLine(call)}; ${usd(callCost(call))} / ${usd(callCost(cheap[i]!))}`,
      );
    const improve = improveCall(intent);
    lines.push(
      `  ${improve.task.padEnd(12)} ${tokenLine(improve)}; ${usd(callCost(improve))} / ${usd(callCost(improveCall(intent, CHEAPEST_MODEL)))} per improve cycle, only when a draft scores under 90 (not in the total)`,
    );
    const total = (billedCalls: Call[]) => billedCalls.reduce((n, c) => n + callCost(c), 0);
    lines.push(
      `  new service: ${usd(total(calls))} at ${DEFAULT_ANTHROPIC_MODEL}, ${usd(total(cheap))} at ${CHEAPEST_MODEL}, ` +
        `${usd(total(serviceCalls(intent, REVIEWED_ON_DEFAULT)))} with the SPEC at ${DEFAULT_ANTHROPIC_MODEL} and the code and tests at ${CHEAPEST_MODEL}; unchanged SPEC: $0`,
    );
  }
  return lines.join('\n');
}
