/**
 * The "Assembly Line Dashboard" issue: one per repository, created once, then edited in place only
 * when its content changes. The body carries a hidden marker with the sha256 of the rest of the body,
 * so "changed?" is answered from the issue the bot already read, and a body that renders the same
 * is never written again. Nothing in the body depends on the time of rendering (only on the data's
 * own times), so a reconcile that finds nothing new writes nothing.
 */
import { type Forge, type Issue, sha256 } from '../core.js';
import { escapeMarkdown as md } from './escape.js';
import { dependencyGraph } from './graph.js';
import { renderMermaid } from './mermaid.js';
import {
  costPerService,
  filterView,
  formatUsd,
  formatWait,
  pipelines,
  queueByPriority,
  recentFailures,
  type ServiceCost,
} from './summary.js';
import type { LineView } from './view.js';

export const DASHBOARD_TITLE = 'Assembly Line Dashboard';
export const DASHBOARD_LABELS = ['assembly-line'];
const RECENT_FAILURES = 10;
const MARKER = /\n*<!-- assembly-line:dashboard sha256=([0-9a-f]{64}) -->\s*$/;

const link = (url: string | undefined, text: string) =>
  url && /^https?:\/\//.test(url) ? `[${md(text)}](${url.replace(/[()\s]/g, encodeURIComponent)})` : md(text);

/** At most `limit` rows, then one row saying how many more the page shows. */
function table(head: string[], rows: string[][], limit: number): string {
  const shown = rows.slice(0, limit);
  if (rows.length > shown.length)
    shown.push([
      `… and ${rows.length - shown.length} more (see the bot's dashboard page)`,
      ...head.slice(1).map(() => ''),
    ]);
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...shown.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** GitHub refuses an issue body over 65,536 characters; the rest is room for the marker. */
export const MAX_BODY_CHARS = 65_000;
/** GitHub's mermaid draws at most 500 edges and 50,000 characters; past that the graph is left out. */
const MERMAID_MAX_EDGES = 500;
const MERMAID_MAX_CHARS = 40_000;
/** Rows per table, tried in turn until the body fits. */
const ROW_LIMITS = [Number.POSITIVE_INFINITY, 200, 100, 50, 20, 10];

/**
 * The issue's body for one repository, marker excluded. `now` is accepted for symmetry with the page
 * but only orders the queue: waits are not shown, since they change every second. A repository too
 * large for one issue gets shorter tables (and no graph) rather than a body GitHub refuses.
 */
export function renderDashboardIssue(full: LineView, repository: string, now: number): string {
  const view = filterView(full, repository);
  const graph = dependencyGraph(view.intents);
  let mermaid: string | undefined = renderMermaid(graph);
  if (graph.edges.length > MERMAID_MAX_EDGES || mermaid.length > MERMAID_MAX_CHARS) mermaid = undefined;
  let body = '';
  for (const limit of ROW_LIMITS) {
    body = renderBody(view, repository, now, limit, mermaid);
    if (body.length <= MAX_BODY_CHARS) return body;
    if (mermaid) {
      mermaid = undefined;
      body = renderBody(view, repository, now, limit, mermaid);
      if (body.length <= MAX_BODY_CHARS) return body;
    }
  }
  return body;
}

function otherServices(costs: readonly ServiceCost[]): string[] {
  return [
    `${costs.length} other services`,
    String(costs.reduce((n, c) => n + c.runs, 0)),
    formatUsd(costs.reduce((n, c) => n + c.costUsd, 0)),
  ];
}

function renderBody(
  view: LineView,
  repository: string,
  now: number,
  limit: number,
  mermaid: string | undefined,
): string {
  const out: string[] = [
    `The Assembly Line bot keeps this issue up to date for \`${md(repository)}\`; edits are replaced at its next change.`,
    '',
  ];

  const queue = queueByPriority(view.intents, now);
  out.push(`### Queue (${queue.length})`, '');
  if (queue.length === 0) out.push('Nothing is queued.');
  else
    out.push(
      table(
        ['#', 'Service', 'Priority', 'Start SLA', 'Queued at (UTC)'],
        queue.map((row, i) => [
          String(i + 1),
          md(row.intent.serviceName),
          md(row.intent.priority),
          row.slaMs === undefined ? 'best effort' : `within ${formatWait(row.slaMs)}`,
          row.intent.queuedAt ? md(row.intent.queuedAt.replace('T', ' ').slice(0, 16)) : '—',
        ]),
        limit,
      ),
    );

  const all = pipelines(view.intents);
  out.push('', `### Pipelines (${all.length})`, '');
  if (all.length === 0) out.push('No intents yet: commit one under `intents/`.');
  else
    out.push(
      table(
        ['Service', 'Phase', 'Score', 'Pull request'],
        all.map((i) => [
          md(i.serviceName),
          md(i.phase.replace(/_/g, ' ')),
          i.score === undefined ? '—' : String(i.score),
          i.pullRequest ? link(i.pullRequest.url, `#${i.pullRequest.number} ${i.pullRequest.title}`) : '—',
        ]),
        limit,
      ),
    );

  const failures = recentFailures(view, RECENT_FAILURES);
  out.push('', '### Recent failures', '');
  if (failures.length === 0) out.push('None.');
  else
    out.push(
      table(
        ['When (UTC)', 'Service', 'What', 'Reason'],
        failures.map((f) => [
          md(f.at.replace('T', ' ').slice(0, 16)),
          link(f.url, f.serviceName),
          md(f.what.replace(/_/g, ' ')),
          md(f.reason),
        ]),
        limit,
      ),
    );

  const costs = costPerService(view.runs);
  out.push('', '### Cost per service', '');
  if (costs.length === 0) out.push('No spend recorded.');
  else
    out.push(
      table(
        ['Service', 'Runs', 'Cost (USD)'],
        [
          ...costs.slice(0, limit).map((c) => [md(c.serviceName), String(c.runs), formatUsd(c.costUsd)]),
          ...(costs.length > limit ? [otherServices(costs.slice(limit))] : []),
          ['**Total**', ...otherServices(costs).slice(1)],
        ],
        Number.POSITIVE_INFINITY,
      ),
    );

  out.push('', '### Dependencies', '');
  if (view.intents.length === 0) out.push('No intents.');
  else if (!mermaid)
    out.push(
      `${view.intents.length} intents and their dependencies are too many to draw here: the bot's dashboard page (GET /) draws them all.`,
    );
  else
    out.push(
      '```mermaid',
      mermaid,
      '```',
      '',
      'Arrows run from a dependency to the service that needs it; rounded dashed nodes are infrastructure or names that are not intents of this repository.',
    );

  return `${out.join('\n')}\n`;
}

/** The body with its marker: what is written to the issue. */
export function withDashboardMarker(body: string): string {
  return `${body.replace(/\s+$/, '')}\n\n<!-- assembly-line:dashboard sha256=${sha256(body.replace(/\s+$/, ''))} -->\n`;
}

/** The hash the marker of `body` records, or undefined for a body without one. */
export function dashboardMarkerHash(body: string): string | undefined {
  return MARKER.exec(body.replace(/\r\n/g, '\n'))?.[1];
}

export type DashboardOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Makes the repository's dashboard issue hold `body`: creates it when there is none open, edits it
 * when its marker's hash differs from `body`'s (or a person edited the text under the marker), and
 * writes nothing otherwise. One read (the issue found by title), at most one write.
 */
export async function ensureDashboardIssue(
  forge: Pick<Forge, 'findIssue' | 'createIssue' | 'updateIssue'>,
  body: string,
): Promise<{ outcome: DashboardOutcome; issue: Issue }> {
  const wanted = withDashboardMarker(body);
  const wantedHash = dashboardMarkerHash(wanted)!;
  const existing = await forge.findIssue(DASHBOARD_TITLE);
  if (!existing) {
    const issue = await forge.createIssue({ title: DASHBOARD_TITLE, body: wanted, labels: DASHBOARD_LABELS });
    return { outcome: 'created', issue };
  }
  const current = existing.body.replace(/\r\n/g, '\n');
  const recorded = dashboardMarkerHash(current);
  const untouched =
    recorded !== undefined && sha256(current.replace(MARKER, '').replace(/\s+$/, '')) === recorded;
  if (recorded === wantedHash && untouched) return { outcome: 'unchanged', issue: existing };
  const issue = await forge.updateIssue(existing.number, { body: wanted });
  return { outcome: 'updated', issue };
}
