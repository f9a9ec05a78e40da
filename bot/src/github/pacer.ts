/**
 * Paces the requests of one installation as GitHub's REST guidance asks: writes one at a time and at
 * least `writeIntervalMs` apart; a secondary rate limit (403/429) is retried after `retry-after`, or
 * after an exponential backoff when GitHub gives none. Probot 14's throttling only logs secondary
 * limits, so this is where they are handled. Reads are not serialised, but wait out a backoff too.
 */

export interface PacerOptions {
  /** Minimum gap between two writes; 1000 on GitHub, smaller in tests. */
  writeIntervalMs: number;
  /** First wait after a secondary limit without `retry-after`; doubled on each further one. */
  backoffMs: number;
  /** Attempts per request, the first included. */
  maxAttempts: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onWait?: (reason: string, ms: number) => void;
}

export const GITHUB_PACING: PacerOptions = { writeIntervalMs: 1000, backoffMs: 60_000, maxAttempts: 4 };

interface HttpFailure {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined> };
  message?: string;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** How long GitHub asks us to wait before retrying, or undefined when the failure is not a rate limit. */
export function rateLimitWait(error: unknown, attempt: number, backoffMs: number, now: number) {
  const failure = error as HttpFailure;
  if (failure?.status !== 403 && failure?.status !== 429) return undefined;
  const headers = failure.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  }
  if (failure.status === 429 || /secondary rate limit/i.test(failure.message ?? ''))
    return backoffMs * 2 ** (attempt - 1);
  return undefined;
}

export class WritePacer {
  private writes: Promise<unknown> = Promise.resolve();
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  /** Until when every request waits: set by a rate limit, so one 403 pauses the whole installation. */
  private pausedUntil = 0;
  readonly stats = { requests: 0, writes: 0, retries: 0, waitedMs: 0 };
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(readonly options: PacerOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** Sends `send` under the pacing rules for a request of `method`. */
  run<T>(method: string, url: string, send: () => Promise<T>): Promise<T> {
    this.stats.requests++;
    if (READ_METHODS.has(method.toUpperCase())) return this.attempt(url, send);
    const turn = this.writes.then(async () => {
      const gap = this.lastWriteAt + this.options.writeIntervalMs - this.now();
      if (gap > 0) await this.wait(gap, 'write interval');
      this.stats.writes++;
      try {
        return await this.attempt(url, send);
      } finally {
        this.lastWriteAt = this.now();
      }
    });
    this.writes = turn.catch(() => undefined);
    return turn;
  }

  private async attempt<T>(url: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const paused = this.pausedUntil - this.now();
      if (paused > 0) await this.wait(paused, 'rate limit');
      try {
        return await send();
      } catch (error) {
        const wait = rateLimitWait(error, attempt, this.options.backoffMs, this.now());
        if (wait === undefined || attempt >= this.options.maxAttempts) throw error;
        this.stats.retries++;
        this.pausedUntil = Math.max(this.pausedUntil, this.now() + wait);
        this.options.onWait?.(`rate limited on ${url}`, wait);
      }
    }
  }

  private async wait(ms: number, reason: string): Promise<void> {
    if (reason !== 'write interval') this.options.onWait?.(reason, ms);
    this.stats.waitedMs += ms;
    await this.sleep(ms);
  }
}

/** Octokit's request hook, so every call of an installation's client goes through `pacer`. */
export function pacedRequestHook(pacer: WritePacer) {
  return <T>(request: (options: unknown) => Promise<T>, options: { method: string; url: string }) =>
    pacer.run(options.method, options.url, () => request(options));
}
