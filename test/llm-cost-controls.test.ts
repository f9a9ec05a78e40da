import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from '@jest/globals';
import { readLedger } from '../core/ledger/reader.js';
import { ledgerDir } from '../core/ledger/recorder.js';
import { AnthropicProvider, type AnthropicUsage, anthropicConfigFromEnv } from '../core/llm/anthropic.js';
import { WRITE_FILES_TOOL } from '../core/llm/model-output.js';
import { generateServiceOffline } from '../core/llm/offline/service/codegen.js';
import { generateTestsOffline } from '../core/llm/offline/service/testgen.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { costUsd } from '../core/llm/pricing.js';
import { systemPrompt, withoutRestatedEndpoints } from '../core/llm/prompts.js';
import { improvableSpec } from '../core/llm/spec-completion.js';
import { estimateTokens, parseMaxCost, SpendCap, worstCaseCost } from '../core/llm/spend-cap.js';
import type { FileMap } from '../core/ports/index.js';
import { LlmError } from '../core/ports/index.js';
import { cli } from './helpers/cli.js';
import {
  type FakeMessagesApi,
  type RecordedRequest,
  startFakeMessagesApi,
  textReply,
  toolReply,
} from './helpers/fake-messages-api.js';
import { greeterIntent } from './helpers/intents.js';
import { PromptCacheModel } from './helpers/prompt-cache.js';
import { tempTree } from './helpers/tmp.js';

/**
 * Cost controls against the fake Messages API: the code and tests calls of a service share a cached
 * prefix (system prompt, intent and SPEC) and the ledger records the cache reads and writes of each
 * call; each task can have its own model; the spend cap stops a run before a call that could pass it.
 */

const KEY = 'sk-ant-api03-test-cost-controls';
const intent = greeterIntent();
const spec = writeSpecOffline(intent);
const code = generateServiceOffline(intent, spec);
const tests = generateTestsOffline(intent, spec, code);
const asTool = (files: FileMap) => ({
  files: Object.entries(files).map(([path, content]) => ({ path, content })),
});

let api: FakeMessagesApi | undefined;
const trees: ReturnType<typeof tempTree>[] = [];
afterEach(async () => {
  await api?.close();
  api = undefined;
  for (const tree of trees.splice(0)) tree.cleanup();
});

/** A repository with the greeter's intent and its SPEC, ready for `assembly-line build`. */
function repository() {
  const tree = tempTree({
    [`intents/${intent.service_name}.yaml`]: `${Object.entries(intent)
      .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
      .join('\n')}\n`,
    [`specs/${intent.service_name}/SPEC.md`]: spec,
  });
  trees.push(tree);
  return tree;
}

interface Body {
  model: string;
  system: { text: string; cache_control?: unknown }[];
  messages: { content: string | { type: string; text: string; cache_control?: unknown }[] }[];
  tools?: unknown[];
  tool_choice?: { type: string };
}
const bodyOf = (request: RecordedRequest) => request.body as unknown as Body;

describe('prompt caching across the code and tests calls', () => {
  test('the tests call repeats the code call prefix with cache_control, and the ledger records cache reads', async () => {
    api = await startFakeMessagesApi([
      toolReply(asTool(code), {
        usage: { input_tokens: 310, cache_creation_input_tokens: 4200, output_tokens: 900 },
      }),
      toolReply(asTool(tests), {
        usage: { input_tokens: 1150, cache_read_input_tokens: 4200, output_tokens: 1300 },
      }),
    ]);
    const tree = repository();
    const result = await cli(['build', `specs/${intent.service_name}/SPEC.md`], tree.root, {
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: api.url,
    });
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(api.requests).toHaveLength(2);

    const [codeCall, testsCall] = api.requests.map(bodyOf);
    // The same system prompt, tools and first user block, each cacheable, in both calls.
    expect(testsCall!.system).toEqual(codeCall!.system);
    expect(codeCall!.system[0]!.cache_control).toEqual({ type: 'ephemeral' });
    expect(testsCall!.tools).toEqual(codeCall!.tools);
    const codeBlocks = codeCall!.messages[0]!.content;
    const testsBlocks = testsCall!.messages[0]!.content;
    if (typeof codeBlocks === 'string' || typeof testsBlocks === 'string') throw new Error('expected blocks');
    expect(testsBlocks[0]).toEqual(codeBlocks[0]);
    expect(codeBlocks[0]).toMatchObject({ type: 'text', cache_control: { type: 'ephemeral' } });
    // The SPEC without the parts the pipeline wrote from the intent and nobody changed, and without the
    // endpoint blocks the endpoints block restates.
    expect(codeBlocks[0]!.text).toContain(
      `<spec>\n${withoutRestatedEndpoints(improvableSpec(intent, spec, []).spec).trimEnd()}\n</spec>`,
    );
    expect(codeBlocks[0]!.text).toContain('## Requirements');
    expect(codeBlocks[0]!.text).not.toContain('## Deployment');
    expect(codeBlocks[0]!.text).toContain('"service_name": "greeter"');
    // What differs comes after the cached prefix: the task, and for the tests the code.
    expect(codeBlocks[1]!.cache_control).toBeUndefined();
    expect(testsBlocks[1]!.text).toContain('<file path="services/greeter/app/features.py">');
    expect(codeBlocks[1]!.text).not.toContain('<file path=');

    const run = readLedger(ledgerDir(tree.root)).records.find((r) => r.kind === 'build')!;
    expect(
      run.llm_calls.map((c) => [c.task, c.cache_write_tokens, c.cache_read_tokens, c.input_tokens]),
    ).toEqual([
      ['write_code', 4200, 0, 310],
      ['write_tests', 0, 4200, 1150],
    ]);
    const testsCost = costUsd('claude-sonnet-4-6', {
      inputTokens: 1150,
      outputTokens: 1300,
      cacheWriteTokens: 0,
      cacheReadTokens: 4200,
    }).costUsd;
    expect(run.llm_calls[1]!.cost_usd).toBeCloseTo(testsCost, 9);
    // The model wrote only app/features.py; the models it imports came from the pipeline, and the
    // shared block showed them to both calls.
    expect(Object.keys(code)).toEqual([`services/${intent.service_name}/app/features.py`]);
    const models = readFileSync(tree.path(`services/${intent.service_name}/app/models.py`), 'utf8');
    expect(models).toContain('\nEXAMPLES = {\n');
    const classes = [...models.matchAll(/^class (\w+)\(BaseModel\):$/gm)].map((m) => m[1]!);
    expect(classes.length).toBeGreaterThan(0);
    for (const name of classes) expect(codeBlocks[0]!.text).toContain(`\n- ${name} (`);
    // The vendored runtime came from the pipeline, not from the model.
    expect(
      readFileSync(tree.path(`services/${intent.service_name}/assembly_line_runtime/service.py`), 'utf8'),
    ).toContain('def create_app(');
  }, 240_000);
});

describe('the cached prefixes of the SPEC, improve, code and tests calls', () => {
  // Usage billed by a model of the API's prompt cache from each request as sent, not scripted.
  async function calls(tamper?: (body: Record<string, unknown>) => void) {
    const cache = new PromptCacheModel();
    const model = {
      usage: (body: Record<string, unknown>) => {
        tamper?.(body);
        return cache.usage(body);
      },
    } as PromptCacheModel;
    api = await startFakeMessagesApi(
      [textReply(spec), textReply(spec), toolReply(asTool(code)), toolReply(asTool(tests))],
      { promptCache: model },
    );
    const usages: AnthropicUsage[] = [];
    const provider = new AnthropicProvider({
      ...anthropicConfigFromEnv({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: api.url }),
      onUsage: (u) => usages.push(u),
    });
    await provider.writeSpec({ intent });
    await provider.improveSpec({ intent, spec, score: 80, findings: [] });
    await provider.writeCode({ intent, spec });
    await provider.writeTests({ intent, spec, code });
    return usages;
  }

  test("the improve call reads the SPEC system prompt the SPEC call wrote; the tests call reads the code call's tool, system prompt and SPEC", async () => {
    const [specCall, improveCall, codeCall, testsCall] = await calls();
    expect(specCall!.cacheReadTokens).toBe(0);
    expect(specCall!.cacheWriteTokens).toBeGreaterThanOrEqual(1024);
    expect(improveCall!.cacheReadTokens).toBe(specCall!.cacheWriteTokens);
    expect(improveCall!.cacheWriteTokens).toBe(0);
    // The code call runs in the Action, after the SPEC's review: it shares no prefix with the SPEC calls.
    expect(codeCall!.cacheReadTokens).toBe(0);
    expect(codeCall!.cacheWriteTokens).toBeGreaterThan(specCall!.cacheWriteTokens);
    expect(testsCall!.cacheReadTokens).toBe(codeCall!.cacheWriteTokens);
    expect(testsCall!.cacheWriteTokens).toBe(0);
  });

  test('the requests carry what their task needs: the SPEC calls no tool, the code calls the tool and the service rules', async () => {
    const bodies: Record<string, unknown>[] = [];
    await calls((body) => bodies.push(structuredClone(body)));
    const systemText = (body: Record<string, unknown>) =>
      (body.system as { text: string }[]).map((b) => b.text).join('');
    const [writeSpec, improve, writeCode, writeTests] = bodies;
    for (const body of [writeSpec!, improve!]) {
      expect(body.tools).toBeUndefined();
      expect(body.tool_choice).toBeUndefined();
      expect(systemText(body)).toBe(systemPrompt('spec'));
    }
    for (const body of [writeCode!, writeTests!]) {
      expect(body.tools).toEqual([WRITE_FILES_TOOL]);
      expect(body.tool_choice).toEqual({ type: 'tool', name: WRITE_FILES_TOOL.name });
      expect(systemText(body)).toBe(systemPrompt('service'));
    }
  });

  test("a prefix shorter than the model's minimum is not cached: Haiku 4.5 pays the SPEC system prompt as input", async () => {
    const [specCall, improveCall] = await calls((body) => {
      body.model = 'claude-haiku-4-5';
    });
    expect(specCall!.cacheWriteTokens).toBe(0);
    expect(improveCall!.cacheReadTokens).toBe(0);
    expect(specCall!.inputTokens).toBeGreaterThan(estimateTokens(systemPrompt('spec').length));
  });
});

describe('a model per task', () => {
  test('ASSEMBLY_LINE_MODEL_SPEC, _IMPROVE, _CODE and _TESTS pick the model of each call, over ASSEMBLY_LINE_MODEL', async () => {
    api = await startFakeMessagesApi((request) => {
      const model = bodyOf(request).model;
      return bodyOf(request).tool_choice?.type === 'tool'
        ? toolReply(asTool(code), { model })
        : textReply(spec, { model });
    });
    const config = anthropicConfigFromEnv({
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: api.url,
      ASSEMBLY_LINE_MODEL: 'claude-sonnet-4-6',
      ASSEMBLY_LINE_MODEL_SPEC: 'claude-opus-4-6',
      ASSEMBLY_LINE_MODEL_IMPROVE: 'claude-haiku-4-5',
      ASSEMBLY_LINE_MODEL_TESTS: 'claude-haiku-4-5',
    });
    const costs: number[] = [];
    const provider = new AnthropicProvider({ ...config, onUsage: (u) => costs.push(u.costUsd) });
    await provider.writeSpec({ intent });
    await provider.improveSpec({ intent, spec, score: 80, findings: [] });
    await provider.writeCode({ intent, spec });
    await provider.writeTests({ intent, spec, code });
    expect(api.requests.map((r) => bodyOf(r).model)).toEqual([
      'claude-opus-4-6',
      'claude-haiku-4-5',
      'claude-sonnet-4-6',
      'claude-haiku-4-5',
    ]);
    // Same usage in every reply (1200 in, 800 out): each call priced at its own model's list price.
    expect(costs).toEqual([
      (1200 * 5 + 800 * 25) / 1e6,
      (1200 * 1 + 800 * 5) / 1e6,
      (1200 * 3 + 800 * 15) / 1e6,
      (1200 * 1 + 800 * 5) / 1e6,
    ]);
  });
});

describe('the spend cap', () => {
  test('a worst case is the estimated input at the cache-write price plus max_tokens of output', () => {
    const worst = worstCaseCost('claude-sonnet-4-6', 40_000, 4_000);
    expect(worst).toEqual({
      inputTokens: 10_000,
      outputTokens: 4_000,
      usd: (10_000 * 3.75 + 4_000 * 15) / 1e6,
    });
    const cap = new SpendCap(0.1);
    cap.admit('write-code', 'claude-sonnet-4-6', worst);
    cap.charge(0.05);
    expect(() => cap.admit('write-tests', 'claude-sonnet-4-6', worst)).toThrow(LlmError);
    expect(parseMaxCost('$0.25')).toBe(0.25);
    expect(() => parseMaxCost('free')).toThrow(
      "--max-cost must be an amount of US dollars greater than 0, such as 0.25; got 'free'",
    );
    expect(() => parseMaxCost('0')).toThrow(/greater than 0/);
  });

  test('build --max-cost stops before the call that could pass the cap, exit 1, spend so far in the ledger', async () => {
    api = await startFakeMessagesApi([
      toolReply(asTool(code), {
        usage: { input_tokens: 2000, cache_creation_input_tokens: 3000, output_tokens: 3000 },
      }),
      toolReply(asTool(tests)),
    ]);
    const tree = repository();
    const result = await cli(
      ['build', `specs/${intent.service_name}/SPEC.md`, '--max-cost', '0.10'],
      tree.root,
      { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: api.url, ASSEMBLY_LINE_LLM_MAX_TOKENS: '4000' },
    );
    expect(result.code).toBe(1);
    // One call made; the second was never sent.
    expect(api.requests).toHaveLength(1);
    const spent = costUsd('claude-sonnet-4-6', {
      inputTokens: 2000,
      outputTokens: 3000,
      cacheWriteTokens: 3000,
      cacheReadTokens: 0,
    }).costUsd;
    const message =
      /spend cap reached: the write-tests call on claude-sonnet-4-6 could cost up to \$(\d+\.\d+) .*and \$(\d+\.\d+) of the \$0\.1000 cap is spent; stopped before the call/.exec(
        result.stdout + result.stderr,
      );
    expect(message).not.toBeNull();
    const [worst, spentSoFar] = [Number(message![1]), Number(message![2])];
    expect(spentSoFar).toBeCloseTo(spent, 3);
    // Stopped because this call could pass the cap, while what was spent is within it.
    expect(spentSoFar).toBeLessThanOrEqual(0.1);
    expect(spentSoFar + worst).toBeGreaterThan(0.1);
    const run = readLedger(ledgerDir(tree.root)).records.find((r) => r.kind === 'build')!;
    expect(run.outcome).toBe('failed');
    expect(run.llm_calls.map((c) => [c.task, c.cost_usd])).toEqual([['write_code', spent]]);
    expect(run.error).toMatch(/spend cap reached/);
  }, 120_000);

  test('a cap below the first call stops the run before any request', async () => {
    api = await startFakeMessagesApi([]);
    const tree = repository();
    const result = await cli(
      ['build', `specs/${intent.service_name}/SPEC.md`, '--max-cost', '0.01'],
      tree.root,
      {
        ANTHROPIC_API_KEY: KEY,
        ANTHROPIC_BASE_URL: api.url,
      },
    );
    expect(result.code).toBe(1);
    expect(api.requests).toHaveLength(0);
    expect(result.stdout + result.stderr).toMatch(/spend cap reached: the write-code call/);
  });
});
