import { PRIORITIES } from '../core/intent/schema.js';
import {
  intentId,
  type Priority,
  PriorityQueue,
  type QueueItem,
  START_SLA_MS,
} from '../core/queue/priority-queue.js';

const MIN = 60_000;
const item = (name: string, priority: Priority = 'medium', hash = `${name}-hash-v1`): QueueItem => ({
  name,
  hash,
  priority,
});

/** Starts everything that can start now, returning the names in start order. */
function drain(queue: PriorityQueue, now: number): string[] {
  const names: string[] = [];
  for (let started = queue.next(now); started; started = queue.next(now)) names.push(started.name);
  return names;
}

describe('PriorityQueue ordering', () => {
  test('critical > high > medium > low, whatever the enqueue order', () => {
    const queue = new PriorityQueue({ maxConcurrent: 10 });
    queue.enqueue(item('lo', 'low'), 0);
    queue.enqueue(item('me', 'medium'), 1);
    queue.enqueue(item('hi', 'high'), 2);
    queue.enqueue(item('cr', 'critical'), 3);
    expect(queue.queued().map((e) => e.name)).toEqual(['cr', 'hi', 'me', 'lo']);
    expect(drain(queue, 10)).toEqual(['cr', 'hi', 'me', 'lo']);
  });

  test('FIFO within a level, levels interleaved', () => {
    const queue = new PriorityQueue({ maxConcurrent: 10 });
    for (const [i, n] of ['a', 'b', 'c'].entries()) queue.enqueue(item(n, 'high'), i);
    queue.enqueue(item('x', 'critical'), 5);
    for (const [i, n] of ['d', 'e'].entries()) queue.enqueue(item(n, 'high'), 10 + i);
    expect(drain(queue, 20)).toEqual(['x', 'a', 'b', 'c', 'd', 'e']);
  });

  test('snapshot lists queued entries in run order with intent ids, times and waits', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    queue.enqueue(item('first', 'low', 'aaaaaaaabbbb'), t0);
    queue.enqueue(item('second', 'critical', 'ccccccccdddd'), t0 + 1000);
    queue.enqueue(item('third', 'high', 'eeeeeeeeffff'), t0 + 2000);
    queue.next(t0 + 3000);
    expect(queue.snapshot(t0 + 5000)).toEqual({
      queued: [
        {
          intent_id: 'third@eeeeeeee',
          service_name: 'third',
          priority: 'high',
          enqueued_at: '2026-01-01T12:00:02.000Z',
          waited_ms: 3000,
        },
        {
          intent_id: 'first@aaaaaaaa',
          service_name: 'first',
          priority: 'low',
          enqueued_at: '2026-01-01T12:00:00.000Z',
          waited_ms: 5000,
        },
      ],
      running: [
        {
          intent_id: 'second@cccccccc',
          service_name: 'second',
          priority: 'critical',
          enqueued_at: '2026-01-01T12:00:01.000Z',
          started_at: '2026-01-01T12:00:03.000Z',
          waited_ms: 2000,
        },
      ],
      max_concurrent: 1,
    });
    expect(queue.snapshot().queued[0]).not.toHaveProperty('waited_ms');
  });
});

describe('PriorityQueue concurrency', () => {
  test('hands out at most maxConcurrent entries; complete frees a slot', () => {
    const queue = new PriorityQueue({ maxConcurrent: 2 });
    for (const n of ['a', 'b', 'c', 'd']) queue.enqueue(item(n), 0);
    const a = queue.next(1)!;
    const b = queue.next(1)!;
    expect([a.name, b.name]).toEqual(['a', 'b']);
    expect(queue.next(2)).toBeUndefined();
    expect(queue.runningCount).toBe(2);
    expect(queue.complete(a.id, 3)).toMatchObject({ name: 'a', finishedAt: 3 });
    expect(queue.next(4)?.name).toBe('c');
    expect(queue.next(4)).toBeUndefined();
  });

  test('completing an unknown or already completed id changes nothing', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('a'), 0);
    const a = queue.next(0)!;
    expect(queue.complete('nope@12345678', 1)).toBeUndefined();
    expect(queue.runningCount).toBe(1);
    expect(queue.complete(a.id, 1)).toMatchObject({ id: a.id, finishedAt: 1 });
    expect(queue.complete(a.id, 2)).toBeUndefined();
    expect(queue.runningCount).toBe(0);
  });

  test('rejects a limit below one', () => {
    expect(() => new PriorityQueue({ maxConcurrent: 0 })).toThrow('maxConcurrent must be a whole number ≥ 1');
    expect(() => new PriorityQueue({ maxConcurrent: 1.5 })).toThrow(RangeError);
  });
});

describe('PriorityQueue versions of an intent', () => {
  test('a new hash replaces the queued version, keeping its place and enqueue time', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('a', 'medium', 'v1'), 0);
    queue.enqueue(item('b', 'medium', 'v1'), 10);
    expect(queue.enqueue(item('a', 'medium', 'v2'), 20)).toBe('replaced');
    expect(queue.queued()).toEqual([
      { name: 'a', hash: 'v2', priority: 'medium', id: 'a@v2', enqueuedAt: 0 },
      { name: 'b', hash: 'v1', priority: 'medium', id: 'b@v1', enqueuedAt: 10 },
    ]);
    expect(queue.next(30)).toMatchObject({ id: 'a@v2', waitedMs: 30 });
  });

  test('a replacement with a new priority moves level but keeps its enqueue order there', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('early', 'low', 'v1'), 0);
    queue.enqueue(item('h1', 'high'), 1);
    queue.enqueue(item('h2', 'high'), 2);
    expect(queue.enqueue(item('early', 'high', 'v2'), 3)).toBe('replaced');
    expect(queue.queued().map((e) => e.name)).toEqual(['early', 'h1', 'h2']);
  });

  test('the same hash again is a no-op', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('a'), 0);
    queue.enqueue(item('b'), 1);
    expect(queue.enqueue(item('a'), 50)).toBe('unchanged');
    expect(queue.queued().map((e) => [e.name, e.enqueuedAt])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
  });

  test('cancel removes a queued intent; unknown names return false', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('a'), 0);
    queue.enqueue(item('b'), 1);
    expect(queue.cancel('a')).toBe(true);
    expect(queue.cancel('a')).toBe(false);
    expect(queue.cancel('ghost')).toBe(false);
    expect(drain(queue, 2)).toEqual(['b']);
  });

  test('a changed intent whose old version runs is queued to run after it, not beside it', () => {
    const queue = new PriorityQueue({ maxConcurrent: 3 });
    queue.enqueue(item('a', 'critical', 'v1'), 0);
    const v1 = queue.next(1)!;
    expect(queue.enqueue(item('a', 'critical', 'v2'), 2)).toBe('queued');
    queue.enqueue(item('b', 'low'), 3);
    // A free slot, and a@v2 outranks b, but a@v1 is still running.
    expect(queue.next(4)?.name).toBe('b');
    expect(queue.next(5)).toBeUndefined();
    queue.complete(v1.id, 6);
    expect(queue.next(7)).toMatchObject({ id: 'a@v2', enqueuedAt: 2, waitedMs: 5 });
  });

  test('re-enqueueing the running version is a no-op and drops a stale queued version', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('a', 'medium', 'v1'), 0);
    queue.next(1);
    queue.enqueue(item('a', 'medium', 'v2'), 2);
    expect(queue.enqueue(item('a', 'medium', 'v1'), 3)).toBe('running');
    expect(queue.queuedCount).toBe(0);
  });

  test('after completion the same version may be queued again (the caller decides what is pending)', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('a'), 0);
    queue.complete(queue.next(0)!.id, 1);
    expect(queue.enqueue(item('a'), 2)).toBe('queued');
  });
});

describe('PriorityQueue SLAs', () => {
  test('the seed SLAs: 5, 15, 60 minutes; low is best effort', () => {
    expect(START_SLA_MS).toEqual({ critical: 5 * MIN, high: 15 * MIN, medium: 60 * MIN, low: undefined });
  });

  test('a start after the SLA is a breach; at the SLA exactly it is not', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('ontime', 'critical'), 0);
    queue.enqueue(item('late', 'critical'), 0);
    const ontime = queue.next(5 * MIN)!;
    expect(ontime).toMatchObject({ waitedMs: 5 * MIN, slaMs: 5 * MIN, breachedSla: false });
    queue.complete(ontime.id, 5 * MIN + 1);
    expect(queue.next(5 * MIN + 1)).toMatchObject({ name: 'late', breachedSla: true });
    expect(queue.breaches()).toEqual([
      {
        id: 'late@late-has',
        name: 'late',
        priority: 'critical',
        enqueuedAt: 0,
        startedAt: 5 * MIN + 1,
        waitedMs: 5 * MIN + 1,
        slaMs: 5 * MIN,
      },
    ]);
  });

  test('low priority never breaches, however long it waits', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('slow', 'low'), 0);
    expect(queue.overdue(1000 * MIN)).toEqual([]);
    expect(queue.next(1000 * MIN)).toMatchObject({ breachedSla: false, slaMs: undefined });
    expect(queue.breaches()).toEqual([]);
  });

  test('overdue lists queued entries past their SLA in run order, with a fake clock', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    let clock = 0;
    queue.enqueue(item('blocker', 'critical'), clock);
    queue.next(clock);
    queue.enqueue(item('m', 'medium'), clock);
    clock += 10 * MIN;
    queue.enqueue(item('h', 'high'), clock);
    queue.enqueue(item('c', 'critical'), clock);
    expect(queue.overdue(clock)).toEqual([]);
    clock += 15 * MIN + 1; // t = 25 min + 1 ms: c (5) and h (15) are late, m (60) is not
    expect(queue.overdue(clock).map((b) => [b.name, b.waitedMs, b.slaMs])).toEqual([
      ['c', 15 * MIN + 1, 5 * MIN],
      ['h', 15 * MIN + 1, 15 * MIN],
    ]);
    clock = 60 * MIN + 1;
    expect(queue.overdue(clock).map((b) => b.name)).toEqual(['c', 'h', 'm']);
  });

  test('a replaced entry is measured from its first enqueue', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue(item('a', 'critical', 'v1'), 0);
    queue.enqueue(item('a', 'critical', 'v2'), 4 * MIN);
    expect(queue.overdue(6 * MIN).map((b) => b.id)).toEqual(['a@v2']);
  });
});

/** mulberry32: a small seeded generator, so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('PriorityQueue under random operations', () => {
  test.each([1, 2, 3, 4, 5])('invariants hold (seed %i)', (seed) => {
    const rand = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const maxConcurrent = 1 + Math.floor(rand() * 4);
    const queue = new PriorityQueue({ maxConcurrent });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const rank = (p: Priority) => PRIORITIES.indexOf(p);
    /** The order in which each queued name was first enqueued (for the FIFO check). */
    const firstEnqueue = new Map<string, number>();
    let now = 0;
    let counter = 0;

    for (let step = 0; step < 300; step++) {
      now += Math.floor(rand() * 3 * MIN);
      const op = rand();
      if (op < 0.45) {
        const name = pick(names);
        const before = queue.queued().find((e) => e.name === name);
        const result = queue.enqueue(
          { name, hash: `v${Math.floor(rand() * 3)}`, priority: pick(PRIORITIES) },
          now,
        );
        if (result === 'queued') firstEnqueue.set(name, counter++);
        if (result === 'replaced')
          expect(queue.queued().find((e) => e.name === name)?.enqueuedAt).toBe(before!.enqueuedAt);
        if (result === 'running') expect(queue.queued().some((e) => e.name === name)).toBe(false);
      } else if (op < 0.75) {
        const eligible = queue.queued().filter((e) => !queue.running().some((r) => r.name === e.name));
        const started = queue.next(now);
        if (started) {
          // Nothing eligible outranks what started, and nothing in its level was enqueued before it.
          for (const other of eligible) {
            expect(rank(other.priority)).toBeGreaterThanOrEqual(rank(started.priority));
            if (other.priority === started.priority && other.name !== started.name) {
              expect(firstEnqueue.get(other.name)!).toBeGreaterThan(firstEnqueue.get(started.name)!);
            }
          }
          expect(started.waitedMs).toBe(now - started.enqueuedAt);
          expect(started.breachedSla).toBe(started.slaMs !== undefined && started.waitedMs > started.slaMs);
        } else {
          expect(queue.runningCount === maxConcurrent || eligible.length === 0).toBe(true);
        }
      } else if (op < 0.92) {
        const running = queue.running();
        if (running.length > 0) {
          const done = pick(running);
          expect(queue.complete(done.id, now)).toMatchObject({ id: done.id, finishedAt: now });
        }
      } else {
        queue.cancel(pick(names));
      }

      const queued = queue.queued();
      const running = queue.running();
      expect(running.length).toBeLessThanOrEqual(maxConcurrent);
      expect(new Set(queued.map((e) => e.name)).size).toBe(queued.length);
      expect(new Set(running.map((e) => e.name)).size).toBe(running.length);
      // A queued version is never the running version of the same intent.
      for (const e of queued) expect(running.some((r) => r.name === e.name && r.hash === e.hash)).toBe(false);
      // Run order: by priority, then by first enqueue.
      for (let i = 1; i < queued.length; i++) {
        const [a, b] = [queued[i - 1]!, queued[i]!];
        expect(
          rank(a.priority) < rank(b.priority) ||
            (rank(a.priority) === rank(b.priority) && firstEnqueue.get(a.name)! < firstEnqueue.get(b.name)!),
        ).toBe(true);
      }
      const snapshot = queue.snapshot(now);
      expect(snapshot.queued.map((e) => e.intent_id)).toEqual(queued.map((e) => intentId(e.name, e.hash)));
      expect(queue.overdue(now).every((b) => b.waitedMs > b.slaMs)).toBe(true);
      expect(queue.breaches().every((b) => b.waitedMs > b.slaMs)).toBe(true);
    }
  });
});
