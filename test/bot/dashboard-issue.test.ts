import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DASHBOARD_TITLE, dashboardMarkerHash } from '../../bot/src/windows/issue.js';
import { permissionsFromAppYml } from '../github/auth.js';
import type { Call } from '../github/counters.js';
import type { GitHubDouble } from '../github/double.js';
import { assertBotCallsValid, BotBed, intentYaml, settle, specPulls } from '../helpers/bot.js';

const bed = new BotBed();
afterEach(() => bed.stop());

const CREATE = 'POST /repos/{owner}/{repo}/issues';
const EDIT = 'PATCH /repos/{owner}/{repo}/issues/{issue_number}';

function dashboards(double: GitHubDouble) {
  return [...double.repo.issues.values()].filter((i) => !i.pull && i.title === DASHBOARD_TITLE);
}

/** Writes to the dashboard issue since `mark`, by endpoint. */
function issueWrites(double: GitHubDouble, mark: number) {
  const writes = double.counters.calls.slice(mark).filter((c: Call) => c.kind === 'write');
  return {
    created: writes.filter((c) => c.endpoint === CREATE).length,
    edited: writes.filter((c) => c.endpoint === EDIT).length,
    all: writes.length,
  };
}

describe('the dashboard issue, against the GitHub double', () => {
  it('is created once, edited when the state changes, and not written when nothing changed', async () => {
    const { double, bot } = await bed.start({
      app: { permissions: permissionsFromAppYml(readFileSync('app.yml', 'utf8')) },
    });
    const alice = double.person('alice');
    await alice.push({
      files: {
        'intents/ledger.yaml': intentYaml('ledger', { port: 8421 }),
        'intents/billing.yaml': intentYaml('billing', { port: 8422, dependencies: ['ledger', 'registry'] }),
      },
    });
    await settle(double, bot);
    expect(specPulls(double)).toHaveLength(2);
    expect(dashboards(double)).toHaveLength(1);
    expect(issueWrites(double, 0).created).toBe(1);
    const [issue] = dashboards(double);
    const body = issue!.body ?? '';
    expect(dashboardMarkerHash(body)).toMatch(/^[0-9a-f]{64}$/);
    expect(issue!.labels).toContain('assembly-line');
    // The pipelines link their SPEC pull requests; the graph has both intents and registry.
    for (const pr of specPulls(double)) expect(body).toContain(`/pull/${pr.number})`);
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(body)![1]!;
    expect(mermaid.match(/^ {2}i_\w+\[/gm)).toHaveLength(2);
    expect(mermaid.match(/ --> /g)).toHaveLength(3);

    // A new intent changes the state: the same issue is edited in place, no second one.
    const beforeChange = double.counters.mark();
    await alice.push({
      files: { 'intents/reports.yaml': intentYaml('reports', { port: 8423, dependencies: ['billing'] }) },
    });
    await settle(double, bot);
    expect(dashboards(double)).toHaveLength(1);
    expect(issueWrites(double, beforeChange).created).toBe(0);
    expect(issueWrites(double, beforeChange).edited).toBeGreaterThanOrEqual(1);
    expect(dashboards(double)[0]!.body).toContain('reports');
    expect(dashboards(double)[0]!.number).toBe(issue!.number);
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/dashboard-issue.md', dashboards(double)[0]!.body ?? '');

    // Nothing new: a full reconcile reads GitHub again (runs and deployments raise no event) and
    // writes nothing; a comment-only push reads only what the reconcile needs, never the issue.
    const quiet = double.counters.mark();
    await bot.bot.reconcileAll();
    await settle(double, bot);
    expect(double.counters.since(quiet).reads).toBeGreaterThan(0);
    expect(double.counters.calls.slice(quiet).map((c) => c.endpoint)).toContain(
      'GET /repos/{owner}/{repo}/issues',
    );
    const pushed = double.counters.mark();
    await alice.push({
      files: { 'intents/ledger.yaml': `# the team's ledger\n${intentYaml('ledger', { port: 8421 })}` },
    });
    await settle(double, bot);
    const pushReads = double.counters.calls
      .slice(pushed)
      .filter((c) => c.actor === `${double.app.slug}[bot]`);
    expect(pushReads.length).toBeGreaterThan(0);
    expect(pushReads.map((c) => c.endpoint)).not.toContain('GET /repos/{owner}/{repo}/issues');
    expect(issueWrites(double, quiet)).toEqual({ created: 0, edited: 0, all: 0 });
    assertBotCallsValid(double);
  }, 240_000);

  it('is not kept when ASSEMBLY_LINE_DASHBOARD_ISSUE=off, and the SPEC line works the same', async () => {
    const { double, bot } = await bed.start({ env: { ASSEMBLY_LINE_DASHBOARD_ISSUE: 'off' } });
    await double
      .person('alice')
      .push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8424 }) } });
    await settle(double, bot);
    expect(specPulls(double).map((pr) => pr.title)).toEqual(['spec: ledger']);
    expect(dashboards(double)).toHaveLength(0);
    const endpoints = double.counters.calls.map((c) => c.endpoint);
    expect(endpoints).not.toContain('GET /repos/{owner}/{repo}/issues');
    expect(endpoints).not.toContain(CREATE);
  }, 120_000);
});
