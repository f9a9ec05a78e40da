import { describe, expect, it } from '@jest/globals';
import { rateLimitWait, WritePacer } from '../../bot/src/github/pacer.js';

/** A clock that only moves when the pacer sleeps, so the rules are checked without timing anything. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

const limited = (headers: Record<string, string>, message = 'You have exceeded a secondary rate limit') =>
  Object.assign(new Error(message), { status: 403, response: { headers } });

describe('the write pacer', () => {
  it('sends writes one at a time, at least the interval apart; reads are not held back', async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ writeIntervalMs: 1000, backoffMs: 60_000, maxAttempts: 3, ...clock });
    let inFlight = 0;
    let most = 0;
    const starts: number[] = [];
    const write = () =>
      pacer.run('POST', '/x', async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        starts.push(clock.now());
        await Promise.resolve();
        inFlight--;
      });
    await Promise.all([write(), write(), write(), pacer.run('GET', '/y', async () => 'read')]);
    expect(most).toBe(1);
    expect(starts).toEqual([0, 1000, 2000]);
  });

  it("waits what GitHub's retry-after says, then retries; without it, backs off exponentially", async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ writeIntervalMs: 0, backoffMs: 60_000, maxAttempts: 4, ...clock });
    const failures = [limited({ 'retry-after': '7' }), limited({}), limited({})];
    const result = await pacer.run('POST', '/x', async () => {
      const failure = failures.shift();
      if (failure) throw failure;
      return 'done';
    });
    expect(result).toBe('done');
    expect(clock.sleeps).toEqual([7000, 120_000, 240_000]);
    expect(pacer.stats.retries).toBe(3);
  });

  it('gives up after its attempts, and never retries a refusal that is not a rate limit', async () => {
    const clock = fakeClock();
    const pacer = new WritePacer({ writeIntervalMs: 0, backoffMs: 10, maxAttempts: 2, ...clock });
    await expect(
      pacer.run('POST', '/x', async () => Promise.reject(limited({ 'retry-after': '1' }))),
    ).rejects.toThrow('secondary rate limit');
    expect(clock.sleeps).toEqual([1000]);
    const forbidden = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    expect(rateLimitWait(forbidden, 1, 10, 0)).toBeUndefined();
    expect(
      rateLimitWait(
        limited({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '100' }, 'API rate limit exceeded'),
        1,
        10,
        40_000,
      ),
    ).toBe(60_000);
  });
});
