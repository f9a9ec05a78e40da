import type { PriorityQueue, StartedEntry } from './priority-queue.js';

/**
 * Runs everything in `queue` with the queue's concurrency bound, in its order, until it is empty.
 * `work` failures are the caller's to record: a rejected job frees its slot like a finished one.
 */
export async function drainQueue(
  queue: PriorityQueue,
  work: (entry: StartedEntry) => Promise<void>,
  clock: () => number = Date.now,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for (;;) {
    let entry = queue.next(clock());
    while (entry) {
      const started = entry;
      const job: Promise<void> = work(started)
        .catch(() => undefined)
        .finally(() => {
          queue.complete(started.id, clock());
          running.delete(job);
        });
      running.add(job);
      entry = queue.next(clock());
    }
    if (running.size === 0) return;
    await Promise.race(running);
  }
}
