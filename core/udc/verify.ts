import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { z } from 'zod';
import { BodyTooLargeError, readBoundedBody } from '../http-body.js';
import { PLAIN_STYLE, type Style } from '../style.js';
import {
  CapabilitiesAnswerSchema,
  DependenciesAnswerSchema,
  describeIssues,
  HealthAnswerSchema,
  MessageAnswerSchema,
  type MessageEnvelope,
  StateAnswerSchema,
  showValue,
} from './schemas.js';

export interface UdcRow {
  /** `GET /health`, `POST /message` … */
  endpoint: string;
  /** What this row checks, e.g. `valid envelope`. */
  check: string;
  /** HTTP status of the answer; null when there was none. */
  status: number | null;
  /** The answer matched its contract (schema, or 4xx for a malformed envelope). */
  schemaOk: boolean;
  latencyMs: number;
  ok: boolean;
  /** What is wrong, precisely; absent when the row passes. */
  fault?: string;
}

export interface UdcReport {
  url: string;
  ok: boolean;
  rows: UdcRow[];
}

export interface VerifyUdcOptions {
  /** Per request; default 2000. */
  timeoutMs?: number;
  /** The service name /health and /capabilities must report. */
  expectedService?: string;
}

export const DEFAULT_UDC_TIMEOUT_MS = 2000;

/** The outcome of one HTTP exchange: an answer with its parsed body, or why there was none. */
type Exchange =
  | { kind: 'answer'; status: number; body: unknown; json: boolean; text: string; latencyMs: number }
  | { kind: 'none'; fault: string; latencyMs: number; status?: number };

function networkFault(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  switch (err.cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed without an answer';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (err.cause?.message === 'bad port') return 'fetch refuses this port (a blocked port)';
      return `request failed: ${err.cause?.message ?? err.message ?? String(error)}`;
  }
}

async function exchange(url: URL, init: RequestInit, timeoutMs: number): Promise<Exchange> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    let text: string;
    try {
      // The abort signal bounds the body's time too; this bounds its size.
      text = await readBoundedBody(response.body);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      return { kind: 'none', fault: error.message, latencyMs: elapsed(), status: response.status };
    }
    const latencyMs = elapsed();
    try {
      return { kind: 'answer', status: response.status, body: JSON.parse(text), json: true, text, latencyMs };
    } catch {
      return { kind: 'answer', status: response.status, body: undefined, json: false, text, latencyMs };
    }
  } catch (error) {
    return { kind: 'none', fault: networkFault(error, timeoutMs), latencyMs: elapsed() };
  }
}

function statusFault(status: number): string {
  const reason = STATUS_CODES[status] ?? 'Unknown Status';
  if (status === 404) return '404 Not Found: endpoint missing';
  if (status === 405) return '405 Method Not Allowed: endpoint missing for this method';
  return `${status} ${reason}`;
}

function notJson(text: string): string {
  const start = text.trim().slice(0, 40);
  return start === '' ? 'not JSON: empty body' : `not JSON: ${showValue(start)}`;
}

interface Judged<T> {
  row: UdcRow;
  data?: T;
}

/** A 2xx JSON answer that matches `schema`, or the first thing wrong with it. */
function judgeAnswer<T>(endpoint: string, check: string, result: Exchange, schema: z.ZodType<T>): Judged<T> {
  const base = { endpoint, check, latencyMs: result.latencyMs };
  if (result.kind === 'none') {
    return {
      row: { ...base, status: result.status ?? null, schemaOk: false, ok: false, fault: result.fault },
    };
  }
  const fail = (fault: string): Judged<T> => ({
    row: { ...base, status: result.status, schemaOk: false, ok: false, fault },
  });
  if (result.status < 200 || result.status > 299) return fail(statusFault(result.status));
  if (!result.json) return fail(notJson(result.text));
  const parsed = schema.safeParse(result.body);
  if (!parsed.success) return fail(describeIssues(parsed.error.issues, result.body));
  return { row: { ...base, status: result.status, schemaOk: true, ok: true }, data: parsed.data };
}

/** Marks a row whose answer matched its schema as failed by a cross-check. */
function failCrossCheck(row: UdcRow, fault: string): void {
  row.ok = false;
  row.fault = row.fault ? `${row.fault}; ${fault}` : fault;
}

function judgeMalformed(result: Exchange): UdcRow {
  const base = { endpoint: 'POST /message', check: 'malformed envelope', latencyMs: result.latencyMs };
  if (result.kind === 'none')
    return { ...base, status: result.status ?? null, schemaOk: false, ok: false, fault: result.fault };
  const { status } = result;
  if (status >= 400 && status <= 499) return { ...base, status, schemaOk: true, ok: true };
  const fault =
    status >= 200 && status <= 299
      ? `accepted a malformed envelope (${status}), expected 4xx`
      : `answered ${status} to a malformed envelope, expected 4xx`;
  return { ...base, status, schemaOk: false, ok: false, fault };
}

/** The envelope a service must reject: wrong types and missing fields. */
const MALFORMED_ENVELOPE = { trace_id: 42, source: '', payload: 'not an object' };

export class InvalidServiceUrlError extends Error {}

/** The base URL of a service: http or https, with a host; a path prefix is kept. */
export function parseServiceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidServiceUrlError(`'${text}' is not a URL; expected e.g. http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidServiceUrlError(`'${text}' is not an http or https URL`);
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials would be echoed in every row of the report; a UDC endpoint needs none.
    throw new InvalidServiceUrlError(`the URL carries a user name or password; pass it without them`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidServiceUrlError(`'${text}' has a query or fragment; pass the service's base URL`);
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

function joinUrl(base: URL, path: string): URL {
  return new URL(path.replace(/^\//, ''), base);
}

/**
 * Calls the five UDC endpoints of the service at `baseUrl` and checks every answer against its contract.
 * Never throws for a misbehaving service: every fault lands in a row; an invalid `baseUrl` throws
 * InvalidServiceUrlError. /health is asked first, since its service name addresses the message and is
 * compared with /capabilities; the other requests run at once, so a dead service costs two timeouts.
 */
export async function verifyUdc(baseUrl: string, options: VerifyUdcOptions = {}): Promise<UdcReport> {
  const base = parseServiceUrl(baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_UDC_TIMEOUT_MS;
  const get = (path: string) => exchange(joinUrl(base, path), { method: 'GET' }, timeoutMs);
  const post = (body: unknown) =>
    exchange(
      joinUrl(base, '/message'),
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      },
      timeoutMs,
    );

  const health = judgeAnswer('GET /health', 'health answer', await get('/health'), HealthAnswerSchema);
  const service = health.data?.service;
  const envelope: MessageEnvelope = {
    trace_id: randomUUID(),
    source: 'assembly-line-udc',
    target: options.expectedService ?? service ?? 'unknown',
    message_type: 'udc.verify',
    payload: { check: 'udc' },
    timestamp: new Date().toISOString(),
  };
  const [capabilitiesResult, stateResult, dependenciesResult, messageResult, malformedResult] =
    await Promise.all([
      get('/capabilities'),
      get('/state'),
      get('/dependencies'),
      post(envelope),
      post(MALFORMED_ENVELOPE),
    ]);

  const capabilities = judgeAnswer(
    'GET /capabilities',
    'capabilities answer',
    capabilitiesResult,
    CapabilitiesAnswerSchema,
  );
  const state = judgeAnswer('GET /state', 'state answer', stateResult, StateAnswerSchema);
  const dependencies = judgeAnswer(
    'GET /dependencies',
    'dependencies answer',
    dependenciesResult,
    DependenciesAnswerSchema,
  );
  const message = judgeAnswer('POST /message', 'valid envelope', messageResult, MessageAnswerSchema);

  if (options.expectedService !== undefined) {
    for (const judged of [health, capabilities]) {
      const reported = judged.data?.service;
      if (reported !== undefined && reported !== options.expectedService) {
        failCrossCheck(
          judged.row,
          `service is ${showValue(reported)}, expected ${showValue(options.expectedService)}`,
        );
      }
    }
  }
  const capabilitiesService = capabilities.data?.service;
  if (service !== undefined && capabilitiesService !== undefined && capabilitiesService !== service) {
    failCrossCheck(
      capabilities.row,
      `service is ${showValue(capabilitiesService)}, but /health says ${showValue(service)}`,
    );
  }
  const echoed = message.data?.trace_id;
  if (echoed !== undefined && echoed !== envelope.trace_id) {
    failCrossCheck(
      message.row,
      `trace_id is ${showValue(echoed)}, expected the one sent (${envelope.trace_id})`,
    );
  }

  const rows = [
    health.row,
    capabilities.row,
    state.row,
    dependencies.row,
    message.row,
    judgeMalformed(malformedResult),
  ];
  return { url: baseUrl, ok: rows.every((row) => row.ok), rows };
}

function endpointLabel(row: UdcRow, rows: readonly UdcRow[]): string {
  const shared = rows.filter((r) => r.endpoint === row.endpoint).length > 1;
  return shared ? `${row.endpoint} (${row.check})` : row.endpoint;
}

function formatLatency(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

/** A plain text table, one line per row, then a summary line; colour only through `style`. */
export function formatUdcTable(report: UdcReport, style: Style = PLAIN_STYLE): string {
  const cells = report.rows.map((row) => ({
    endpoint: endpointLabel(row, report.rows),
    status: row.status === null ? '-' : String(row.status),
    schema: row.status === null ? '-' : row.schemaOk ? 'ok' : 'fail',
    latency: formatLatency(row.latencyMs),
    ok: row.ok,
    fault: row.fault,
  }));
  const header = { endpoint: 'endpoint', status: 'status', schema: 'schema', latency: 'latency' };
  const width = (key: keyof typeof header) =>
    Math.max(header[key].length, ...cells.map((cell) => cell[key].length));
  const widths = {
    endpoint: width('endpoint'),
    status: width('status'),
    schema: width('schema'),
    latency: width('latency'),
  };
  const line = (endpoint: string, status: string, schema: string, latency: string, result: string) =>
    [
      endpoint.padEnd(widths.endpoint),
      status.padEnd(widths.status),
      schema.padEnd(widths.schema),
      latency.padStart(widths.latency),
      result,
    ].join('  ');
  const lines = [style.bold(line('endpoint', 'status', 'schema', 'latency', 'result'))];
  for (const cell of cells) {
    const result = cell.ok ? style.green('ok') : `${style.red('FAIL')} ${cell.fault ?? ''}`.trimEnd();
    lines.push(line(cell.endpoint, cell.status, cell.schema, cell.latency, result));
  }
  const failed = report.rows.filter((row) => !row.ok).length;
  const total = report.rows.length;
  lines.push(
    failed === 0
      ? style.green(`UDC ok: ${total} of ${total} checks passed at ${report.url}`)
      : style.red(`UDC failed: ${failed} of ${total} checks failed at ${report.url}`),
  );
  return `${lines.join('\n')}\n`;
}

/** The same table in GitHub-flavoured Markdown, for a job summary or a PR comment. */
export function formatUdcMarkdown(report: UdcReport): string {
  const markdownText = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| endpoint | status | schema | latency | result |', '| --- | --- | --- | --- | --- |'];
  for (const row of report.rows) {
    const status = row.status === null ? '-' : String(row.status);
    const schema = row.status === null ? '-' : row.schemaOk ? 'ok' : 'fail';
    const result = row.ok ? 'ok' : `**FAIL** ${markdownText(row.fault ?? '')}`.trimEnd();
    lines.push(
      `| \`${markdownText(endpointLabel(row, report.rows))}\` | ${status} | ${schema} | ${formatLatency(row.latencyMs)} | ${result} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
