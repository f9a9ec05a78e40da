import { UDC_ENDPOINTS } from '../sections.js';
import {
  type BodyLine,
  listItem,
  normalizeLabel,
  plain,
  type ScannedLine,
  scanLines,
  type Table,
  tablesIn,
} from './blocks.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** How the SPEC wrote an endpoint: `### METHOD /path`, a table row, or a list item. */
export type EndpointLayout = 'heading' | 'table' | 'bullet';

/** One endpoint of a SPEC's API section, whatever its layout (docs/spec-format.md). */
export interface ApiEndpoint {
  method: HttpMethod;
  path: string;
  layout: EndpointLayout;
  /** Line of the heading, table row or list item that names the endpoint. */
  line: number;
  /** Last line of the endpoint's block. */
  endLine?: number;
  /** The feature it serves (a `Feature:` label, a "(feature: X)" note or a column): a key feature, or `UDC`. */
  feature?: string;
  featureLine?: number;
  /** The request body example; undefined when the request says none or is absent. */
  request?: unknown;
  requestLine?: number;
  /** The request as written. */
  requestText?: string;
  /** The JSON text `request` was parsed from (how its numbers were written: `10.0` is not `10`). */
  requestJson?: string;
  responseStatus?: number;
  response?: unknown;
  responseLine?: number;
  responseText?: string;
  /** The JSON text `response` was parsed from. */
  responseJson?: string;
  errors?: string;
  errorsLine?: number;
  /** Free text about the endpoint: a description column, or words after the path. */
  description?: string;
}

const SEGMENT = String.raw`(?:[a-z0-9_-]+|\{[a-z_][a-z0-9_]*\})`;
/** Lowercase segments of `[a-z0-9_-]`, or a path parameter `{id}`; no empty segment, no trailing slash. */
export const API_PATH_PATTERN = new RegExp(`^(?:/${SEGMENT})+$`);

export function isValidApiPath(path: string): boolean {
  return API_PATH_PATTERN.test(path);
}

/** `GET /health`: what makes two endpoints the same endpoint. */
export function endpointKey(endpoint: { method: string; path: string }): string {
  return `${endpoint.method.toUpperCase()} ${endpoint.path}`;
}

/** The keys (`GET /health`) of the five UDC endpoints every service answers. */
export const UDC_KEYS: ReadonlySet<string> = new Set(UDC_ENDPOINTS.map(endpointKey));

/** The endpoints that serve the service's own features: all but the five UDC endpoints. */
export function featureEndpoints<E extends { method: string; path: string }>(endpoints: readonly E[]): E[] {
  return endpoints.filter((e) => !UDC_KEYS.has(endpointKey(e)));
}

/** The JSON inside the first inline code span of `text`, if it parses. */
export function inlineJson(text: string): unknown {
  const source = inlineCode(text);
  return source === undefined ? undefined : parseJson(source);
}

function inlineCode(text: string): string | undefined {
  return /`([^`]+)`/.exec(text)?.[1];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type FieldKind = 'feature' | 'request' | 'response' | 'errors';

/** Labels of an endpoint's fields and what people also call them; longest first for the pattern. */
const FIELD_LABELS: [string, FieldKind][] = (
  [
    ['key feature', 'feature'],
    ['feature', 'feature'],
    ['serves', 'feature'],
    ['request body', 'request'],
    ['request', 'request'],
    ['body', 'request'],
    ['payload', 'request'],
    ['input', 'request'],
    ['response body', 'response'],
    ['response', 'response'],
    ['returns', 'response'],
    ['success', 'response'],
    ['output', 'response'],
    ['error codes', 'errors'],
    ['error responses', 'errors'],
    ['errors', 'errors'],
    ['error', 'errors'],
    ['failures', 'errors'],
    ['fails', 'errors'],
  ] as [string, FieldKind][]
).sort((a, b) => b[0].length - a[0].length);
const LABEL_KIND = new Map(FIELD_LABELS);
const LABEL_ALTERNATIVES = FIELD_LABELS.map(([label]) => label.replace(' ', '\\s+')).join('|');
/** A label inside a line: `Request:`, `**Errors:**`, `; returns:`. */
const LABEL = new RegExp(
  `(?:^|(?<=[\\s;,(—–|]))[*_]{0,2}(${LABEL_ALTERNATIVES})[*_]{0,2}\\s*:[*_]{0,2}\\s*`,
  'gi',
);
/** A line that starts with a label: `Request:`, `**Errors:**`. */
const SINGLE_FIELD = new RegExp(`^\\s*[*_]{0,2}(${LABEL_ALTERNATIVES})[*_]{0,2}\\s*:[*_]{0,2}\\s*`, 'i');

/** A field's value without the separators that ended it ("…; ", "…. "). */
function trimValue(value: string): string {
  let end = value.length;
  while (end > 0 && ' \t;,.—–|-'.includes(value[end - 1]!)) end--;
  return value.slice(0, end).trim();
}

/** A line that is one field of an endpoint: `- Request: ...`, `Errors: ...`. */
const FIELD_LINE = new RegExp(`^\\s*(?:[-*+]\\s+)?[*_]{0,2}(?:${LABEL_ALTERNATIVES})[*_]{0,2}\\s*:`, 'i');
const FEATURE_NOTE = /\(\s*(?:key\s+)?feature\s*:\s*([^)]*)\)/i;
/** `GET /path` at the start of a heading, list item or cell, with optional emphasis or code ticks. */
const METHOD_PATH = /^(?:\d+[.)]\s*)?[`*_]*(GET|POST|PUT|PATCH|DELETE)\s+(\/[^\s`*|]*)[`*_]*(.*)$/i;

/** Whether a line is one of an endpoint's field lines (`- Feature:`, `- Request:`, `Errors:` …). */
export function isApiFieldLine(text: string): boolean {
  // Every field line has a colon; most lines that fail do not, and the pattern is the costlier test.
  return text.includes(':') && FIELD_LINE.test(text);
}

function methodPath(text: string): { method: HttpMethod; path: string; rest: string } | undefined {
  const match = METHOD_PATH.exec(text.trim());
  if (!match) return undefined;
  return { method: match[1]!.toUpperCase() as HttpMethod, path: match[2]!, rest: match[3]! };
}

/** Inline code masked so that a label inside JSON (`{"body": 1}`) is not read as a label. */
function maskCode(text: string): string {
  return text.replace(/`[^`]*`/g, (span) => `\`${'x'.repeat(span.length - 2)}\``);
}

interface FieldValue {
  kind: FieldKind;
  value: string;
}

/** The labelled fields of a piece of text, and the text before the first label. */
function labelledFields(text: string): { before: string; fields: FieldValue[] } {
  const masked = maskCode(text);
  // Most lines hold one label and JSON in code: no colon after the label's, no scan for more labels.
  const single = SINGLE_FIELD.exec(masked);
  if (single && !masked.includes(':', single[0].length)) {
    const kind = LABEL_KIND.get(single[1]!.toLowerCase().replace(/\s+/g, ' '))!;
    return { before: '', fields: [{ kind, value: trimValue(text.slice(single[0].length)) }] };
  }
  const marks = Array.from(masked.matchAll(LABEL), (m) => ({
    kind: LABEL_KIND.get(m[1]!.toLowerCase().replace(/\s+/g, ' '))!,
    start: m.index,
    end: m.index + m[0].length,
  }));
  const fields = marks.map((mark, i) => ({
    kind: mark.kind,
    value: trimValue(text.slice(mark.end, marks[i + 1]?.start ?? text.length)),
  }));
  return { before: text.slice(0, marks[0]?.start ?? text.length), fields };
}

function statusOf(text: string): number | undefined {
  const outside = text.replace(/`[^`]*`/g, ' ');
  const match = /(?<![\w.])([1-5]\d\d)(?![\w.])/.exec(outside);
  return match ? Number(match[1]) : undefined;
}

/** `**Refunds**`, `` `Refunds` `` or `"Refunds"` as Refunds; emphasis inside the text stays. */
function unwrap(text: string): string {
  const wrapped = /^(\*\*|__|`|"|')(.*)\1$/.exec(text);
  return wrapped ? wrapped[2]!.trim() : text;
}

function setField(endpoint: ApiEndpoint, kind: FieldKind, raw: string, line: number): void {
  const value = raw.trim();
  if (kind === 'feature') {
    if (!value) return;
    endpoint.feature = unwrap(value);
    endpoint.featureLine = line;
  } else if (kind === 'request') {
    endpoint.requestText = value;
    endpoint.requestLine = line;
    endpoint.request = inlineJson(value);
    if (endpoint.request !== undefined) endpoint.requestJson = inlineCode(value);
  } else if (kind === 'response') {
    endpoint.responseText = value;
    endpoint.responseLine = line;
    endpoint.responseStatus = statusOf(value);
    endpoint.response = inlineJson(value);
    if (endpoint.response !== undefined) endpoint.responseJson = inlineCode(value);
  } else {
    endpoint.errors = value;
    endpoint.errorsLine = line;
  }
}

/** Reads the rest of an endpoint's line: a feature note, inline fields, a description. */
function readRest(endpoint: ApiEndpoint, rest: string, line: number): FieldKind | undefined {
  let text = rest;
  const note = FEATURE_NOTE.exec(maskCode(text));
  if (note) {
    const value = text.slice(note.index, note.index + note[0].length);
    setField(endpoint, 'feature', FEATURE_NOTE.exec(value)![1]!, line);
    text = text.slice(0, note.index) + text.slice(note.index + note[0].length);
  }
  const { before, fields } = labelledFields(text);
  const description = plain(before).replace(/^[\s:;,—–-]+|[\s:;,—–-]+$/g, '');
  if (description) endpoint.description = description;
  for (const field of fields) setField(endpoint, field.kind, field.value, line);
  return awaitsExample(fields.at(-1));
}

/** A request or response label without inline code: its JSON example may follow in a fenced block. */
function awaitsExample(field: FieldValue | undefined): FieldKind | undefined {
  if (!field || (field.kind !== 'request' && field.kind !== 'response')) return undefined;
  return field.value.includes('`') || NO_VALUE.test(plain(field.value)) ? undefined : field.kind;
}

type Role =
  | 'method'
  | 'path'
  | 'endpoint'
  | 'feature'
  | 'request'
  | 'response'
  | 'status'
  | 'errors'
  | 'description';

/** Table headers that name each column's role, compared without case or emphasis. */
const COLUMN_ROLES: [Role, string[]][] = [
  ['method', ['method', 'verb', 'http method']],
  ['path', ['path', 'url', 'uri', 'resource', 'path template']],
  ['endpoint', ['endpoint', 'route', 'operation', 'api', 'call', 'endpoints', 'routes']],
  ['feature', ['feature', 'key feature', 'serves', 'features', 'intent feature']],
  [
    'request',
    ['request', 'body', 'request body', 'input', 'payload', 'request example', 'parameters', 'params'],
  ],
  [
    'response',
    [
      'response',
      'returns',
      'return',
      'output',
      'result',
      'success',
      'response body',
      'success response',
      'response example',
      'reply',
    ],
  ],
  ['status', ['status', 'status code', 'code', 'success status', 'http status']],
  [
    'errors',
    ['errors', 'error', 'failures', 'error codes', 'error responses', 'fails', 'on error', 'failure'],
  ],
  ['description', ['description', 'purpose', 'notes', 'summary', 'what it does', 'details']],
];
const ROLE_OF = new Map<string, Role>(
  COLUMN_ROLES.flatMap(([role, names]) => names.map((n) => [n, role] as const)),
);

function roleOf(header: string): Role | undefined {
  const label = normalizeLabel(header);
  return ROLE_OF.get(label) ?? ROLE_OF.get(label.split(' ')[0] ?? '');
}

/** Column index per role; the first column of a role wins. */
function columnRoles(table: Table): Map<Role, number> {
  const roles = new Map<Role, number>();
  table.headers.forEach((header, index) => {
    const role = roleOf(header);
    if (role && !roles.has(role)) roles.set(role, index);
  });
  return roles;
}

const NO_VALUE = /^(?:none|no body|empty|n\/a|-|—|–|\(none\))$/i;

function endpointOfRow(
  cells: readonly string[],
  roles: Map<Role, number>,
  line: number,
): ApiEndpoint | undefined {
  const cell = (role: Role) => {
    const index = roles.get(role);
    return index === undefined ? undefined : cells[index];
  };
  let method: HttpMethod | undefined;
  let path: string | undefined;
  const methodCell = plain(cell('method') ?? '').toUpperCase();
  if ((HTTP_METHODS as readonly string[]).includes(methodCell)) method = methodCell as HttpMethod;
  const pathCell = plain(cell('path') ?? cell('endpoint') ?? '');
  const inCell = methodPath(pathCell);
  if (inCell) ({ method, path } = inCell);
  else if (pathCell.startsWith('/')) path = pathCell.split(/\s/)[0];
  if (!method || !path) {
    // `GET /x` may sit in any cell when no column is named for it.
    for (const text of cells) {
      const found = methodPath(plain(text));
      if (found) {
        ({ method, path } = found);
        break;
      }
    }
  }
  if (!method || !path) return undefined;
  const endpoint: ApiEndpoint = { method, path, layout: 'table', line, endLine: line };
  fillFromRoles(endpoint, cell, line);
  for (const text of cells) {
    const note = FEATURE_NOTE.exec(text);
    if (note && endpoint.feature === undefined) setField(endpoint, 'feature', note[1]!, line);
  }
  return endpoint;
}

function fillFromRoles(endpoint: ApiEndpoint, cell: (role: Role) => string | undefined, line: number): void {
  const feature = cell('feature');
  if (feature !== undefined && !NO_VALUE.test(plain(feature))) setField(endpoint, 'feature', feature, line);
  const request = cell('request');
  if (request !== undefined && request !== '') setField(endpoint, 'request', request, line);
  const response = cell('response');
  const status = cell('status');
  if (response !== undefined || status !== undefined) {
    const combined = [status, response].filter((t) => t !== undefined && t !== '').join(' ');
    if (combined) setField(endpoint, 'response', combined, line);
  }
  const errors = cell('errors');
  if (errors !== undefined && errors !== '' && !NO_VALUE.test(plain(errors)))
    setField(endpoint, 'errors', errors, line);
  const description = cell('description');
  if (description) endpoint.description ??= plain(description);
}

/**
 * Endpoints of an API section body in any layout: `### METHOD /path` headings with field bullets,
 * table rows with method and path columns (any order, header synonyms, `GET /x` in one cell), or list
 * items `` - `METHOD /path` `` with nested or inline fields. Fenced code is an example, except a JSON
 * block right after an empty `Request:` or `Response:` label, which is that field's example.
 */
export function readEndpoints(body: readonly BodyLine[]): ApiEndpoint[] {
  const lines = scanLines(body);
  const tables = new Map(tablesIn(lines).map((t) => [t.line, t]));
  const endpoints: ApiEndpoint[] = [];
  let current: ApiEndpoint | undefined;
  /** Indent of the list item that opened a bullet endpoint. */
  let bulletIndent: number | undefined;
  /** A field whose example follows in a fenced block. */
  let pending: FieldKind | undefined;
  let code: string[] | undefined;
  let skipUntil = 0;

  const open = (endpoint: ApiEndpoint, indent?: number) => {
    endpoints.push(endpoint);
    current = endpoint;
    bulletIndent = indent;
    pending = undefined;
  };
  /** Field labels count at the start of a line or list item only: prose may say "on error: retry". */
  const fields = (text: string, line: number) => {
    if (!current || !FIELD_LINE.test(text)) return false;
    const { fields: found } = labelledFields(text.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, ''));
    for (const field of found) setField(current, field.kind, field.value, line);
    pending = awaitsExample(found.at(-1));
    return true;
  };

  for (const entry of lines) {
    const { line, text, role } = entry;
    if (line < skipUntil) continue;
    if (role === 'fence' || role === 'code') {
      if (current) current.endLine = line;
      if (role === 'fence' && code === undefined && pending && current) code = [];
      else if (role === 'fence' && code !== undefined) {
        const source = code.join('\n');
        const value = parseJson(source);
        if (current && pending && value !== undefined) {
          if (pending === 'request') [current.request, current.requestJson] = [value, source];
          else [current.response, current.responseJson] = [value, source];
        }
        code = undefined;
        pending = undefined;
      } else if (role === 'code' && code !== undefined) code.push(text);
      continue;
    }
    const table = tables.get(line);
    if (table) {
      skipUntil = readTable(table, entry, endpoints, current);
      if (skipUntil > line && endpoints.at(-1)?.layout === 'table') current = undefined;
      continue;
    }
    const heading = /^\s{0,3}(#{3,6})\s+(.*?)\s*#*\s*$/.exec(text);
    if (heading) {
      const found = methodPath(heading[2]!);
      current = undefined;
      if (found) {
        open({ method: found.method, path: found.path, layout: 'heading', line, endLine: line });
        pending = readRest(current!, found.rest, line);
      }
      continue;
    }
    if (!text.trim()) {
      if (current) current.endLine = line;
      continue;
    }
    const item = listItem(text);
    if (item) {
      const found = methodPath(item.content);
      if (found && (bulletIndent === undefined || item.indent <= bulletIndent || !current)) {
        open({ method: found.method, path: found.path, layout: 'bullet', line, endLine: line }, item.indent);
        pending = readRest(current!, found.rest, line);
        continue;
      }
      if (!current) continue;
      if (fields(text, line)) current.endLine = line;
      else if (bulletIndent !== undefined && item.indent <= bulletIndent) current = undefined;
      else current.endLine = line;
      continue;
    }
    if (!current) continue;
    // A paragraph line: a label without a list marker, or the continuation of an item.
    fields(text, line);
    current.endLine = line;
  }
  return endpoints;
}

/**
 * A table inside the API section: an endpoint table (a row per endpoint), or the fields of the current
 * endpoint (a `| Request | … |` row table or a label/value table). Returns the line after the table.
 */
function readTable(
  table: Table,
  at: ScannedLine,
  endpoints: ApiEndpoint[],
  current: ApiEndpoint | undefined,
): number {
  const last = table.rows.at(-1)?.line ?? at.line + 1;
  const roles = columnRoles(table);
  const rows = table.rows.map((row) => endpointOfRow(row.cells, roles, row.line));
  if (rows.some((e) => e !== undefined)) {
    for (const endpoint of rows) if (endpoint) endpoints.push(endpoint);
    return last + 1;
  }
  if (!current) return last + 1;
  const first = table.rows[0];
  if (first && (roles.has('request') || roles.has('response') || roles.has('errors'))) {
    fillFromRoles(
      current,
      (role) => (roles.has(role) ? first.cells[roles.get(role)!] : undefined),
      first.line,
    );
  } else {
    const pairs = [
      ...(table.headers.length > 0 ? [{ line: table.line, cells: table.headers }] : []),
      ...table.rows,
    ];
    for (const row of pairs) {
      const kind = LABEL_KIND.get(normalizeLabel(row.cells[0] ?? ''));
      if (kind && row.cells[1] !== undefined) setField(current, kind, row.cells[1], row.line);
    }
  }
  current.endLine = last;
  return last + 1;
}
