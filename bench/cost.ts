import type { Intent } from '../core/intent/schema.js';
import { WRITE_FILES_TOOL } from '../core/llm/model-output.js';
import { generateServiceOffline } from '../core/llm/offline/service/codegen.js';
import { generateTestsOffline } from '../core/llm/offline/service/testgen.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { DEFAULT_ANTHROPIC_MODEL, priceFor } from '../core/llm/pricing.js';
import { systemPrompt, writeCodeParts, writeSpecPrompt, writeTestsParts } from '../core/llm/prompts.js';
import { CHARS_PER_TOKEN, estimateTokens } from '../core/llm/spend-cap.js';
import type { FileMap } from '../core/ports/index.js';
import { exampleIntent, SIX_FEATURES } from '../test/helpers/intents.js';

/**
 * Estimated model cost of a new service: the prompts exactly as the anthropic provider renders them,
 * counted at CHARS_PER_TOKEN; the output as the files the model must write (the offline generator's
 * files stand in for them, in the write_files tool's JSON). Caching as sent: the SPEC call writes the
 * system prompt to the cache, the code call writes tools + system + intent/SPEC, the tests call reads
 * them. An unchanged SPEC reuses the built code: no call, $0.
 */

const CHEAPEST_MODEL = 'claude-haiku-4-5';

interface Call {
  task: string;
  cacheWrite: number;
  cacheRead: number;
  input: number;
  output: number;
}

const tokens = (text: string) => estimateTokens(text.length);
const filesJson = (files: FileMap) =>
  JSON.stringify({ files: Object.entries(files).map(([path, content]) => ({ path, content })) });

export function serviceCalls(intent: Intent): Call[] {
  const system = systemPrompt();
  const tools = JSON.stringify([WRITE_FILES_TOOL]);
  const spec = writeSpecOffline(intent);
  const code = generateServiceOffline(intent, spec);
  const tests = generateTestsOffline(intent, spec, code);
  const codeParts = writeCodeParts({ intent, spec });
  const testsParts = writeTestsParts({ intent, spec, code });
  return [
    {
      task: 'write-spec',
      cacheWrite: tokens(system),
      cacheRead: 0,
      input: tokens(writeSpecPrompt({ intent })),
      output: tokens(spec),
    },
    {
      task: 'write-code',
      cacheWrite: tokens(tools + system + codeParts.shared),
      cacheRead: 0,
      input: tokens(codeParts.task),
      output: tokens(filesJson(code)),
    },
    {
      task: 'write-tests',
      cacheWrite: 0,
      cacheRead: tokens(tools + system + testsParts.shared),
      input: tokens(testsParts.task),
      output: tokens(filesJson(tests)),
    },
  ];
}

export function callCost(model: string, call: Call): number {
  const { price } = priceFor(model);
  return (
    (call.cacheWrite * price.cacheWritePerMTok +
      call.cacheRead * price.cacheReadPerMTok +
      call.input * price.inputPerMTok +
      call.output * price.outputPerMTok) /
    1_000_000
  );
}

export function costReport(): string {
  const lines = [
    `cost estimate: ${CHARS_PER_TOKEN} characters per token; default model ${DEFAULT_ANTHROPIC_MODEL}, cheapest ${CHEAPEST_MODEL}`,
  ];
  for (const intent of [exampleIntent('hello-world'), SIX_FEATURES]) {
    const calls = serviceCalls(intent);
    lines.push(`${intent.service_name} (${intent.key_features.length} features):`);
    for (const call of calls)
      lines.push(
        `  ${call.task.padEnd(12)} cache write ${call.cacheWrite}, cache read ${call.cacheRead}, input ${call.input}, output ${call.output} tokens; ` +
          `$${callCost(DEFAULT_ANTHROPIC_MODEL, call).toFixed(4)} / $${callCost(CHEAPEST_MODEL, call).toFixed(4)}`,
      );
    const total = (model: string) => calls.reduce((n, c) => n + callCost(model, c), 0);
    lines.push(
      `  new service: $${total(DEFAULT_ANTHROPIC_MODEL).toFixed(4)} at ${DEFAULT_ANTHROPIC_MODEL}, $${total(CHEAPEST_MODEL).toFixed(4)} at ${CHEAPEST_MODEL}; unchanged SPEC: $0`,
    );
  }
  return lines.join('\n');
}
