import type { Intent } from '../intent/schema.js';

/**
 * The language model port. Adapters: anthropic (core/llm/anthropic.ts) and the deterministic offline
 * provider (core/llm/offline/).
 */

/** Token use and cost of one model call; the offline provider reports zeros. */
export interface LlmUsage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  durationMs: number;
}

export interface LlmResult<T> {
  value: T;
  usage: LlmUsage;
}

/** A verifier finding handed back to the model so it can fix exactly what was wrong. */
export interface SpecFinding {
  rule: string;
  line: number;
  message: string;
}

/** Generated files, keyed by a path relative to the repository root (must be under services/<name>/). */
export type FileMap = Record<string, string>;

export interface SpecRequest {
  intent: Intent;
}

export interface ImproveSpecRequest {
  intent: Intent;
  spec: string;
  score: number;
  findings: SpecFinding[];
}

export interface CodeRequest {
  intent: Intent;
  spec: string;
  /** Error output of the previous attempt (failed build, failing tests), for a retry. */
  feedback?: string;
}

export interface TestRequest extends CodeRequest {
  /** The application files the tests are for. */
  code: FileMap;
}

/**
 * The one interface to a language model. Each method is one task of the pipeline, so an offline,
 * deterministic implementation can do the same work without a model.
 */
export interface LlmProvider {
  readonly name: string;
  writeSpec(request: SpecRequest): Promise<LlmResult<string>>;
  improveSpec(request: ImproveSpecRequest): Promise<LlmResult<string>>;
  writeCode(request: CodeRequest): Promise<LlmResult<FileMap>>;
  writeTests(request: TestRequest): Promise<LlmResult<FileMap>>;
}

/** Raised for a model failure the caller cannot retry (refusal, truncation, malformed output, retries spent). */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: 'refusal' | 'max_tokens' | 'malformed' | 'unavailable' | 'config' | 'spend_cap',
  ) {
    super(message);
  }
}

export function zeroUsage(provider: string, model: string, durationMs = 0): LlmUsage {
  return {
    provider,
    model,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    durationMs,
  };
}
