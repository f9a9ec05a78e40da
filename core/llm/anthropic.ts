import Anthropic from '@anthropic-ai/sdk';
import {
  type CodeRequest,
  type FileMap,
  type ImproveSpecRequest,
  LlmError,
  type LlmProvider,
  type LlmResult,
  type LlmUsage,
  type SpecRequest,
  type TestRequest,
} from '../ports/index.js';
import { redactSecrets } from '../redact.js';
import { classifyFailure, llmErrorOf } from './anthropic-errors.js';
import { filesFromToolInput, markdownFromText, WRITE_FILES_TOOL } from './model-output.js';
import { costUsd, DEFAULT_ANTHROPIC_MODEL } from './pricing.js';
import {
  improveSpecPrompt,
  type PromptParts,
  type SystemPromptKind,
  systemPrompt,
  writeCodeParts,
  writeSpecPrompt,
  writeTestsParts,
} from './prompts.js';
import {
  type RetryNotice,
  type RetryPolicy,
  realSleep,
  SEED_RETRY_POLICY,
  type Sleep,
  validateRetryPolicy,
  withRetry,
} from './retry.js';
import { completeSpec } from './spec-completion.js';
import { type SpendCap, worstCaseCost } from './spend-cap.js';

export const LLM_TASKS = ['write-spec', 'improve-spec', 'write-code', 'write-tests'] as const;
export type LlmTask = (typeof LLM_TASKS)[number];

/** The variable that picks the model of each task; ASSEMBLY_LINE_MODEL is the fallback of all four. */
export const MODEL_VARIABLES: Readonly<Record<LlmTask, string>> = {
  'write-spec': 'ASSEMBLY_LINE_MODEL_SPEC',
  'improve-spec': 'ASSEMBLY_LINE_MODEL_IMPROVE',
  'write-code': 'ASSEMBLY_LINE_MODEL_CODE',
  'write-tests': 'ASSEMBLY_LINE_MODEL_TESTS',
};

/** One model call as the ledger records it; also what `LlmResult.usage` holds. */
export interface AnthropicUsage extends LlmUsage {
  task: LlmTask;
  /** false when the model is missing from the price table and `costUsd` is an estimate. */
  priceKnown: boolean;
  /** HTTP attempts the call took (retries included). */
  attempts: number;
  /** `ok`, or the kind of LlmError the call ended in although tokens were spent. */
  outcome: 'ok' | LlmError['kind'];
  /** The API's message id, for support requests. */
  messageId: string;
}

export interface AnthropicConfig {
  apiKey: string;
  /** The model of every task without its own entry in `models`. */
  model: string;
  /** A model per task (ASSEMBLY_LINE_MODEL_SPEC, _IMPROVE, _CODE, _TESTS). */
  models?: Partial<Record<LlmTask, string>>;
  /** Checked before each call against the call's worst case; charged after each answered call. */
  spendCap?: SpendCap;
  /** Defaults to the SDK's (ANTHROPIC_BASE_URL or api.anthropic.com). */
  baseURL?: string;
  /** Per HTTP attempt. */
  timeoutMs: number;
  retry: RetryPolicy;
  maxTokens: number;
  /** Called for every answered call, failed ones included: their tokens were billed too. */
  onUsage?: (usage: AnthropicUsage) => void;
  onRetry?: (notice: RetryNotice & { task: LlmTask }) => void;
  /** Injected by tests; the real one waits. */
  sleep?: Sleep;
}

export const ANTHROPIC_DEFAULTS = {
  model: DEFAULT_ANTHROPIC_MODEL,
  /** Non-streaming calls of 16K output tokens take minutes; the SDK's own default is 10 min too. */
  timeoutMs: 600_000,
  maxTokens: 16_000,
  retry: SEED_RETRY_POLICY,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function positiveIntegerFromEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new LlmError(`${name} must be a whole number greater than 0, got '${raw}'`, 'config');
  }
  return value;
}

/** The per-task models the environment sets (empty values ignored). */
export function taskModelsFromEnv(env: Env): Partial<Record<LlmTask, string>> {
  const models: Partial<Record<LlmTask, string>> = {};
  for (const task of LLM_TASKS) {
    const value = env[MODEL_VARIABLES[task]]?.trim();
    if (value) models[task] = value;
  }
  return models;
}

/**
 * Configuration from the environment: ANTHROPIC_API_KEY (required), ASSEMBLY_LINE_MODEL and the
 * per-task ASSEMBLY_LINE_MODEL_SPEC, _IMPROVE, _CODE, _TESTS, ANTHROPIC_BASE_URL,
 * ASSEMBLY_LINE_LLM_TIMEOUT_MS, ASSEMBLY_LINE_LLM_MAX_TOKENS.
 */
export function anthropicConfigFromEnv(
  env: Env = process.env,
  overrides: Partial<AnthropicConfig> = {},
): AnthropicConfig {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey && !overrides.apiKey) {
    throw new LlmError(
      'ANTHROPIC_API_KEY is not set: set it to use the anthropic provider, or use the offline provider',
      'config',
    );
  }
  const baseURL = env.ANTHROPIC_BASE_URL?.trim();
  const models = taskModelsFromEnv(env);
  return {
    apiKey: apiKey ?? '',
    model: env.ASSEMBLY_LINE_MODEL?.trim() || ANTHROPIC_DEFAULTS.model,
    ...(Object.keys(models).length > 0 ? { models } : {}),
    ...(baseURL ? { baseURL } : {}),
    timeoutMs: positiveIntegerFromEnv(env, 'ASSEMBLY_LINE_LLM_TIMEOUT_MS', ANTHROPIC_DEFAULTS.timeoutMs),
    maxTokens: positiveIntegerFromEnv(env, 'ASSEMBLY_LINE_LLM_MAX_TOKENS', ANTHROPIC_DEFAULTS.maxTokens),
    retry: ANTHROPIC_DEFAULTS.retry,
    ...overrides,
  };
}

/** Which system prompt each task is sent with (see systemPrompt). */
const SYSTEM_PROMPT_OF: Readonly<Record<LlmTask, SystemPromptKind>> = {
  'write-spec': 'spec',
  'improve-spec': 'spec',
  'write-code': 'service',
  'write-tests': 'service',
};

/**
 * The Messages API request of one task. Its system prompt is the task's kind (SYSTEM_PROMPT_OF) with a
 * cache breakpoint, so the improve calls that follow a SPEC call within the cache's five minutes read
 * the SPEC instructions from the cache, and the tests call reads the code call's. The code and tests
 * calls start with the write_files tool and share a second cached block, the intent and the SPEC: the
 * tests call reads both (a tenth of the input price) and pays full price only for the code it is shown
 * and its task. The SPEC calls send no tool and answer in text.
 */
export function messageRequest({
  task,
  model,
  maxTokens,
  prompt,
  tool,
}: {
  task: LlmTask;
  model: string;
  maxTokens: number;
  prompt: string | PromptParts;
  /** The tool the call must answer with; without one the call answers in text. */
  tool?: Anthropic.Tool;
}): Anthropic.MessageCreateParamsNonStreaming {
  const cached = { type: 'ephemeral' } as const;
  const content: string | Anthropic.TextBlockParam[] =
    typeof prompt === 'string'
      ? prompt
      : [
          { type: 'text', text: prompt.shared, cache_control: cached },
          { type: 'text', text: prompt.task },
        ];
  return {
    model,
    max_tokens: maxTokens,
    ...(tool ? { tools: [tool], tool_choice: { type: 'tool', name: tool.name } } : {}),
    system: [{ type: 'text', text: systemPrompt(SYSTEM_PROMPT_OF[task]), cache_control: cached }],
    messages: [{ role: 'user', content }],
  };
}

/** The whole task of one provider method: how to ask, and how to read the answer. */
interface TaskSpec<T> {
  task: LlmTask;
  prompt: string | PromptParts;
  tool?: Anthropic.Tool;
  read: (message: Anthropic.Message) => T;
}

/** The Claude Messages API behind the LlmProvider interface. */
export class AnthropicProvider implements LlmProvider {
  readonly name = 'anthropic';
  private readonly client: Anthropic;
  private readonly config: AnthropicConfig;

  constructor(config: AnthropicConfig) {
    const problem = AnthropicProvider.configProblem(config);
    if (problem) throw new LlmError(`invalid anthropic provider configuration: ${problem}`, 'config');
    this.config = config;
    this.client = new Anthropic({
      apiKey: config.apiKey,
      // Without this the SDK would also pick ANTHROPIC_AUTH_TOKEN up from the environment.
      authToken: null,
      ...(config.baseURL ? { baseURL: config.baseURL } : {}),
      timeout: config.timeoutMs,
      // The retry policy is ours (the seed's), not the SDK's.
      maxRetries: 0,
    });
  }

  private static configProblem(config: AnthropicConfig): string | undefined {
    if (!config.apiKey?.trim()) return 'the API key is empty (set ANTHROPIC_API_KEY)';
    if (!config.model?.trim()) return 'the model is empty (set ASSEMBLY_LINE_MODEL)';
    for (const task of LLM_TASKS)
      if (config.models?.[task] !== undefined && !config.models[task]?.trim())
        return `the ${task} model is empty (set ${MODEL_VARIABLES[task]})`;
    if (!Number.isFinite(config.timeoutMs) || config.timeoutMs <= 0)
      return 'timeoutMs must be greater than 0';
    if (!Number.isInteger(config.maxTokens) || config.maxTokens <= 0)
      return 'maxTokens must be a whole number > 0';
    const retry = validateRetryPolicy(config.retry);
    return retry ? `retry: ${retry}` : undefined;
  }

  get model(): string {
    return this.config.model;
  }

  /** The model a task is sent to. */
  modelFor(task: LlmTask): string {
    return this.config.models?.[task] ?? this.config.model;
  }

  writeSpec(request: SpecRequest): Promise<LlmResult<string>> {
    return this.run({
      task: 'write-spec',
      prompt: writeSpecPrompt(request),
      // The model writes what is unique to the service; the pipeline adds what the intent determines.
      read: (m) => completeSpec(request.intent, this.readMarkdown(m)),
    });
  }

  improveSpec(request: ImproveSpecRequest): Promise<LlmResult<string>> {
    return this.run({
      task: 'improve-spec',
      prompt: improveSpecPrompt(request),
      read: (m) => completeSpec(request.intent, this.readMarkdown(m)),
    });
  }

  writeCode(request: CodeRequest): Promise<LlmResult<FileMap>> {
    const name = request.intent.service_name;
    return this.run({
      task: 'write-code',
      prompt: writeCodeParts(request),
      tool: WRITE_FILES_TOOL,
      read: (m) => this.readFiles(m, name),
    });
  }

  writeTests(request: TestRequest): Promise<LlmResult<FileMap>> {
    const name = request.intent.service_name;
    return this.run({
      task: 'write-tests',
      prompt: writeTestsParts(request),
      tool: WRITE_FILES_TOOL,
      read: (m) => this.readFiles(m, name),
    });
  }

  private requestBody(
    task: LlmTask,
    prompt: string | PromptParts,
    tool?: Anthropic.Tool,
  ): Anthropic.MessageCreateParamsNonStreaming {
    return messageRequest({
      task,
      model: this.modelFor(task),
      maxTokens: this.config.maxTokens,
      prompt,
      tool,
    });
  }

  /** Throws before the call when its worst case would take the run past the spend cap. */
  private checkSpendCap(task: LlmTask, body: Anthropic.MessageCreateParamsNonStreaming): void {
    const cap = this.config.spendCap;
    if (!cap) return;
    const text = (blocks: string | Anthropic.TextBlockParam[]) =>
      typeof blocks === 'string' ? blocks.length : blocks.reduce((n, b) => n + b.text.length, 0);
    const system = Array.isArray(body.system) ? text(body.system) : (body.system ?? '').length;
    const messages = body.messages.reduce(
      (n, m) => n + text(m.content as string | Anthropic.TextBlockParam[]),
      0,
    );
    const tools = body.tools ? JSON.stringify(body.tools).length : 0;
    cap.admit(task, body.model, worstCaseCost(body.model, system + messages + tools, body.max_tokens));
  }

  private async run<T>({ task, prompt, tool, read }: TaskSpec<T>): Promise<LlmResult<T>> {
    const body = this.requestBody(task, prompt, tool);
    this.checkSpendCap(task, body);
    const started = performance.now();
    let attempts = 0;
    let message: Anthropic.Message;
    try {
      message = await withRetry(
        (attempt) => {
          attempts = attempt;
          return this.client.messages.create(body);
        },
        {
          policy: this.config.retry,
          classify: (error) => classifyFailure(error, this.config.timeoutMs),
          sleep: this.config.sleep ?? realSleep,
          onRetry: (notice) =>
            this.config.onRetry?.({
              ...notice,
              reason: redactSecrets(notice.reason, [this.config.apiKey]),
              task,
            }),
        },
      );
    } catch (error) {
      throw llmErrorOf(error, this.config);
    }
    const durationMs = performance.now() - started;
    let value: T;
    try {
      this.checkStopReason(message);
      value = read(message);
    } catch (error) {
      if (error instanceof LlmError)
        this.report(this.usageOf(task, message, durationMs, attempts, error.kind));
      throw error;
    }
    const usage = this.usageOf(task, message, durationMs, attempts, 'ok');
    this.report(usage);
    return { value, usage };
  }

  private report(usage: AnthropicUsage): void {
    this.config.spendCap?.charge(usage.costUsd);
    this.config.onUsage?.(usage);
  }

  private usageOf(
    task: LlmTask,
    message: Anthropic.Message,
    durationMs: number,
    attempts: number,
    outcome: AnthropicUsage['outcome'],
  ): AnthropicUsage {
    const model = message.model || this.modelFor(task);
    const tokens = {
      inputTokens: message.usage?.input_tokens ?? 0,
      outputTokens: message.usage?.output_tokens ?? 0,
      cacheReadTokens: message.usage?.cache_read_input_tokens ?? 0,
      cacheWriteTokens: message.usage?.cache_creation_input_tokens ?? 0,
    };
    const cost = costUsd(model, tokens);
    return {
      provider: this.name,
      model,
      ...tokens,
      costUsd: cost.costUsd,
      durationMs,
      task,
      priceKnown: cost.priceKnown,
      attempts,
      outcome,
      messageId: message.id,
    };
  }

  private checkStopReason(message: Anthropic.Message): void {
    switch (message.stop_reason) {
      case 'refusal': {
        const details = message.stop_details;
        const why = [details?.category, details?.explanation].filter(Boolean).join(': ');
        throw new LlmError(
          `the model (${message.model}) refused the request${why ? ` (${why})` : ''}; review the intent's wording`,
          'refusal',
        );
      }
      case 'max_tokens':
        throw new LlmError(
          `the model's output was cut off at ${this.config.maxTokens} tokens (max_tokens); raise ASSEMBLY_LINE_LLM_MAX_TOKENS or simplify the intent`,
          'max_tokens',
        );
      case 'model_context_window_exceeded':
        throw new LlmError(
          `the model's output was cut off: the request and answer exceeded ${message.model}'s context window`,
          'max_tokens',
        );
      default:
    }
  }

  private readMarkdown(message: Anthropic.Message): string {
    const text = message.content
      .filter((block): block is Anthropic.TextBlock => block.type === 'text')
      .map((block) => block.text)
      .join('');
    const markdown = markdownFromText(text);
    if (markdown === '') {
      throw new LlmError(
        `the model answered without any text (stop reason ${message.stop_reason ?? 'none'}); expected SPEC.md markdown`,
        'malformed',
      );
    }
    return `${markdown}\n`;
  }

  private readFiles(message: Anthropic.Message, serviceName: string): FileMap {
    const call = message.content.find(
      (block): block is Anthropic.ToolUseBlock =>
        block.type === 'tool_use' && block.name === WRITE_FILES_TOOL.name,
    );
    if (!call) {
      throw new LlmError(
        `the model did not call the ${WRITE_FILES_TOOL.name} tool (stop reason ${message.stop_reason ?? 'none'}); no files were delivered`,
        'malformed',
      );
    }
    return filesFromToolInput(call.input, serviceName);
  }
}
