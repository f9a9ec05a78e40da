/**
 * The intents' dependency graph, laid out once for both renderers (the page's SVG and the issue's
 * mermaid): one node per intent, one edge per dependency. A dependency that names no intent of the
 * same repository (infrastructure such as `registry`, or a name not in the view) becomes an
 * `external` node, drawn apart, so every dependency still has its edge. Layers follow dependency
 * depth: what nothing else is needed for sits on the left, each intent one layer right of the deepest
 * thing it needs. Deterministic: the same view gives the same graph, whatever order it lists intents.
 */
import type { IntentView, Phase } from './view.js';

export interface GraphNode {
  /** Unique in the graph: `<repository>#<intentId>` for an intent, `<repository>#~<name>` for an external one. */
  key: string;
  name: string;
  repository: string;
  kind: 'intent' | 'external';
  intentId?: string;
  phase?: Phase;
  purpose?: string;
  /** Column, from 0 (left). */
  layer: number;
  /** Position in its column, from 0 (top). */
  row: number;
}

/** From the dependency to the intent that needs it: the order in which things must exist. */
export interface GraphEdge {
  from: string;
  to: string;
}

export interface DependencyGraph {
  /** By layer, then row. */
  nodes: GraphNode[];
  /** By `from`, then `to`. */
  edges: GraphEdge[];
  /** Number of columns. */
  layers: number;
  /** Rows of the tallest column. */
  rows: number;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function dependencyGraph(intents: readonly IntentView[]): DependencyGraph {
  const sorted = [...intents].sort(
    (a, b) =>
      byText(a.repository, b.repository) ||
      byText(a.serviceName, b.serviceName) ||
      byText(a.intentId, b.intentId),
  );
  const nodes = new Map<string, GraphNode>();
  /** `<repository>\n<name>` → the intent node a dependency on that name points at (the first by id). */
  const byName = new Map<string, GraphNode>();
  for (const intent of sorted) {
    const node: GraphNode = {
      key: `${intent.repository}#${intent.intentId}`,
      name: intent.serviceName,
      repository: intent.repository,
      kind: 'intent',
      intentId: intent.intentId,
      phase: intent.phase,
      ...(intent.purpose ? { purpose: intent.purpose } : {}),
      layer: 0,
      row: 0,
    };
    nodes.set(node.key, node);
    const nameKey = `${intent.repository}\n${intent.serviceName}`;
    if (!byName.has(nameKey)) byName.set(nameKey, node);
  }

  const needs = new Map<string, string[]>();
  const edges: GraphEdge[] = [];
  for (const intent of sorted) {
    const to = `${intent.repository}#${intent.intentId}`;
    const from = [...new Set(intent.dependencies)].map((name) => {
      const target = byName.get(`${intent.repository}\n${name}`);
      if (target) return target.key;
      const key = `${intent.repository}#~${name}`;
      if (!nodes.has(key))
        nodes.set(key, { key, name, repository: intent.repository, kind: 'external', layer: 0, row: 0 });
      return key;
    });
    needs.set(to, from);
    for (const key of from) edges.push({ from: key, to });
  }

  // Depth by memoised search; a dependency still being visited is a cycle, counted as depth 0 so the
  // layout ends (validation refuses cycles, but a view derived from a broken branch may hold one).
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (key: string): number => {
    const known = depth.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) return -1;
    visiting.add(key);
    const deps = needs.get(key) ?? [];
    const layer = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(layerOf));
    visiting.delete(key);
    depth.set(key, Math.max(0, layer));
    return Math.max(0, layer);
  };
  const columns: GraphNode[][] = [];
  for (const node of [...nodes.values()].sort((a, b) => byText(a.key, b.key))) {
    node.layer = layerOf(node.key);
    const column = columns[node.layer] ?? [];
    column.push(node);
    columns[node.layer] = column;
  }
  const ordered: GraphNode[] = [];
  for (const column of columns) {
    if (!column) continue;
    column.sort(
      (a, b) =>
        byText(a.repository, b.repository) ||
        (a.kind === b.kind ? 0 : a.kind === 'external' ? -1 : 1) ||
        byText(a.name, b.name) ||
        byText(a.key, b.key),
    );
    column.forEach((node, row) => {
      node.row = row;
      ordered.push(node);
    });
  }
  edges.sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to));
  return {
    nodes: ordered,
    edges,
    layers: columns.length,
    rows: Math.max(0, ...columns.map((c) => c?.length ?? 0)),
  };
}
