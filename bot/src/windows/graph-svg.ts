/**
 * The dependency graph as server-rendered SVG for the dashboard page: no script, no library. Every
 * node is a `<g class="node intent|external">` with `data-node`, every edge a
 * `<path class="edge">` with `data-from`/`data-to`, so the graph can be checked by counting.
 */
import { escapeHtml } from './escape.js';
import type { DependencyGraph, GraphNode } from './graph.js';
import { ACTIVE_PHASES } from './view.js';

const NODE_W = 156;
const NODE_H = 40;
const COLUMN = NODE_W + 56;
const ROW = NODE_H + 20;
const MARGIN = 8;
/** Room above the first row for the arcs of edges that skip a column. */
const TOP = 22;
/** How far above the higher node's top a skipping edge's arc rises. */
const ARC_PEAK = 14;
/** Characters that fit in a node at the page's font size; longer names end in … (the title has all). */
const LABEL_CHARS = 20;

const x = (node: GraphNode) => MARGIN + node.layer * COLUMN;
const y = (node: GraphNode) => TOP + node.row * ROW;

function nodeClass(node: GraphNode): string {
  if (node.kind === 'external') return 'node external';
  const state =
    node.phase === 'failed' || node.phase === 'needs_human_review'
      ? ' attention'
      : node.phase === 'live'
        ? ' done'
        : node.phase && ACTIVE_PHASES.includes(node.phase)
          ? ' active'
          : '';
  return `node intent${state}`;
}

function renderNode(node: GraphNode): string {
  const label = node.name.length > LABEL_CHARS ? `${node.name.slice(0, LABEL_CHARS - 1)}…` : node.name;
  const title =
    node.kind === 'external'
      ? `${node.name}: not an intent of ${node.repository} (infrastructure or built elsewhere)`
      : `${node.intentId} in ${node.repository}: ${node.phase}${node.purpose ? `\n${node.purpose}` : ''}`;
  const intentAttr = node.intentId ? ` data-intent-id="${escapeHtml(node.intentId)}"` : '';
  return (
    `<g class="${nodeClass(node)}" data-node="${escapeHtml(node.key)}"${intentAttr}>` +
    `<title>${escapeHtml(title)}</title>` +
    `<rect x="${x(node)}" y="${y(node)}" width="${NODE_W}" height="${NODE_H}" rx="6"/>` +
    `<text x="${x(node) + NODE_W / 2}" y="${y(node) + 14}">${escapeHtml(label)}</text>` +
    `<text class="phase" x="${x(node) + NODE_W / 2}" y="${y(node) + 30}">` +
    `${escapeHtml(node.kind === 'external' ? 'not an intent' : (node.phase ?? '').replace(/_/g, ' '))}</text></g>`
  );
}

function edgePath(from: GraphNode, to: GraphNode): string {
  if (from === to) {
    const right = x(from) + NODE_W;
    const top = y(from);
    return `M${right - 20},${top} C${right + 10},${top - 16} ${right + 20},${top + 10} ${right},${top + NODE_H / 2}`;
  }
  const x1 = x(from) + NODE_W;
  const y1 = y(from) + NODE_H / 2;
  const x2 = x(to);
  const y2 = y(to) + NODE_H / 2;
  const span = to.layer - from.layer;
  if (span <= 1) {
    const bend = Math.max(24, Math.abs(x2 - x1) / 2);
    return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
  }
  // An edge that skips columns leaves its node's top and arcs through the gap above the row into the
  // target's top, instead of running through the nodes between (a cubic peaks at 3/4 of the lift).
  const sx = x(from) + NODE_W * 0.75;
  const tx = x(to) + NODE_W * 0.25;
  const control = Math.min(y(from), y(to)) - (ARC_PEAK * 4) / 3;
  return `M${sx},${y(from)} C${sx},${control} ${tx},${control} ${tx},${y(to)}`;
}

/** The graph as one `<svg>` element; its width grows with the layers (the page scrolls it). */
export function renderGraphSvg(graph: DependencyGraph): string {
  const width = MARGIN * 2 + Math.max(0, graph.layers - 1) * COLUMN + NODE_W + 24;
  const height = TOP + MARGIN + Math.max(0, graph.rows - 1) * ROW + NODE_H;
  const byKey = new Map(graph.nodes.map((n) => [n.key, n]));
  const edges = graph.edges.map((edge) => {
    const from = byKey.get(edge.from)!;
    const to = byKey.get(edge.to)!;
    return (
      `<path class="edge" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" ` +
      `d="${edgePath(from, to)}" marker-end="url(#arrow)"/>`
    );
  });
  return [
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" role="img" aria-label="Dependency graph: ` +
      `${graph.nodes.filter((n) => n.kind === 'intent').length} intents, ${graph.edges.length} dependencies">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" ' +
      'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ...edges,
    ...graph.nodes.map(renderNode),
    '</svg>',
  ].join('\n');
}
