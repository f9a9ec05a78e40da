import { findSection, type MarkdownOutline, outline } from './markdown.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One endpoint of a SPEC's API section (format: docs/spec-format.md). */
export interface ApiEndpoint {
  method: HttpMethod;
  path: string;
  /** Line of the `### METHOD /path` heading. */
  line: number;
  /** Last line of the endpoint's block: the line before the next heading, or the section's last line. */
  endLine?: number;
  /** The `- Feature:` text: an intent key feature, or `UDC`. */
  feature?: string;
  featureLine?: number;
  /** The request body example; undefined when the request line says none or is absent. */
  request?: unknown;
  requestLine?: number;
  /** `- Request:` text as written. */
  requestText?: string;
  responseStatus?: number;
  response?: unknown;
  responseLine?: number;
  responseText?: string;
  errors?: string;
  errorsLine?: number;
}

const HEADING = /^###\s+`?(GET|POST|PUT|PATCH|DELETE)\s+(\/[^\s`]*)`?\s*$/i;
const BULLET = /^\s*[-*]\s+\*{0,2}(Feature|Request|Response|Errors?)\*{0,2}\s*:\*{0,2}\s*(.*)$/i;
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

/** Whether a line is one of the API format's field bullets (`- Feature:`, `- Request:` …). */
export function isApiFieldLine(text: string): boolean {
  return BULLET.test(text);
}

/** The JSON inside the first inline code span of `text`, if it parses. */
export function inlineJson(text: string): unknown {
  const match = /`([^`]+)`/.exec(text);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1]!);
  } catch {
    return undefined;
  }
}

/** Endpoints of the `## API` section, in order of appearance. */
export function parseApiEndpoints(markdown: string | MarkdownOutline): ApiEndpoint[] {
  const doc = typeof markdown === 'string' ? outline(markdown) : markdown;
  const api = findSection(doc, 'API');
  if (!api) return [];
  const endpoints: ApiEndpoint[] = [];
  let current: ApiEndpoint | undefined;
  let fence: string | undefined;
  for (const { line, text } of api.body) {
    // A fenced block is an example: a heading inside it is not an endpoint, nor a bullet a field.
    const fenceMark = /^\s*(```|~~~)/.exec(text)?.[1];
    if (fenceMark) fence = fence === undefined ? fenceMark : fence === fenceMark ? undefined : fence;
    if (fenceMark || fence !== undefined) {
      if (current) current.endLine = line;
      continue;
    }
    const heading = HEADING.exec(text);
    if (heading) {
      current = { method: heading[1]!.toUpperCase() as HttpMethod, path: heading[2]!, line, endLine: line };
      endpoints.push(current);
      continue;
    }
    if (/^#{1,3}\s/.test(text)) {
      current = undefined;
      continue;
    }
    if (!current) continue;
    current.endLine = line;
    const bullet = BULLET.exec(text);
    if (!bullet) continue;
    const kind = bullet[1]!.toLowerCase();
    const value = bullet[2]!.trim();
    if (kind === 'feature') {
      current.feature = value;
      current.featureLine = line;
    } else if (kind === 'request') {
      current.requestText = value;
      current.requestLine = line;
      current.request = inlineJson(value);
    } else if (kind === 'response') {
      current.responseText = value;
      current.responseLine = line;
      const status = /^(\d{3})\b/.exec(value);
      if (status) current.responseStatus = Number(status[1]);
      current.response = inlineJson(value);
    } else {
      current.errors = value;
      current.errorsLine = line;
    }
  }
  return endpoints;
}
