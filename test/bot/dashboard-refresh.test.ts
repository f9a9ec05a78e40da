import { describe, expect, it } from '@jest/globals';
import type { GitHubForge } from '../../bot/src/github/forge.js';
import { lineFingerprint } from '../../bot/src/line/reconcile.js';
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

  it('refreshes after a reconcile only when it may show something new', async () => {
    const forge = new MemoryForge();
    const { scheduler, dashboards, views } = setup(forge);
    const reconciled = async (pushed: boolean, fingerprint: string, specRunsQueued = false) => {
      dashboards.afterReconcile(REPO, { pushed, fingerprint, specRunsQueued });
      await scheduler.whenIdle();
      return views();
    };
    // Start-up and the timer always refresh: runs and deployments change without a push.
    expect(await reconciled(false, 'a')).toBe(1);
    expect(await reconciled(false, 'a')).toBe(2);
    // A push that left the line as it was costs nothing.
    expect(await reconciled(true, 'a')).toBe(2);
    // A push that changed it refreshes, unless SPEC runs were queued: each refreshes when it ends.
    expect(await reconciled(true, 'b', true)).toBe(2);
    expect(await reconciled(true, 'b')).toBe(2);
    expect(await reconciled(true, 'c')).toBe(3);
  });
});

describe('the refresh after a reconcile, when things go wrong or requests merge', () => {
  it('tries again at the next push after a refresh that failed, even if the push changed nothing', async () => {
    const forge = new MemoryForge();
    const findIssue = forge.findIssue.bind(forge);
    let failures = 1;
    forge.findIssue = async (title: string) => {
      if (failures-- > 0) throw Object.assign(new Error('Bad Gateway'), { status: 502 });
      return findIssue(title);
    };
    const { scheduler, dashboards, views } = setup(forge);
    dashboards.afterReconcile(REPO, { pushed: false, fingerprint: 'a', specRunsQueued: false });
    await scheduler.whenIdle();
    expect(forge.issues).toHaveLength(0);
    dashboards.afterReconcile(REPO, { pushed: true, fingerprint: 'a', specRunsQueued: false });
    await scheduler.whenIdle();
    expect(views()).toBe(2);
    expect(forge.issues.map((i) => i.title)).toEqual([DASHBOARD_TITLE]);
    dashboards.afterReconcile(REPO, { pushed: true, fingerprint: 'a', specRunsQueued: false });
    await scheduler.whenIdle();
    expect(views()).toBe(2);
  });

  it('a reconcile counts as pushed only when every request merged into it came from a push', async () => {
    const seen: Array<{ head: string | undefined; pushesOnly: boolean }> = [];
    const log = { info: () => {}, warn: () => {}, error: () => {} };
    const scheduler = new Scheduler(
      async () => ({}) as RepoContext,
      log,
      1,
      (_repo, head, pushesOnly) => async () => {
        seen.push({ head, pushesOnly });
      },
    );
    const merged = async (...heads: Array<string | undefined>) => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      // The lane is busy, so the requests below wait in one slot and merge.
      void scheduler.lane(REPO, 'busy', () => gate);
      for (const head of heads) scheduler.reconcile(REPO, head);
      release();
      await scheduler.whenIdle();
      return seen.at(-1);
    };
    expect(await merged('s1', 's2')).toEqual({ head: 's2', pushesOnly: true });
    expect(await merged('s3', undefined)).toEqual({ head: 's3', pushesOnly: false });
    expect(await merged(undefined, 's4')).toEqual({ head: 's4', pushesOnly: false });
    expect(await merged(undefined)).toEqual({ head: undefined, pushesOnly: false });
    expect(seen).toHaveLength(4);
  });
});

describe('lineFingerprint (what a reconcile saw)', () => {
  const intent = (name: string, hash?: string, problems: string[] = []) => ({
    name,
    path: `intents/${name}.yaml`,
    ...(hash ? { hash } : {}),
    problems,
  });
  const pr = (number: number, headSha: string, labels: string[] = ['assembly-line']) => ({
    number,
    title: `spec: svc-${number}`,
    body: '',
    head: `assembly-line/spec/svc-${number}`,
    headSha,
    base: 'main',
    state: 'open' as const,
    labels,
    url: `https://github.example/pull/${number}`,
  });
  const base = {
    intents: [intent('ledger', 'h1'), intent('billing', 'h2')],
    specs: [{ name: 'ledger', specHash: 's1', chars: 100 }],
    pullRequests: [pr(1, 'abc'), pr(2, 'def')],
  };

  it('ignores order but not content', () => {
    const fingerprint = lineFingerprint(base);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(
      lineFingerprint({
        intents: [...base.intents].reverse(),
        specs: base.specs,
        pullRequests: [...base.pullRequests].reverse(),
      }),
    ).toBe(fingerprint);
    const changes = [
      { ...base, intents: [intent('ledger', 'h9'), intent('billing', 'h2')] },
      { ...base, intents: [intent('ledger', 'h1'), intent('billing', undefined, ['bad port'])] },
      { ...base, specs: [{ name: 'ledger', specHash: 's2', chars: 100 }] },
      { ...base, pullRequests: [pr(1, 'abc'), pr(2, 'fed')] },
      { ...base, pullRequests: [pr(1, 'abc'), pr(2, 'def', ['assembly-line', 'needs-human-review'])] },
      { ...base, pullRequests: [pr(1, 'abc')] },
    ];
    const prints = changes.map(lineFingerprint);
    expect(new Set([fingerprint, ...prints]).size).toBe(changes.length + 1);
  });
});
