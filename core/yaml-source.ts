import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type ParsedNode,
  parseAllDocuments,
  type Node as YamlNode,
} from 'yaml';
import { type Diagnostic, LineIndex } from './diagnostics.js';

/** Limits that keep a hostile YAML file from exhausting memory or time. */
export interface YamlLimits {
  maxBytes: number;
  /** The number of nodes the document may have once every alias is expanded. */
  maxExpandedNodes: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxBytes: 256 * 1024, maxExpandedNodes: 10_000 };

export type PathSegment = string | number;

export interface Located {
  line: number;
  col: number;
}

/** A YAML mapping loaded from a file, with the means to find where any of its parts came from. */
export interface LoadedMapping {
  value: Record<string, unknown>;
  /** Position of the value at `path`, or of the nearest enclosing node that exists. */
  locateValue(path: readonly PathSegment[]): Located;
  /** Position of the key that names the last segment of `path`, falling back to its value. */
  locateKey(path: readonly PathSegment[]): Located;
}

export type LoadResult = { ok: true; mapping: LoadedMapping } | { ok: false; errors: Diagnostic[] };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let needed: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      needed = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      needed = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      needed = 3;
      min = 0x10000;
    } else return i;
    let codePoint = b & (0x3f >> needed);
    for (let k = 1; k <= needed; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += needed + 1;
  }
  return -1;
}

function decodeUtf8(bytes: Uint8Array, path: string): { text: string } | { error: Diagnostic } {
  const bad = firstInvalidUtf8Offset(bytes);
  if (bad >= 0) {
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const { line, col } = new LineIndex(before).position(before.length);
    const hex = bytes[bad]!.toString(16).padStart(2, '0');
    return {
      error: {
        path,
        line,
        col,
        field: 'encoding',
        message: `byte 0x${hex} at offset ${bad} is not valid UTF-8; save the file as UTF-8`,
      },
    };
  }
  const start = UTF8_BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  return { text: new TextDecoder('utf-8').decode(bytes.subarray(start)) };
}

function nodeKind(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  if (isScalar(node)) return node.value === null ? 'null' : `a ${typeof node.value}`;
  return 'nothing';
}

/** The number of nodes after expanding every alias, memoised per node so a bomb is measured, not expanded. */
function expandedSize(doc: Document, limit: number): number {
  const memo = new Map<unknown, number>();
  const visiting = new Set<unknown>();
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 1;
    const known = memo.get(node);
    if (known !== undefined) return known;
    if (visiting.has(node)) return limit + 1;
    visiting.add(node);
    let total = 1;
    if (isAlias(node)) total = size(node.resolve(doc));
    else if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        total += isPair(item) ? size(item.key) + size(item.value) : size(item);
        if (total > limit) break;
      }
    }
    total = Math.min(total, limit + 1);
    visiting.delete(node);
    memo.set(node, total);
    return total;
  };
  return size(doc.contents);
}

function child(node: unknown, segment: PathSegment): { key?: YamlNode; value?: YamlNode } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (!pair) return undefined;
    return { key: pair.key as YamlNode, value: (pair.value ?? undefined) as YamlNode | undefined };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { value: item as YamlNode };
  }
  return undefined;
}

/**
 * Parses `bytes` as one YAML document that must be a mapping, enforcing size, encoding,
 * duplicate-key and alias-expansion limits. Never throws for any input.
 */
export function loadYamlMapping(
  bytes: Uint8Array,
  path: string,
  limits: YamlLimits = DEFAULT_YAML_LIMITS,
): LoadResult {
  const fail = (line: number, col: number, field: string, message: string): LoadResult => ({
    ok: false,
    errors: [{ path, line, col, field, message }],
  });
  if (bytes.length > limits.maxBytes) {
    return fail(1, 1, 'file', `is ${bytes.length} bytes; the limit is ${limits.maxBytes} bytes`);
  }
  const decoded = decodeUtf8(bytes, path);
  if ('error' in decoded) return { ok: false, errors: [decoded.error] };
  const text = decoded.text;
  const lines = new LineIndex(text);
  const at = (offset: number) => lines.position(Math.max(0, Math.min(offset, text.length)));

  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (error) {
    // The parser recurses; absurd nesting can exhaust the stack.
    const reason = error instanceof RangeError ? 'is nested too deeply' : 'could not be parsed';
    return fail(1, 1, 'yaml', `the document ${reason}`);
  }
  if (!Array.isArray(docs) || docs.length === 0) {
    return fail(1, 1, 'file', 'is empty; an intent is a YAML mapping of fields');
  }
  const errors: Diagnostic[] = [];
  if (docs.length > 1) {
    const second = at((docs[1] as Document.Parsed).range[0]);
    errors.push({
      path,
      ...second,
      field: 'yaml',
      message: `has ${docs.length} documents; an intent file holds exactly one (remove the '---' separators)`,
    });
  }
  const doc = docs[0]! as Document.Parsed;
  for (const e of doc.errors) {
    const pos = at(e.pos[0]);
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^["']?([^"':\n]*)/.exec(text.slice(e.pos[0]))?.[1]?.trim() || '""';
      errors.push({ path, ...pos, field: key, message: 'is given more than once; keep one' });
    } else {
      errors.push({ path, ...pos, field: 'yaml', message: e.message.split('\n')[0]!.replace(/:$/, '') });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const root = doc.contents as ParsedNode | null;
  if (root === null || (isScalar(root) && root.value === null)) {
    return fail(1, 1, 'file', 'is empty; an intent is a YAML mapping of fields');
  }
  if (!isMap(root)) {
    const pos = at(root.range[0]);
    return fail(pos.line, pos.col, 'yaml', `the document must be a mapping of fields, not ${nodeKind(root)}`);
  }
  if (expandedSize(doc, limits.maxExpandedNodes) > limits.maxExpandedNodes) {
    let firstAlias = 0;
    for (const match of text.matchAll(/\*[^\s,\]}]+/g)) {
      firstAlias = match.index;
      break;
    }
    const pos = at(firstAlias);
    return fail(
      pos.line,
      pos.col,
      'yaml',
      `aliases expand to more than ${limits.maxExpandedNodes} nodes; refusing to expand (alias bomb?)`,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: -1 });
  } catch {
    return fail(1, 1, 'yaml', 'the document could not be converted to data');
  }

  const locateNode = (path: readonly PathSegment[], wantKey: boolean): Located => {
    let node: unknown = root;
    let keyNode: YamlNode | undefined;
    for (const segment of path) {
      const next = child(isAlias(node) ? node.resolve(doc) : node, segment);
      if (!next) break;
      keyNode = next.key;
      node = next.value ?? next.key;
    }
    const target = wantKey && keyNode ? keyNode : (node as YamlNode | undefined);
    const offset = target?.range?.[0] ?? keyNode?.range?.[0] ?? 0;
    return at(offset);
  };
  return {
    ok: true,
    mapping: {
      value: value as Record<string, unknown>,
      locateValue: (p) => locateNode(p, false),
      locateKey: (p) => locateNode(p, true),
    },
  };
}
