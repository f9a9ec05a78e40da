import { setTimeout as sleep } from 'node:timers/promises';
import { redactUrlCredentials } from '../redact.js';
import { RegistryError } from './entry.js';

export interface RetryPolicy {
  /** Tries per request, the first included. Default 3. */
  attempts: number;
  /** Pause before the second try; doubled before each further one. Default 200 ms. */
  backoffMs: number;
  /** Limit for one try, from sending the request to the end of the answer. Default 5 s. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 200, timeoutMs: 5000 };

export interface JsonResponse {
  status: number;
  /** The parsed body; `undefined` when it is empty or not JSON. */
  body: unknown;
  text: string;
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: URL;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A URL as it may be shown: without user name or password. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

/** Splits credentials off a URL: fetch refuses URLs that carry them, and they must never be shown. */
export function splitCredentials(url: URL): { url: URL; username: string; password: string } {
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return {
    url: bare,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function failureReason(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return err.cause?.message ?? err.message;
}

/** The first 200 characters of an error answer, for a message. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/**
 * Sends one JSON request, trying again after connection errors, timeouts and 5xx answers (with a
 * doubling pause); any other answer, 4xx included, is returned at once for the caller to judge. The
 * request must be safe to repeat. `url` must carry no credentials (pass them as a header).
 */
export async function requestJson(request: JsonRequest, policy: RetryPolicy): Promise<JsonResponse> {
  const shown = `${request.method} ${redactUrl(request.url)}`;
  const attempts = Math.max(1, Math.floor(policy.attempts));
  let reason = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(policy.backoffMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const text = await response.text();
      if (response.status >= 500) {
        reason = `HTTP ${response.status}${text.trim() ? `: ${excerpt(text)}` : ''}`;
        continue;
      }
      let body: unknown;
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, body, text };
    } catch (error) {
      reason = failureReason(error, policy.timeoutMs);
    }
  }
  throw new RegistryError(
    `${shown} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${redactUrlCredentials(reason)}`,
  );
}
