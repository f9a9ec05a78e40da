/**
 * The HTML dashboard (`GET /`): one self-contained page, inline CSS, no script, no external asset, so
 * the bot serves it alone. It reloads itself (meta refresh) only while a pipeline is active. Every
 * string from the view goes through escapeHtml: intents are user input.
 */
import { escapeHtml as h } from './escape.js';
import { dependencyGraph } from './graph.js';
import { renderGraphSvg } from './graph-svg.js';
import {
  activePipelines,
  costPerService,
  filterView,
  formatUsd,
  formatWait,
  queueByPriority,
  recentRuns,
} from './summary.js';
import type { IntentView, LineView, RunView } from './view.js';

export interface PageOptions {
  /** Epoch milliseconds: what waits are measured against. */
  now: number;
  /** Seconds between reloads while a pipeline is active (default 10). */
  refreshSeconds?: number;
  /** `owner/name`: show this repository only. */
  repoFilter?: string;
}

const RECENT_RUNS = 20;

const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--warn:#cf222e;--warnbg:#ffebe9;--ok:#1a7f37;--active:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--warnbg:#3c1618;--warn:#ff7b72;--ok:#3fb950;--active:#4493f8}}
*{box-sizing:border-box}
body{margin:0;padding:12px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
h1{font-size:1.3rem;margin:0 0 4px}h2{font-size:1.05rem;margin:20px 0 6px}
p{margin:4px 0}.muted{color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{padding:5px 8px;text-align:left;white-space:nowrap;border-bottom:1px solid var(--line)}
td.name{white-space:normal;min-width:9em}
tr:last-child td{border-bottom:0}th{font-weight:600;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.breached td{background:var(--warnbg)}.breached .wait{color:var(--warn);font-weight:600}
.badge{display:inline-block;padding:0 6px;border-radius:10px;border:1px solid var(--line);font-size:12px}
.p-critical{border-color:var(--warn);color:var(--warn)}.p-high{border-color:var(--active);color:var(--active)}
.o-failed,.o-needs-human-review{color:var(--warn)}.o-succeeded{color:var(--ok)}.o-running{color:var(--active)}
a{color:var(--active)}
svg.graph{display:block;font:12px system-ui,sans-serif}
svg.graph .node rect{fill:var(--bg);stroke:var(--muted);stroke-width:1.5}
svg.graph .node text{fill:var(--fg);text-anchor:middle;dominant-baseline:central}svg.graph .node text.phase{fill:var(--muted);font-size:10px}
svg.graph .external rect{stroke-dasharray:4 3}svg.graph .external text{fill:var(--muted)}
svg.graph .active rect{stroke:var(--active);stroke-width:2.5}svg.graph .attention rect{stroke:var(--warn);stroke-width:2.5}
svg.graph .done rect{stroke:var(--ok)}
svg.graph .edge{fill:none;stroke:var(--muted);stroke-width:1.3}svg.graph marker path{fill:var(--muted)}
@media (min-width:900px){body{padding:20px 28px;max-width:1200px;margin:0 auto}}
`;

const link = (url: string | undefined, text: string) =>
  url && /^https?:\/\//.test(url) ? `<a href="${h(url)}">${h(text)}</a>` : h(text);

const table = (head: string[], rows: string[], empty: string, numeric: number[] = []) =>
  rows.length === 0
    ? `<p class="muted">${h(empty)}</p>`
    : `<div class="scroll"><table><thead><tr>${head
        .map((c, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${h(c)}</th>`)
        .join('')}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;

function queueSection(intents: readonly IntentView[], now: number, multi: boolean): string {
  const rows = queueByPriority(intents, now).map((row, index) => {
    const { intent } = row;
    const wait = row.waitedMs === undefined ? '—' : formatWait(row.waitedMs);
    const sla = row.slaMs === undefined ? 'best effort' : `start within ${formatWait(row.slaMs)}`;
    return (
      `<tr class="queued${row.breached ? ' breached' : ''}" data-intent-id="${h(intent.intentId)}"` +
      `${intent.purpose ? ` title="${h(intent.purpose)}"` : ''}>` +
      `<td class="num">${index + 1}</td>` +
      `<td><span class="badge p-${h(intent.priority)}">${h(intent.priority)}</span></td>` +
      `<td class="name">${h(intent.serviceName)}</td>${multi ? `<td>${h(intent.repository)}</td>` : ''}` +
      `<td class="num wait">${h(wait)}${row.breached ? ' (past SLA)' : ''}</td><td>${h(sla)}</td></tr>`
    );
  });
  const head = ['#', 'Priority', 'Service', ...(multi ? ['Repository'] : []), 'Waiting', 'SLA'];
  return `<section id="queue"><h2>Queue (${rows.length})</h2>\n${table(head, rows, 'Nothing is queued.', [0, multi ? 4 : 3])}</section>`;
}

function pipelineSection(intents: readonly IntentView[], multi: boolean): string {
  const rows = activePipelines(intents).map(
    (intent) =>
      `<tr class="pipeline" data-intent-id="${h(intent.intentId)}"><td>${h(intent.serviceName)}</td>` +
      `${multi ? `<td>${h(intent.repository)}</td>` : ''}<td class="phase">${h(intent.phase.replace(/_/g, ' '))}</td>` +
      `<td class="num">${intent.score ?? '—'}</td>` +
      `<td>${intent.pullRequest ? link(intent.pullRequest.url, `#${intent.pullRequest.number}`) : '—'}</td></tr>`,
  );
  const head = ['Service', ...(multi ? ['Repository'] : []), 'Phase', 'Score', 'Pull request'];
  return `<section id="pipelines"><h2>Active pipelines (${rows.length})</h2>\n${table(head, rows, 'No pipeline is running.', [multi ? 3 : 2])}</section>`;
}

function tests(run: RunView): string {
  if (run.testsPassed === undefined && run.testsFailed === undefined) return '—';
  return `${run.testsPassed ?? 0} passed${run.testsFailed ? `, ${run.testsFailed} failed` : ''}`;
}

function runsSection(runs: readonly RunView[], multi: boolean): string {
  const rows = recentRuns(runs, RECENT_RUNS).map(
    (run) =>
      `<tr class="run" data-run-id="${h(run.id)}"><td>${h(run.startedAt.replace('T', ' ').slice(0, 16))}</td>` +
      `<td>${link(run.url, run.serviceName)}</td>${multi ? `<td>${h(run.repository)}</td>` : ''}` +
      `<td>${h(run.kind)}</td><td class="o-${h(run.outcome)}">${h(run.outcome)}</td>` +
      `<td class="num">${run.score ?? '—'}</td><td>${h(tests(run))}</td>` +
      `<td class="num">${run.coverage === undefined ? '—' : `${run.coverage}%`}</td>` +
      `<td class="num">${run.costUsd === undefined ? '—' : formatUsd(run.costUsd)}</td></tr>`,
  );
  const head = ['Started (UTC)', 'Service', ...(multi ? ['Repository'] : []), 'Kind', 'Outcome'];
  const n = head.length;
  return `<section id="runs"><h2>Recent runs</h2>\n${table(
    [...head, 'Score', 'Tests', 'Coverage', 'Cost'],
    rows,
    'No runs yet.',
    [n, n + 2, n + 3],
  )}</section>`;
}

function costSection(runs: readonly RunView[], multi: boolean): string {
  const costs = costPerService(runs);
  const rows = costs.map(
    (c) =>
      `<tr class="cost"><td>${h(c.serviceName)}</td>${multi ? `<td>${h(c.repository)}</td>` : ''}` +
      `<td class="num">${c.runs}</td><td class="num">${formatUsd(c.costUsd)}</td></tr>`,
  );
  const total = costs.reduce((sum, c) => sum + c.costUsd, 0);
  if (rows.length > 0)
    rows.push(
      `<tr class="total"><th>Total</th>${multi ? '<td></td>' : ''}<td></td><th class="num">${formatUsd(total)}</th></tr>`,
    );
  const head = ['Service', ...(multi ? ['Repository'] : []), 'Runs', 'Cost'];
  return `<section id="cost"><h2>Cost per service</h2>\n${table(head, rows, 'No spend recorded.', [head.length - 2, head.length - 1])}</section>`;
}

function graphSection(intents: readonly IntentView[]): string {
  const body =
    intents.length === 0
      ? '<p class="muted">No intents.</p>'
      : `<div class="scroll">${renderGraphSvg(dependencyGraph(intents))}</div>` +
        '<p class="muted">Arrows run from a dependency to the service that needs it; dashed boxes are ' +
        'infrastructure or names that are not intents here.</p>';
  return `<section id="graph"><h2>Dependencies</h2>\n${body}</section>`;
}

export function renderDashboardPage(full: LineView, options: PageOptions): string {
  const view = filterView(full, options.repoFilter);
  const multi = view.repositories.length > 1;
  const active = activePipelines(view.intents).length > 0;
  const refresh = Math.max(1, Math.round(options.refreshSeconds ?? 10));
  const n = view.repositories.length;
  const scope = options.repoFilter ?? (n === 1 ? view.repositories[0]! : `${n} repositories`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
${active ? `<meta http-equiv="refresh" content="${refresh}">\n` : ''}<title>Assembly Line${options.repoFilter ? ` · ${h(options.repoFilter)}` : ''}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Assembly Line</h1>
<p class="muted">${h(scope)} · ${view.intents.length} intents · derived ${h(view.generatedAt)}${active ? ` · refreshes every ${refresh} s while a pipeline runs` : ''}</p></header>
<main>
${queueSection(view.intents, options.now, multi)}
${pipelineSection(view.intents, multi)}
${runsSection(view.runs, multi)}
${costSection(view.runs, multi)}
${graphSection(view.intents)}
</main>
</body>
</html>
`;
}
