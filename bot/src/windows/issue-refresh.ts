/**
 * Keeps each repository's dashboard issue in step with the line: after the bot reconciles a
 * repository, and after each SPEC run in it, the issue is rendered from a freshly derived view and
 * written only when its content changed (see issue.ts). The work runs in the repository's lane, so it
 * never races the bot's other writes there and goes through the same paced client. A refresh already
 * waiting in a lane absorbs later requests: a burst of runs makes one refresh, not one each.
 */
import { type RepoKey, repoName, type Scheduler } from '../line/scheduler.js';
import type { RepoContext } from '../line/spec-pr.js';
import { ensureDashboardIssue, renderDashboardIssue } from './issue.js';
import type { LineView } from './view.js';

/** A fresh LineView of one repository (never a cached one: the refresh follows a write). */
export type RepositoryView = (repo: RepoKey) => Promise<LineView>;

export class DashboardIssues {
  private readonly waiting = new Set<string>();
  /** Repositories already told they lack the issues permission: said once, not at every reconcile. */
  private readonly refused = new Set<string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly viewOf: RepositoryView,
    private readonly clock: () => number = Date.now,
  ) {}

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
