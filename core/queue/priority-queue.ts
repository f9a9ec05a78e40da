import { type Intent, PRIORITIES } from '../intent/schema.js';

export type Priority = Intent['priority'];

const MINUTE_MS = 60_000;

/** The seed's start SLAs: how long an intent may wait before its work starts. `low` is best effort. */
export const START_SLA_MS: Readonly<Record<Priority, number | undefined>> = {
  critical: 5 * MINUTE_MS,
  high: 15 * MINUTE_MS,
  medium: 60 * MINUTE_MS,
  low: undefined,
};

/** The stable id of one version of an intent, as the dashboard shows it: `<name>@<first 8 of hash>`. */
export function intentId(name: string, hash: string): string {
  return `${name}@${hash.slice(0, 8)}`;
}

export interface QueueItem {
  /** The intent's service_name. */
  name: string;
  /** The intent's content hash; a new hash is a new version of the intent. */
  hash: string;
  priority: Priority;
}

export interface QueuedEntry extends QueueItem {
  id: string;
  /** Epoch milliseconds. */
  enqueuedAt: number;
}

export interface StartedEntry extends QueuedEntry {
  startedAt: number;
  waitedMs: number;
  /** The start SLA of its priority, or undefined for best effort. */
  slaMs: number | undefined;
  breachedSla: boolean;
}

export interface SlaBreach {
  id: string;
  name: string;
  priority: Priority;
  enqueuedAt: number;
  /** For a breach of a started entry; absent for a queued entry still waiting (see `overdue`). */
  startedAt?: number;
  waitedMs: number;
  slaMs: number;
}

export type EnqueueResult =
  /** A new entry at the back of its level. */
  | 'queued'
  /** A queued older version was replaced; the entry keeps its place and enqueue time. */
  | 'replaced'
  /** The same version is already queued: nothing changed. */
  | 'unchanged'
  /** The same version is already running: nothing queued (a stale queued version, if any, was dropped). */
  | 'running';

export interface QueueSnapshotEntry {
  intent_id: string;
  service_name: string;
  priority: Priority;
  /** ISO-8601 */
  enqueued_at: string;
  waited_ms?: number;
}

export interface RunningSnapshotEntry extends QueueSnapshotEntry {
  /** ISO-8601 */
  started_at: string;
  waited_ms: number;
}

export interface QueueSnapshot {
  /** In the order they will run. */
  queued: QueueSnapshotEntry[];
  /** In the order they started. */
  running: RunningSnapshotEntry[];
  max_concurrent: number;
}

export interface PriorityQueueOptions {
  /** How many entries may run at once (e.g. concurrent LLM work); at least 1. */
  maxConcurrent: number;
  /** Breach records kept for `breaches()`; the oldest are dropped beyond this. */
  breachHistory?: number;
}

interface Slot extends QueuedEntry {
  /** Enqueue order; breaks ties within a level (FIFO) and is kept by a replacement. */
  seq: number;
}

const RANK: Readonly<Record<Priority, number>> = Object.fromEntries(
  PRIORITIES.map((p, i) => [p, i]),
) as Record<Priority, number>;

/**
 * The work queue of the SPEC line: pure bookkeeping, with time passed in, so it can be tested without a
 * clock and rebuilt from repository state after a restart.
 *
 * Order: priority (critical first), then FIFO within a level. At most `maxConcurrent` entries run at once,
 * and never two versions of the same intent: a changed intent whose old version is running waits for it.
 *
 * Replacement keeps the original place and enqueue time: an intent edited while it waits is still the
 * same pending request, and resetting it on every push would starve a busy editor (each commit would send
 * it to the back). The SLA is therefore measured from the first enqueue of the pending request. A change of
 * priority moves the entry to its new level, still ordered by its original enqueue order.
 */
export class PriorityQueue {
  readonly maxConcurrent: number;
  private readonly breachHistory: number;
  /** One array per priority rank, each sorted by seq. */
  private readonly levels: Slot[][] = PRIORITIES.map(() => []);
  private readonly queuedByName = new Map<string, Slot>();
  /** Keyed by intent name: one running version per intent. */
  private readonly runningByName = new Map<string, StartedEntry>();
  private readonly breachLog: SlaBreach[] = [];
  private seq = 0;

  constructor(options: PriorityQueueOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be a whole number ≥ 1, not ${options.maxConcurrent}`);
    }
    this.maxConcurrent = options.maxConcurrent;
    this.breachHistory = options.breachHistory ?? 1000;
  }

  get queuedCount(): number {
    return this.queuedByName.size;
  }

  get runningCount(): number {
    return this.runningByName.size;
  }

  enqueue(item: QueueItem, now: number): EnqueueResult {
    const running = this.runningByName.get(item.name);
    const queued = this.queuedByName.get(item.name);
    if (running?.hash === item.hash) {
      // The intent is back to the version being worked on: a queued newer version is stale.
      if (queued) this.remove(queued);
      return 'running';
    }
    if (queued?.hash === item.hash && queued.priority === item.priority) return 'unchanged';
    const id = intentId(item.name, item.hash);
    if (queued) {
      this.remove(queued);
      this.insert({ ...item, id, enqueuedAt: queued.enqueuedAt, seq: queued.seq });
      return 'replaced';
    }
    this.insert({ ...item, id, enqueuedAt: now, seq: this.seq++ });
    return 'queued';
  }

  /** Removes the queued version of an intent (the intent was deleted). A running version is the caller's to stop. */
  cancel(name: string): boolean {
    const queued = this.queuedByName.get(name);
    if (!queued) return false;
    this.remove(queued);
    return true;
  }

  /** Starts the next entry, or returns undefined when every slot is busy or nothing can start. */
  next(now: number): StartedEntry | undefined {
    if (this.runningByName.size >= this.maxConcurrent) return undefined;
    for (const level of this.levels) {
      const slot = level.find((s) => !this.runningByName.has(s.name));
      if (!slot) continue;
      this.remove(slot);
      const waitedMs = Math.max(0, now - slot.enqueuedAt);
      const slaMs = START_SLA_MS[slot.priority];
      const { seq: _seq, ...entry } = slot;
      const started: StartedEntry = {
        ...entry,
        startedAt: now,
        waitedMs,
        slaMs,
        breachedSla: slaMs !== undefined && waitedMs > slaMs,
      };
      this.runningByName.set(slot.name, started);
      if (started.breachedSla) this.logBreach(started);
      return started;
    }
    return undefined;
  }

  /** Frees the slot of a running entry, by its id. Unknown ids return undefined, so a replayed completion is harmless. */
  complete(id: string, now: number): (StartedEntry & { finishedAt: number }) | undefined {
    for (const [name, entry] of this.runningByName) {
      if (entry.id !== id) continue;
      this.runningByName.delete(name);
      return { ...entry, finishedAt: now };
    }
    return undefined;
  }

  /** Started entries that waited longer than their SLA, oldest first. */
  breaches(): SlaBreach[] {
    return [...this.breachLog];
  }

  /** Queued entries already past their SLA at `now`, in run order. */
  overdue(now: number): SlaBreach[] {
    return this.ordered()
      .map((s) => ({ slot: s, slaMs: START_SLA_MS[s.priority] }))
      .filter(({ slot, slaMs }) => slaMs !== undefined && now - slot.enqueuedAt > slaMs)
      .map(({ slot, slaMs }) => ({
        id: slot.id,
        name: slot.name,
        priority: slot.priority,
        enqueuedAt: slot.enqueuedAt,
        waitedMs: now - slot.enqueuedAt,
        slaMs: slaMs!,
      }));
  }

  /** The queued entries in run order (ignoring, for entries blocked by their running version, that they wait). */
  queued(): QueuedEntry[] {
    return this.ordered().map(({ seq: _seq, ...entry }) => entry);
  }

  running(): StartedEntry[] {
    return [...this.runningByName.values()];
  }

  /** For the dashboard; with `now`, queued entries carry how long they have waited so far. */
  snapshot(now?: number): QueueSnapshot {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      queued: this.ordered().map((s) => ({
        intent_id: s.id,
        service_name: s.name,
        priority: s.priority,
        enqueued_at: iso(s.enqueuedAt),
        ...(now !== undefined ? { waited_ms: Math.max(0, now - s.enqueuedAt) } : {}),
      })),
      running: this.running().map((r) => ({
        intent_id: r.id,
        service_name: r.name,
        priority: r.priority,
        enqueued_at: iso(r.enqueuedAt),
        started_at: iso(r.startedAt),
        waited_ms: r.waitedMs,
      })),
      max_concurrent: this.maxConcurrent,
    };
  }

  private ordered(): Slot[] {
    return this.levels.flat();
  }

  private insert(slot: Slot): void {
    const level = this.levels[RANK[slot.priority]]!;
    // Binary search by seq: a replacement keeps its old seq, so it may belong anywhere in the level.
    let lo = 0;
    let hi = level.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (level[mid]!.seq < slot.seq) lo = mid + 1;
      else hi = mid;
    }
    level.splice(lo, 0, slot);
    this.queuedByName.set(slot.name, slot);
  }

  private remove(slot: Slot): void {
    const level = this.levels[RANK[slot.priority]]!;
    level.splice(level.indexOf(slot), 1);
    this.queuedByName.delete(slot.name);
  }

  private logBreach(entry: StartedEntry): void {
    this.breachLog.push({
      id: entry.id,
      name: entry.name,
      priority: entry.priority,
      enqueuedAt: entry.enqueuedAt,
      startedAt: entry.startedAt,
      waitedMs: entry.waitedMs,
      slaMs: entry.slaMs!,
    });
    if (this.breachLog.length > this.breachHistory) this.breachLog.shift();
  }
}
