import {
  describeRetry,
  RetriesExhausted,
  type RetryNotice,
  type RetryVerdict,
  retryDelay,
  SEED_RETRY_POLICY,
  withRetry,
} from '../core/llm/retry.js';

class Transient extends Error {}
class Final extends Error {}

const classify = (error: unknown): RetryVerdict =>
  error instanceof Transient ? { retry: true, reason: error.message } : { retry: false };

/** A sleep that records the waits and returns at once. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** An operation failing with the given errors in turn, then answering 'done'. */
function failing(...errors: Error[]) {
  const calls: number[] = [];
  const operation = async (attempt: number) => {
    calls.push(attempt);
    const error = errors[attempt - 1];
    if (error) throw error;
    return 'done';
  };
  return { calls, operation };
}

describe('the seed retry policy', () => {
  test('is three attempts with 10 s, 30 s and 60 s of backoff', () => {
    expect(SEED_RETRY_POLICY).toEqual({ attempts: 3, delaysMs: [10_000, 30_000, 60_000] });
  });

  test('three failed attempts wait 10 s, then 30 s, then give up naming the last failure', async () => {
    const { waits, sleep } = recordingSleep();
    const { calls, operation } = failing(
      new Transient('HTTP 500'),
      new Transient('HTTP 502'),
      new Transient('HTTP 503'),
    );
    const failure = withRetry(operation, { policy: SEED_RETRY_POLICY, classify, sleep });
    await expect(failure).rejects.toThrow(RetriesExhausted);
    await expect(failure).rejects.toThrow('gave up after 3 attempts: HTTP 503');
    expect(calls).toEqual([1, 2, 3]);
    expect(waits).toEqual([10_000, 30_000]);
  });

  test('with more attempts the schedule runs 10 s, 30 s, 60 s and then stays at 60 s', async () => {
    const { waits, sleep } = recordingSleep();
    const errors = Array.from({ length: 5 }, (_, i) => new Transient(`failure ${i + 1}`));
    const { calls, operation } = failing(...errors);
    await expect(
      withRetry(operation, { policy: { ...SEED_RETRY_POLICY, attempts: 5 }, classify, sleep }),
    ).rejects.toThrow('gave up after 5 attempts: failure 5');
    expect(calls).toEqual([1, 2, 3, 4, 5]);
    expect(waits).toEqual([10_000, 30_000, 60_000, 60_000]);
  });

  test('a success after a transient failure returns the value after one 10 s wait', async () => {
    const { waits, sleep } = recordingSleep();
    const notices: RetryNotice[] = [];
    const { operation } = failing(new Transient('HTTP 429'));
    const value = await withRetry(operation, {
      policy: SEED_RETRY_POLICY,
      classify,
      sleep,
      onRetry: (notice) => notices.push(notice),
    });
    expect(value).toBe('done');
    expect(waits).toEqual([10_000]);
    expect(notices).toEqual([{ attempt: 1, attempts: 3, delayMs: 10_000, reason: 'HTTP 429' }]);
    expect(describeRetry(notices[0]!)).toBe('retrying in 10 s (attempt 2 of 3): HTTP 429');
  });

  test('a final failure is rethrown at once, unchanged, without waiting', async () => {
    const { waits, sleep } = recordingSleep();
    const error = new Final('HTTP 401');
    const { calls, operation } = failing(error);
    await expect(withRetry(operation, { policy: SEED_RETRY_POLICY, classify, sleep })).rejects.toBe(error);
    expect(calls).toEqual([1]);
    expect(waits).toEqual([]);
  });

  test("a server's retry-after shortens the wait but never lengthens it", () => {
    expect(retryDelay(SEED_RETRY_POLICY, 1, 2_000)).toBe(2_000);
    expect(retryDelay(SEED_RETRY_POLICY, 1, 120_000)).toBe(10_000);
    expect(retryDelay(SEED_RETRY_POLICY, 2, 45_000)).toBe(30_000);
    expect(retryDelay(SEED_RETRY_POLICY, 2, Number.NaN)).toBe(30_000);
    expect(retryDelay(SEED_RETRY_POLICY, 2, -5)).toBe(30_000);
  });

  test('a policy without attempts is refused before anything runs', async () => {
    const { calls, operation } = failing();
    await expect(withRetry(operation, { policy: { attempts: 0, delaysMs: [] }, classify })).rejects.toThrow(
      'invalid retry policy: attempts must be a whole number ≥ 1',
    );
    expect(calls).toEqual([]);
  });
});
