import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { findCycles } from '../../core/intent/repository.js';

export interface ImportEdge {
  from: string;
  to: string;
}

/** Every .ts/.js module under root (declaration files excepted). */
export function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter(
      (entry) => entry.isFile() && /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'),
    )
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The module specifiers a file names: imports, `export … from`, dynamic `import()`, type imports included. */
export function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((ref) => ref.fileName);
}

/**
 * The unit a module belongs to: its first-level folder under root, or the module itself for a file at
 * the top (core/ports/ is a folder; core/hash.ts is a unit of its own).
 */
export function unitOf(root: string, file: string): string {
  const parts = relative(root, file).split(sep);
  return parts.length > 1 ? `${parts[0]}/` : parts[0]!.replace(/\.(ts|mts|js|mjs)$/, '');
}

/** Edges between units, from each relative import that stays inside root. */
export function unitEdges(root: string): ImportEdge[] {
  const edges = new Map<string, ImportEdge>();
  for (const file of sourceFiles(root)) {
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(root + sep)) continue;
      const from = unitOf(root, file);
      const to = unitOf(root, target);
      if (from !== to) edges.set(`${from}->${to}`, { from, to });
    }
  }
  return [...edges.values()];
}

/** Each import cycle between units as a path that returns to its start, e.g. [a/, b/, a/]. */
export function cycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const { from, to } of edges) {
    graph.set(from, [...(graph.get(from) ?? []), to]);
    if (!graph.has(to)) graph.set(to, []);
  }
  return findCycles(graph);
}

/** `file: specifier` for each import of a package whose name matches `pattern`. */
export function packageImports(root: string, pattern: RegExp): string[] {
  return sourceFiles(root).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !specifier.startsWith('.') && pattern.test(specifier))
      .map((specifier) => `${relative(root, file)}: ${specifier}`),
  );
}
