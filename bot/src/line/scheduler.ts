import { PriorityQueue } from '../core.js';
import { type GenerateJob, generateSpecPullRequest, type Log, type RepoContext } from './spec-pr.js';

/** A repository the app is installed on. */
export interface RepoKey {
  installationId: number;
  owner: string;
  repo: string;
  /** Known from a webhook's payload; read from GitHub when absent. */
  defaultBranch?: string;
}

export const repoName = (repo: RepoKey) => `${repo.owner}/${repo.repo}`;

type Task = (ctx: RepoContext) => Promise<unknown>;

/**
 * Where webhook handlers put work, so they can answer at once. Each repository has one lane: its
 * tasks run one after another, so two writers never race on a pull request. SPEC generation (the
 * model's work) waits in a priority queue first — critical before high before medium before low,
 * FIFO within a level — with bounded concurrency across repositories, then takes its turn in its lane.
 */
export class Scheduler {
  private readonly lanes = new Map<string, Promise<void>>();
  /**
   * A reconcile waiting in its lane: a later push only moves the commit it will read. `pushesOnly`
   * stays true while every request merged into it came from a push.
   */
  private readonly waitingReconcile = new Map<string, { head: string | undefined; pushesOnly: boolean }>();
  private readonly queue: PriorityQueue;
  private readonly jobs = new Map<string, { repo: RepoKey; job: GenerateJob }>();
  private busy = 0;
  private idleWaiters: Array<() => void> = [];
  private pumpScheduled = false;
  private nonce = 0;
  /** Intents in the order their generation started: what the priority order is checked on. */
  readonly started: string[] = [];
  /** Called when a SPEC run of `repo` has ended, whatever its outcome (the dashboard issue follows). */
  onSpecDone?: (repo: RepoKey) => void;

  constructor(
    private readonly contextFor: (repo: RepoKey) => Promise<RepoContext>,
    private readonly log: Log,
    maxConcurrent: number,
    private readonly reconcileTask: (repo: RepoKey, head: string | undefined, pushesOnly: boolean) => Task,
  ) {
    this.queue = new PriorityQueue({ maxConcurrent });
  }

  /** Runs `task` in the repository's lane; failures are logged, never thrown at the caller. */
  lane(repo: RepoKey, label: string, task: Task): Promise<void> {
    const key = repoName(repo);
    this.busy++;
    const run = (this.lanes.get(key) ?? Promise.resolve())
      .then(async () => task(await this.contextFor(repo)))
      .then(
        () => undefined,
        (error: Error) => this.log.error(`${key}: ${label} failed: ${error.message}`),
      )
      .finally(() => this.done());
    this.lanes.set(key, run);
    return run;
  }

  /** Plans the repository again at `head` (its default branch's commit; read when absent). */
  reconcile(repo: RepoKey, head?: string): void {
    const key = repoName(repo);
    const waiting = this.waitingReconcile.get(key);
    if (waiting) {
      if (head) waiting.head = head;
      else waiting.pushesOnly = false;
      return;
    }
    const slot = { head, pushesOnly: head !== undefined };
    this.waitingReconcile.set(key, slot);
    void this.lane(repo, 'reconcile', (ctx) => {
      this.waitingReconcile.delete(key);
      return this.reconcileTask(repo, slot.head, slot.pushesOnly)(ctx);
    });
  }

  /** Queues SPEC generation for an intent; a newer version of a queued one takes its place. */
  generate(repo: RepoKey, job: GenerateJob): void {
    const name = `${repoName(repo)}#${job.desired.intent.service_name}`;
    const hash =
      job.force || job.optimize || job.rerun ? `${job.desired.hash}:${++this.nonce}` : job.desired.hash;
    const result = this.queue.enqueue({ name, hash, priority: job.desired.intent.priority }, Date.now());
    if (result !== 'running') this.jobs.set(name, { repo, job });
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    // After the current task has queued everything it found, so priorities decide, not arrival.
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
      this.settle();
    });
  }

  private pump(): void {
    for (let entry = this.queue.next(Date.now()); entry; entry = this.queue.next(Date.now())) {
      const started = entry;
      const spec = this.jobs.get(started.name);
      this.jobs.delete(started.name);
      if (!spec) {
        this.queue.complete(started.id, Date.now());
        continue;
      }
      this.started.push(started.name);
      if (started.breachedSla)
        this.log.warn(`${started.name} waited ${started.waitedMs} ms, past its ${started.priority} SLA`);
      void this.lane(spec.repo, `SPEC for ${started.name}`, async (ctx) => {
        const outcome = await generateSpecPullRequest(ctx, spec.job);
        ctx.log.info(`${started.name}: ${outcome}`);
      }).finally(() => {
        this.queue.complete(started.id, Date.now());
        this.onSpecDone?.(spec.repo);
        this.schedulePump();
        this.settle();
      });
    }
  }

  private done(): void {
    this.busy--;
    this.settle();
  }

  private settle(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  get idle(): boolean {
    return (
      this.busy === 0 && this.queue.queuedCount === 0 && this.queue.runningCount === 0 && !this.pumpScheduled
    );
  }

  /** Resolves when nothing is queued or running (tests, and a graceful stop). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
    });
  }

  snapshot() {
    return this.queue.snapshot(Date.now());
  }
}
