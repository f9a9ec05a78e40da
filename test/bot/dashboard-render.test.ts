import { describe, expect, it } from '@jest/globals';
import { escapeMarkdown } from '../../bot/src/windows/escape.js';
import { dependencyGraph } from '../../bot/src/windows/graph.js';
import { renderGraphSvg } from '../../bot/src/windows/graph-svg.js';
import {
  DASHBOARD_TITLE,
  dashboardMarkerHash,
  ensureDashboardIssue,
  MAX_BODY_CHARS,
  renderDashboardIssue,
} from '../../bot/src/windows/issue.js';
import { mermaidIds, renderMermaid } from '../../bot/src/windows/mermaid.js';
import { renderDashboardPage } from '../../bot/src/windows/page.js';
import { costPerService, queueByPriority, recentFailures } from '../../bot/src/windows/summary.js';
import { MemoryForge } from '../../core/forge/memory.js';
import { intentView, iso, lineView, MINUTE, REPO, runView, T0 } from '../helpers/line-view.js';

const count = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].length;

/** a needs registry; b needs a and registry; c needs b, a and verifier: 3 intents, 6 dependencies. */
const chain = () => [
  intentView('alpha', { dependencies: ['registry'], phase: 'live' }),
  intentView('beta', { dependencies: ['alpha', 'registry'], phase: 'spec_generation' }),
  intentView('gamma', { dependencies: ['beta', 'alpha', 'verifier'], minutesQueued: 3 }),
];

describe('the queue against its SLAs', () => {
  it('orders by priority then first queued, and marks waits past the start SLA', () => {
    const rows = queueByPriority(
      [
        intentView('late-low', { priority: 'low', minutesQueued: 3 * 24 * 60 }),
        intentView('med-new', { priority: 'medium', minutesQueued: 5 }),
        intentView('med-old', { priority: 'medium', minutesQueued: 61 }),
        intentView('crit', { priority: 'critical', minutesQueued: 6 }),
        intentView('high', { priority: 'high', minutesQueued: 14 }),
        intentView('running', { priority: 'critical', phase: 'building', minutesQueued: 99 }),
      ],
      T0,
    );
    expect(rows.map((r) => r.intent.serviceName)).toEqual(['crit', 'high', 'med-old', 'med-new', 'late-low']);
    expect(rows.map((r) => r.breached)).toEqual([true, false, true, false, false]);
    expect(rows[0]).toMatchObject({ waitedMs: 6 * MINUTE, slaMs: 5 * MINUTE });
    expect(rows[4]!.slaMs).toBeUndefined();
  });

  it('an intent without a queue time has no wait and is never called late', () => {
    const [row] = queueByPriority([intentView('x', { priority: 'critical' })], T0);
    expect(row).toEqual({ intent: expect.anything(), slaMs: 5 * MINUTE, breached: false });
  });
});

describe('cost per service and failures', () => {
  it('sums every run of a service, the costliest first, runs without a cost counted at $0', () => {
    const costs = costPerService([
      runView('1', 'alpha', { costUsd: 0.1 }),
      runView('2', 'beta', { costUsd: 0.05 }),
      runView('3', 'alpha', { costUsd: 0.2, kind: 'build' }),
      runView('4', 'beta'),
    ]);
    expect(costs.map((c) => [c.serviceName, c.runs])).toEqual([
      ['alpha', 2],
      ['beta', 2],
    ]);
    expect(costs[0]!.costUsd).toBeCloseTo(0.3, 10);
    expect(costs[1]!.costUsd).toBeCloseTo(0.05, 10);
  });

  it('lists failed runs newest first with their reason, and failed intents no run explains', () => {
    const view = lineView(
      [intentView('gamma', { phase: 'failed', reason: 'port taken', updatedAt: iso(T0 - 2 * MINUTE) })],
      [
        runView('b1', 'alpha', { kind: 'build', outcome: 'failed', reason: '2 tests failed' }),
        runView('s1', 'beta', {
          outcome: 'needs-human-review',
          startedAt: iso(T0 - 5 * MINUTE),
          finishedAt: iso(T0 - 4 * MINUTE),
        }),
        runView('ok', 'delta'),
      ],
    );
    expect(recentFailures(view, 10).map((f) => [f.serviceName, f.what, f.reason])).toEqual([
      ['gamma', 'failed', 'port taken'],
      ['beta', 'spec', 'needs human review'],
      ['alpha', 'build', '2 tests failed'],
    ]);
  });
});

describe('the dependency graph', () => {
  it('has one node per intent, one edge per dependency, infrastructure as external nodes, layered by depth', () => {
    const graph = dependencyGraph(chain());
    expect(graph.nodes.filter((n) => n.kind === 'intent')).toHaveLength(3);
    expect(graph.nodes.filter((n) => n.kind === 'external').map((n) => n.name)).toEqual([
      'registry',
      'verifier',
    ]);
    expect(graph.edges).toHaveLength(6);
    const layer = Object.fromEntries(graph.nodes.map((n) => [n.name, n.layer]));
    expect(layer).toEqual({ registry: 0, verifier: 0, alpha: 1, beta: 2, gamma: 3 });
    // The same graph whatever order the view lists the intents in.
    expect(dependencyGraph(chain().reverse())).toEqual(graph);
  });

  it('keeps the SVG and the mermaid text to those counts', () => {
    const graph = dependencyGraph(chain());
    const svg = renderGraphSvg(graph);
    expect(count(svg, /<g class="node intent[ "]/g)).toBe(3);
    expect(count(svg, /<g class="node external"/g)).toBe(2);
    expect(count(svg, /<path class="edge"/g)).toBe(6);
    const mermaid = renderMermaid(graph);
    expect(mermaid.split('\n')[0]).toBe('graph LR');
    expect(count(mermaid, / --> /g)).toBe(6);
    expect(mermaid).toContain('x_registry --> i_alpha');
  });

  it('ends on a dependency cycle (a broken branch) instead of recursing forever', () => {
    const graph = dependencyGraph([
      intentView('a', { dependencies: ['b'] }),
      intentView('b', { dependencies: ['a'] }),
      intentView('c', { dependencies: ['c'] }),
    ]);
    expect(graph.edges).toHaveLength(3);
    expect(graph.nodes).toHaveLength(3);
  });

  it('gives mermaid word ids: no dash, no keyword, no clash', () => {
    const graph = dependencyGraph([
      intentView('end', { dependencies: ['a-b'] }),
      intentView('a-b'),
      intentView('a_b'),
    ]);
    const ids = [...mermaidIds(graph.nodes).values()];
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[ix]_[A-Za-z0-9_]+$/);
    expect(ids).toEqual(expect.arrayContaining(['i_end', 'i_a_b', 'i_a_b_2']));
    expect(renderMermaid(dependencyGraph([intentView('q"]:::x --> y["')]))).not.toContain('"]:::x');
  });
});

const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

describe('the HTML page', () => {
  it('escapes every string from intents and runs', () => {
    const view = lineView(
      [
        intentView(HOSTILE, { purpose: `"><script>alert(1)</script>`, minutesQueued: 1 }),
        intentView('ok', {
          phase: 'building',
          pullRequest: { number: 3, url: 'javascript:alert(1)', title: HOSTILE, state: 'open' },
        }),
      ],
      [runView('r<1>', HOSTILE, { reason: HOSTILE, url: `https://x.test/"${HOSTILE}` })],
      [REPO, `${HOSTILE}/x`],
    );
    const html = renderDashboardPage(view, { now: T0 });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;');
  });

  it('shows the queue with waits, active pipelines, runs, cost and the graph; reloads only while work runs', () => {
    const view = lineView(
      [...chain(), intentView('late', { priority: 'critical', minutesQueued: 9 })],
      [runView('s1', 'alpha', { score: 96, testsPassed: 12, testsFailed: 1, coverage: 88, costUsd: 0.042 })],
    );
    const html = renderDashboardPage(view, { now: T0, refreshSeconds: 7 });
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<meta http-equiv="refresh" content="7">');
    expect(count(html, /<tr class="queued/g)).toBe(2);
    expect(count(html, /<tr class="queued breached"/g)).toBe(1);
    expect(html).toMatch(/<tr class="pipeline"[^>]*><td>beta<\/td><td class="phase">spec generation</);
    expect(html).toMatch(
      /96<\/td><td>12 passed, 1 failed<\/td><td class="num">88%<\/td><td class="num">\$0\.042/,
    );
    expect(count(html, /<g class="node intent/g)).toBe(4);
    expect(count(html, /<path class="edge"/g)).toBe(6);
    expect(html).not.toMatch(/https?:\/\/(?!x\.test)[^"]*\.(js|css)/);

    const idle = lineView([intentView('alpha', { phase: 'live' })]);
    expect(renderDashboardPage(idle, { now: T0 })).not.toContain('http-equiv="refresh"');
  });

  it('shows one repository with repoFilter', () => {
    const view = lineView(
      [intentView('mine'), intentView('theirs', { repository: 'other/repo' })],
      [],
      [REPO, 'other/repo'],
    );
    const html = renderDashboardPage(view, { now: T0, repoFilter: 'other/repo' });
    expect(html).toContain('theirs');
    expect(html).not.toContain('>mine<');
  });
});

describe('the dashboard issue', () => {
  const view = () =>
    lineView(
      [
        ...chain(),
        intentView('broken', {
          phase: 'failed',
          reason: 'SPEC gate: score 71 @alice #12 | <b>x</b>',
          pullRequest: {
            number: 12,
            url: 'https://github.test/o/r/pull/12',
            title: 'SPEC: broken',
            state: 'open',
          },
        }),
        intentView('elsewhere', { repository: 'other/repo' }),
      ],
      [runView('s1', 'alpha', { costUsd: 0.5 }), runView('s2', 'beta', { costUsd: 0.25 })],
    );

  it('holds the queue, pipelines with PR links, failures with reasons, cost and a mermaid graph of its repository', () => {
    const body = renderDashboardIssue(view(), REPO, T0);
    expect(body).toMatch(
      /### Queue \(1\)\n\n\| # \| Service .*\n.*\n\| 1 \| gamma \| medium \| within 1 h \|/,
    );
    expect(body).toContain('[#&#8203;12 SPEC: broken](https://github.test/o/r/pull/12)');
    expect(body).toContain('SPEC gate: score 71 @&#8203;alice #&#8203;12 \\| &lt;b&gt;x&lt;/b&gt;');
    expect(body).toMatch(/\| \*\*Total\*\* \| 2 \| \$0\.750 \|/);
    expect(body).toMatch(/```mermaid\ngraph LR\n[\s\S]*```/);
    expect(count(body, / --> /g)).toBe(6);
    expect(body).not.toContain('elsewhere');
  });

  it('does not change with the clock: the same data renders the same body at any time', () => {
    const later = { ...view(), generatedAt: iso(T0 + 3600_000) };
    expect(renderDashboardIssue(later, REPO, T0 + 3600_000)).toBe(renderDashboardIssue(view(), REPO, T0));
  });

  it('is created once, edited only when its content changes, and repaired after a person edits it', async () => {
    const forge = new MemoryForge();
    const first = renderDashboardIssue(view(), REPO, T0);
    expect((await ensureDashboardIssue(forge, first)).outcome).toBe('created');
    expect(forge.issues).toHaveLength(1);
    expect(forge.issues[0]).toMatchObject({ title: DASHBOARD_TITLE, labels: ['assembly-line'] });
    expect(dashboardMarkerHash(forge.issues[0]!.body)).toMatch(/^[0-9a-f]{64}$/);

    const writes = forge.writes().length;
    expect((await ensureDashboardIssue(forge, first)).outcome).toBe('unchanged');
    expect(forge.writes()).toHaveLength(writes);

    const changed = view();
    changed.intents[2]!.phase = 'spec_generation';
    expect((await ensureDashboardIssue(forge, renderDashboardIssue(changed, REPO, T0))).outcome).toBe(
      'updated',
    );
    expect(forge.issues).toHaveLength(1);
    expect(forge.issues[0]!.body).toContain('gamma (spec_generation)');

    forge.issues[0]!.body = forge.issues[0]!.body.replace('### Queue', '### My notes');
    expect((await ensureDashboardIssue(forge, renderDashboardIssue(changed, REPO, T0))).outcome).toBe(
      'updated',
    );
    expect(forge.issues[0]!.body).toContain('### Queue');
  });

  it('escapes markdown so user text cannot mention, link issues, or break the table', () => {
    expect(escapeMarkdown('a|b\n@team #7 <i>`x`</i> [l](u)')).toBe(
      'a\\|b @&#8203;team #&#8203;7 &lt;i&gt;\\`x\\`&lt;/i&gt; \\[l\\]\\(u\\)',
    );
  });
});

describe('the dashboard issue of a large repository', () => {
  const many = (n: number) =>
    lineView(
      Array.from({ length: n }, (_, i) =>
        intentView(`service-number-${i}`, {
          dependencies: i === 0 ? ['registry'] : ['registry', `service-number-${Math.floor(i / 2)}`],
          phase: i % 3 === 0 ? 'queued' : 'awaiting_review',
          minutesQueued: i,
          pullRequest: {
            number: i + 1,
            url: `https://github.test/o/r/pull/${i + 1}`,
            title: `spec: service-number-${i}`,
            state: 'open',
          },
        }),
      ),
      Array.from({ length: 2000 }, (_, i) => runView(`r${i}`, `service-number-${i % n}`, { costUsd: 0.01 })),
    );

  it('stays under GitHub’s body limit with shorter tables and no graph, saying so', () => {
    const body = renderDashboardIssue(many(500), REPO, T0);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(body).not.toContain('```mermaid');
    expect(body).toContain('500 intents and their dependencies are too many to draw here');
    expect(body).toMatch(/\| … and \d+ more \(see the bot's dashboard page\) \|/);
    // The total still counts every service.
    expect(body).toMatch(/\| \*\*Total\*\* \| 2000 \| \$20\.00 \|/);
  });

  it('keeps the whole graph while it fits', () => {
    const body = renderDashboardIssue(many(60), REPO, T0);
    expect(count(body, / --> /g)).toBe(119);
    expect(body).not.toContain('… and');
  });
});
