/**
 * The seed's retry policy for model calls: a fixed number of attempts with a backoff schedule between
 * them. Pure apart from the injected `sleep`, so tests check the schedule without waiting for it.
 */

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** The wait before the 2nd, 3rd, … attempt; the last entry repeats if there are more attempts. */
  delaysMs: readonly number[];
}

/** Seed: "Exponential backoff: 10s, 30s, 60s", three attempts in all. */
export const SEED_RETRY_POLICY: RetryPolicy = { attempts: 3, delaysMs: [10_000, 30_000, 60_000] };

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the caller's classifier says about one failure. */
export type RetryVerdict =
  | { retry: false }
  /** `retryAfterMs`: the server's own hint; it may shorten the wait, never lengthen it. */
  | { retry: true; reason: string; retryAfterMs?: number };

export interface RetryNotice {
  /** The attempt that just failed, 1-based. */
  attempt: number;
  /** Attempts in all, per the policy. */
  attempts: number;
  delayMs: number;
  reason: string;
}

export interface RetryOptions {
  policy: RetryPolicy;
  classify: (error: unknown) => RetryVerdict;
  sleep?: Sleep;
  onRetry?: (notice: RetryNotice) => void;
}

/** Raised when every attempt failed with a retryable error; `cause` is the last one. */
export class RetriesExhausted extends Error {
  constructor(
    readonly attempts: number,
    readonly reason: string,
    override readonly cause: unknown,
  ) {
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`);
  }
}

/** The wait after failed attempt `attempt` (1-based), honouring a shorter server hint. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const { delaysMs } = policy;
  const scheduled = delaysMs.length === 0 ? 0 : delaysMs[Math.min(attempt, delaysMs.length) - 1]!;
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs < 0) return scheduled;
  return Math.min(retryAfterMs, scheduled);
}

/** What a user is told while a call waits to be retried: "retrying in 10 s (attempt 2 of 3): connection refused". */
export function describeRetry(notice: RetryNotice): string {
  const wait = notice.delayMs < 1000 ? `${notice.delayMs} ms` : `${Math.round(notice.delayMs / 1000)} s`;
  return `retrying in ${wait} (attempt ${notice.attempt + 1} of ${notice.attempts}): ${notice.reason}`;
}

export function validateRetryPolicy(policy: RetryPolicy): string | undefined {
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) return 'attempts must be a whole number ≥ 1';
  if (policy.delaysMs.some((ms) => !Number.isFinite(ms) || ms < 0)) return 'delays must be numbers ≥ 0';
  return undefined;
}

/**
 * Runs `operation` until it succeeds, fails with an error `classify` deems final (rethrown as is), or
 * the attempts are spent (RetriesExhausted).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  { policy, classify, sleep = realSleep, onRetry }: RetryOptions,
): Promise<T> {
  const problem = validateRetryPolicy(policy);
  if (problem) throw new Error(`invalid retry policy: ${problem}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const verdict = classify(error);
      if (!verdict.retry) throw error;
      if (attempt >= policy.attempts) throw new RetriesExhausted(attempt, verdict.reason, error);
      const delayMs = retryDelay(policy, attempt, verdict.retryAfterMs);
      onRetry?.({ attempt, attempts: policy.attempts, delayMs, reason: verdict.reason });
      await sleep(delayMs);
    }
  }
}
