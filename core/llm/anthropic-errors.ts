import { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { LlmError } from '../ports/index.js';
import { redactSecrets } from '../redact.js';
import { RetriesExhausted, type RetryVerdict } from './retry.js';

/**
 * Failures of the Messages API: which ones the seed's policy retries, and what a user is told about the
 * rest. No message carries the API key.
 */

function parseRetryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.has('retry-after-ms') && Number.isFinite(ms)) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The innermost error code or message of a connection failure (ECONNREFUSED, "other side closed", …). */
function connectionCause(error: unknown): string {
  let current: unknown = error;
  let message = '';
  // Duck-typed: errors from node's own realm (undici) fail `instanceof Error` under a VM such as Jest's.
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const { code, message: text, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    if (typeof text === 'string' && text) message = text;
    current = cause;
  }
  return message || 'connection failed';
}

function apiErrorDetail(error: APIError): string {
  const body = error.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  const type = typeof body?.error?.type === 'string' ? body.error.type : (error.type ?? undefined);
  const message = typeof body?.error?.message === 'string' ? body.error.message.slice(0, 300) : undefined;
  return [type, message].filter(Boolean).join(': ');
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Transient failures the seed's policy retries: 408, 429, 5xx, connection errors and timeouts. */
export function classifyFailure(error: unknown, timeoutMs: number): RetryVerdict {
  if (error instanceof APIConnectionTimeoutError)
    return { retry: true, reason: `no answer within ${timeoutMs} ms` };
  if (error instanceof APIConnectionError) {
    const cause = connectionCause(error);
    return {
      retry: true,
      reason: cause === 'ECONNREFUSED' ? 'connection refused' : `connection error (${cause})`,
    };
  }
  if (error instanceof APIError && typeof error.status === 'number' && isRetryableStatus(error.status)) {
    const detail = apiErrorDetail(error);
    const retryAfterMs = parseRetryAfterMs(error.headers);
    return {
      retry: true,
      reason: `HTTP ${error.status}${detail ? ` (${detail})` : ''}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return { retry: false };
}

function describe(
  error: unknown,
  { model, baseURL }: { model: string; baseURL?: string },
): { message: string; kind: LlmError['kind'] } | undefined {
  const where = baseURL ? ` at ${baseURL}` : '';
  if (error instanceof RetriesExhausted) {
    return {
      message: `the Anthropic API${where} is unavailable: ${error.reason}, ${error.attempts} attempt${error.attempts === 1 ? '' : 's'} in all`,
      kind: 'unavailable',
    };
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const detail = apiErrorDetail(error);
    const suffix = `(HTTP ${error.status}${detail ? ` ${detail}` : ''})`;
    switch (error.status) {
      case 401:
        return { message: `ANTHROPIC_API_KEY was rejected by the Anthropic API ${suffix}`, kind: 'config' };
      case 403:
        return {
          message: `ANTHROPIC_API_KEY is not allowed to use model ${model} ${suffix}`,
          kind: 'config',
        };
      case 404:
        return {
          message: `the Anthropic API${where} does not know model ${model} ${suffix}; set ASSEMBLY_LINE_MODEL to a current model`,
          kind: 'config',
        };
      default:
        return { message: `the Anthropic API${where} rejected the request ${suffix}`, kind: 'config' };
    }
  }
  if (error instanceof AnthropicError) {
    return { message: `the Anthropic client failed: ${error.message}`, kind: 'config' };
  }
  return undefined;
}

/**
 * A failed call as an LlmError that names the cause; an error that is not the API's (a bug) is
 * returned unchanged.
 */
export function llmErrorOf(
  error: unknown,
  config: { apiKey: string; model: string; baseURL?: string },
): unknown {
  const described = describe(error, config);
  return described ? new LlmError(redactSecrets(described.message, [config.apiKey]), described.kind) : error;
}
