import { describe, expect, it } from '@jest/globals';
import type { GitHubForge } from '../../bot/src/github/forge.js';
import { Scheduler } from '../../bot/src/line/scheduler.js';
import type { RepoContext } from '../../bot/src/line/spec-pr.js';
import { DASHBOARD_TITLE } from '../../bot/src/windows/issue.js';
import { DashboardIssues } from '../../bot/src/windows/issue-refresh.js';
import { MemoryForge } from '../../core/forge/memory.js';
import { intentView, lineView, T0 } from '../helpers/line-view.js';

const REPO = { installationId: 1, owner: 'octo-org', repo: 'demo' };

function setup(forge: MemoryForge) {
  const logged: string[] = [];
  const log = {
    info: (m: string) => logged.push(`info ${m}`),
    warn: (m: string) => logged.push(`warn ${m}`),
    error: (m: string) => logged.push(`error ${m}`),
  };
  const ctx = { forge: forge as unknown as GitHubForge, log } as unknown as RepoContext;
  const scheduler = new Scheduler(
    async () => ctx,
    log,
    1,
    () => async () => undefined,
  );
  let views = 0;
  const dashboards = new DashboardIssues(
    scheduler,
    async () => {
      views++;
      return lineView([intentView('ledger', { minutesQueued: views })]);
    },
    () => T0,
  );
  return { scheduler, dashboards, logged, views: () => views };
}

describe('DashboardIssues (the refresh in the lane)', () => {
  it('coalesces requests that wait in the lane into one refresh', async () => {
    const forge = new MemoryForge();
    const { scheduler, dashboards, views } = setup(forge);
    dashboards.request(REPO);
    dashboards.request(REPO);
    dashboards.request(REPO);
    await scheduler.whenIdle();
    expect(views()).toBe(1);
    expect(forge.issues.map((i) => i.title)).toEqual([DASHBOARD_TITLE]);
    dashboards.request(REPO);
    await scheduler.whenIdle();
    expect(views()).toBe(2);
    expect(forge.writes().map((c) => c.method)).toEqual(['createIssue', 'updateIssue']);
  });

  it('warns once, and fails nothing, when the installation lacks the issues permission', async () => {
    const forge = new MemoryForge();
    forge.createIssue = async () => {
      throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    };
    const { scheduler, dashboards, logged } = setup(forge);
    dashboards.request(REPO);
    await scheduler.whenIdle();
    dashboards.request(REPO);
    await scheduler.whenIdle();
    expect(logged.filter((l) => !l.startsWith('info'))).toEqual([
      "warn octo-org/demo: cannot write the dashboard issue (GitHub answered 403): grant the app 'issues: write' (app.yml); the line goes on without it",
    ]);
  });

  it('lets other failures through to the lane, which logs them as errors', async () => {
    const forge = new MemoryForge();
    forge.findIssue = async () => {
      throw Object.assign(new Error('You have exceeded a secondary rate limit'), { status: 403 });
    };
    const { scheduler, dashboards, logged } = setup(forge);
    dashboards.request(REPO);
    await scheduler.whenIdle();
    expect(logged).toEqual([
      'error octo-org/demo: dashboard issue failed: You have exceeded a secondary rate limit',
    ]);
  });
});
