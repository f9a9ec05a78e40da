/**
 * The dependency graph as a mermaid flowchart for the dashboard issue (GitHub renders ```mermaid
 * blocks). Same nodes and edges as the page's SVG; mermaid lays it out itself.
 */
import type { DependencyGraph, GraphNode } from './graph.js';
import { ACTIVE_PHASES } from './view.js';

/**
 * Mermaid ids are words: letters, digits and `_`. A service name's `-` (and anything a view may hold)
 * becomes `_`, and a prefix keeps ids off mermaid's keywords (`end`, `graph`, `style`...) and apart
 * between intents and external names; clashes after that get a counter.
 */
export function mermaidIds(nodes: readonly GraphNode[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    const base = `${node.kind === 'intent' ? 'i' : 'x'}_${node.name.replace(/[^A-Za-z0-9]/g, '_')}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    ids.set(node.key, id);
  }
  return ids;
}

/** A label inside `["..."]`: mermaid's entity codes for what would end or break it. */
export function mermaidLabel(text: string): string {
  return text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
}

function classOf(node: GraphNode): string {
  if (node.kind === 'external') return 'external';
  if (node.phase === 'failed' || node.phase === 'needs_human_review') return 'attention';
  if (node.phase === 'live') return 'done';
  return node.phase && ACTIVE_PHASES.includes(node.phase) ? 'active' : 'waiting';
}

/** The flowchart's text (without the fence): `graph LR`, one line per node, one per edge. */
export function renderMermaid(graph: DependencyGraph): string {
  const ids = mermaidIds(graph.nodes);
  const lines = ['graph LR'];
  for (const node of graph.nodes) {
    const label = mermaidLabel(node.kind === 'intent' ? `${node.name} (${node.phase})` : node.name);
    const shape = node.kind === 'intent' ? `["${label}"]` : `(["${label}"])`;
    lines.push(`  ${ids.get(node.key)}${shape}:::${classOf(node)}`);
  }
  for (const edge of graph.edges) lines.push(`  ${ids.get(edge.from)} --> ${ids.get(edge.to)}`);
  lines.push(
    '  classDef external stroke-dasharray: 4 4',
    '  classDef attention stroke:#cf222e,stroke-width:2px',
    '  classDef active stroke:#0969da,stroke-width:2px',
    '  classDef done stroke:#1a7f37',
    '  classDef waiting stroke:#8c959f',
  );
  return lines.join('\n');
}
