/**
 * Keeps each repository's dashboard issue in step with the line: after each SPEC run in a repository,
 * and after a reconcile that may have found something new, the issue is rendered from a freshly
 * derived view and written only when its content changed (see issue.ts). The work runs in the repository's lane, so it
 * never races the bot's other writes there and goes through the same paced client. A refresh already
 * waiting in a lane absorbs later requests: a burst of runs makes one refresh, not one each.
 */
import { type RepoKey, repoName, type Scheduler } from '../line/scheduler.js';
import type { RepoContext } from '../line/spec-pr.js';
import { ensureDashboardIssue, renderDashboardIssue } from './issue.js';
import type { LineView } from './view.js';

/** A fresh LineView of one repository (never a cached one: the refresh follows a write). */
export type RepositoryView = (repo: RepoKey) => Promise<LineView>;

/** What one reconcile of a repository found, as `afterReconcile` weighs it. */
export interface ReconcileSeen {
  /** Started only by pushes GitHub reported (not by start-up, the timer, an installation or a submit). */
  pushed: boolean;
  /** `lineFingerprint` of what it read. */
  fingerprint: string;
  /** It queued SPEC runs, and each refreshes the issue when it ends. */
  specRunsQueued: boolean;
}

export class DashboardIssues {
  private readonly waiting = new Set<string>();
  /** The fingerprint each repository's latest reconcile saw. */
  private readonly seen = new Map<string, string>();
  /** Repositories already told they lack the issues permission: said once, not at every reconcile. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly viewOf: RepositoryView,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * After a reconcile of `repo`. A reconcile with no push behind it always refreshes: it is how
   * workflow runs, deployments and reviews, which raise no event the bot acts on, reach the issue. A
   * push refreshes only when it changed what the reconcile reads, and then only when no SPEC run
   * follows to refresh anyway; so a push that changes nothing costs the issue no call at all.
   */
  afterReconcile(repo: RepoKey, { pushed, fingerprint, specRunsQueued }: ReconcileSeen): void {
    const key = repoName(repo);
    const changed = this.seen.get(key) !== fingerprint;
    this.seen.set(key, fingerprint);
    if (pushed && (!changed || specRunsQueued)) return;
    this.request(repo);
  }

  /** Queues a refresh of `repo`'s dashboard issue in its lane, unless one is waiting there already. */
  request(repo: RepoKey): void {
    const key = repoName(repo);
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    void this.scheduler.lane(repo, 'dashboard issue', async (ctx) => {
      this.waiting.delete(key);
      await this.refresh(repo, ctx);
    });
  }

  private async refresh(repo: RepoKey, ctx: RepoContext): Promise<void> {
    const key = repoName(repo);
    const view = await this.viewOf(repo);
    const body = renderDashboardIssue(view, key, this.clock());
    try {
      const { outcome, issue } = await ensureDashboardIssue(ctx.forge, body);
      this.refused.delete(key);
      if (outcome !== 'unchanged') ctx.log.info(`${key}: dashboard issue #${issue.number} ${outcome}`);
    } catch (error) {
      // What the issue shows is unknown now: the next push tries again, whatever it changed.
      this.seen.delete(key);
      const { status, message } = error as { status?: number; message?: string };
      if (status !== 403 || !/not accessible/i.test(message ?? '')) throw error;
      // An installation that has not accepted the issues permission yet: the line works without
      // its dashboard issue, so this is a warning, not a failure of the reconcile.
      if (!this.refused.has(key))
        ctx.log.warn(
          `${key}: cannot write the dashboard issue (GitHub answered 403): grant the app ` +
            "'issues: write' (app.yml); the line goes on without it",
        );
      this.refused.add(key);
    }
  }
}
