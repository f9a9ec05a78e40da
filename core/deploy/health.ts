import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBoundedBody } from '../http-body.js';

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One GET; rejects when nothing answers. The ssh target passes one that goes through its connection. */
export type HttpGet = (url: string, timeoutMs: number) => Promise<HttpAnswer>;

/** A /health answer is a few dozen bytes; anything past this is not one. */
const HEALTH_BODY_LIMIT = 64 * 1024;

/**
 * A GET on a fresh connection (no keep-alive pool: a pooled connection to a process that just stopped
 * would fail for reasons that have nothing to do with the service). `socketPath` sends the request to a
 * Unix socket instead of the URL's host and port — an ssh port forward, for instance. `timeoutMs` bounds
 * the whole exchange, not only idle time: a body that trickles a byte now and then still ends in time.
 */
export function httpGet(url: string, timeoutMs: number, socketPath?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      {
        ...(socketPath
          ? { socketPath }
          : { host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 80) }),
        path: `${target.pathname}${target.search}`,
        method: 'GET',
        agent: false,
        headers: { accept: 'application/json', connection: 'close' },
      },
      (response) => {
        readBoundedBody(response, HEALTH_BODY_LIMIT).then(
          (body) => {
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, body });
          },
          (error: Error) => {
            clearTimeout(timer);
            req.destroy();
            reject(error);
          },
        );
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/** What one /health answer says: active or not, and a short description for messages. */
export function judgeHealth(answer: HttpAnswer): { active: boolean; description: string } {
  if (answer.status !== 200) return { active: false, description: `HTTP ${answer.status}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return { active: false, description: 'an answer that is not JSON' };
  }
  const status = parsed && typeof parsed === 'object' ? (parsed as { status?: unknown }).status : undefined;
  if (status === 'active') return { active: true, description: 'status "active"' };
  return {
    active: false,
    description: status === undefined ? 'JSON without a "status" field' : `status ${JSON.stringify(status)}`,
  };
}

export interface HealthOptions {
  /** How long to keep polling; default 30000. */
  timeoutMs?: number;
  /** Pause between polls; default 250. */
  intervalMs?: number;
  /** When polling gave up: wait this long, then ask once more. Undefined: no second chance. */
  retryAfterMs?: number;
  /** Per request; default 2000. */
  requestTimeoutMs?: number;
  fetch?: HttpGet;
}

export interface HealthResult {
  healthy: boolean;
  attempts: number;
  elapsedMs: number;
  /** The last thing seen: `status "starting"`, `HTTP 500`, `connect ECONNREFUSED …`. */
  last: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Polls `url` until it answers 200 with JSON `"status": "active"`, for at most `timeoutMs`; then, if
 * `retryAfterMs` is set, waits that long and asks one last time (the seed's "wait 60 seconds, retry").
 * Every probe has a total deadline, so the whole gate ends within timeoutMs + requestTimeoutMs +
 * retryAfterMs + requestTimeoutMs, whatever the service does.
 */
export async function waitForHealthy(url: string, options: HealthOptions = {}): Promise<HealthResult> {
  const timeoutMs = options.timeoutMs ?? 30000;
  const intervalMs = options.intervalMs ?? 250;
  const requestTimeoutMs = options.requestTimeoutMs ?? 2000;
  const get = options.fetch ?? httpGet;
  const started = performance.now();
  let attempts = 0;
  let last = 'no answer yet';
  const probe = async (budgetMs: number): Promise<boolean> => {
    attempts++;
    try {
      const verdict = judgeHealth(await get(url, budgetMs));
      last = verdict.description;
      return verdict.active;
    } catch (error) {
      last = errorText(error);
      return false;
    }
  };
  const result = (healthy: boolean): HealthResult => ({
    healthy,
    attempts,
    elapsedMs: Math.round(performance.now() - started),
    last,
  });

  // Every probe gets a whole request timeout: one cut short by the polling deadline would time out for
  // reasons of ours and hide what the service last said.
  const deadline = started + timeoutMs;
  for (;;) {
    if (await probe(requestTimeoutMs)) return result(true);
    const left = deadline - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(intervalMs, left));
  }
  if (options.retryAfterMs === undefined) return result(false);
  await sleep(options.retryAfterMs);
  return result(await probe(requestTimeoutMs));
}

export interface AvailabilityReport {
  requests: number;
  failures: number;
  /** The longest stretch during which every request failed, from the first failure to the next success. */
  longestGapMs: number;
}

/**
 * Polls `url` back to back until stopped and measures how long it answered nothing: the cutover gap.
 * A request that gets any HTTP answer counts as answered.
 */
export function watchAvailability(url: string, get: HttpGet = httpGet, intervalMs = 20) {
  let running = true;
  let requests = 0;
  let failures = 0;
  let longestGapMs = 0;
  let failingSince: number | undefined;
  const loop = (async () => {
    while (running) {
      const at = performance.now();
      requests++;
      try {
        await get(url, 1000);
        if (failingSince !== undefined) longestGapMs = Math.max(longestGapMs, at - failingSince);
        failingSince = undefined;
      } catch {
        failures++;
        failingSince ??= at;
      }
      if (running) await sleep(intervalMs);
    }
  })();
  return {
    async stop(): Promise<AvailabilityReport> {
      running = false;
      await loop;
      if (failingSince !== undefined) longestGapMs = Math.max(longestGapMs, performance.now() - failingSince);
      return { requests, failures, longestGapMs: Math.round(longestGapMs) };
    },
  };
}
