import type { z } from 'zod';
import {
  CapabilitiesAnswerSchema,
  DependenciesAnswerSchema,
  describeIssues,
  HealthAnswerSchema,
  MessageAnswerSchema,
  MessageEnvelopeSchema,
  StateAnswerSchema,
} from '../core/udc/schemas.js';
import { formatUdcMarkdown, formatUdcTable, parseServiceUrl, type UdcReport } from '../core/udc/verify.js';

/** The fault verifyUdc would report for `data`, or 'valid'. */
function fault(schema: z.ZodType, data: unknown): string {
  const parsed = schema.safeParse(data);
  return parsed.success ? 'valid' : describeIssues(parsed.error.issues, data);
}

const health = { status: 'active', service: 'hello', version: '1.0.0', timestamp: '2026-01-01T00:00:00Z' };
const capabilities = {
  service: 'hello',
  version: '0.3.1-beta.2+build.7',
  features: ['GET /hello endpoint'],
  dependencies: ['registry'],
  endpoints: [{ method: 'GET', path: '/health' }],
};
const state = {
  uptime_seconds: 12.5,
  requests_total: 3,
  errors_total: 0,
  started_at: '2026-01-01T00:00:00.123456+00:00',
};
const envelope = {
  trace_id: 't-1',
  source: 'a',
  target: 'b',
  message_type: 'ping',
  payload: {},
  timestamp: '2026-01-01T00:00:00Z',
};

describe('UDC answer schemas', () => {
  test('accept the answers DESIGN.md describes, and keep extra fields', () => {
    expect(fault(HealthAnswerSchema, health)).toBe('valid');
    expect(fault(CapabilitiesAnswerSchema, capabilities)).toBe('valid');
    expect(fault(StateAnswerSchema, state)).toBe('valid');
    expect(fault(DependenciesAnswerSchema, { dependencies: [] })).toBe('valid');
    expect(fault(MessageAnswerSchema, { received: true, trace_id: 't-1' })).toBe('valid');
    expect(HealthAnswerSchema.parse({ ...health, uptime: 4 })).toEqual({ ...health, uptime: 4 });
  });

  test('a missing field is named, nested paths included', () => {
    const { timestamp: _, ...noTimestamp } = health;
    expect(fault(HealthAnswerSchema, noTimestamp)).toBe("missing field 'timestamp'");
    expect(
      fault(CapabilitiesAnswerSchema, { ...capabilities, endpoints: [{ method: 'GET' }, { path: '/x' }] }),
    ).toBe("missing field 'endpoints[0].path'; missing field 'endpoints[1].method'");
  });

  test('wrong values say what they are and what was expected', () => {
    expect(fault(HealthAnswerSchema, { ...health, status: 'starting' })).toBe(
      "status is 'starting', expected 'active'",
    );
    expect(fault(HealthAnswerSchema, { ...health, version: '1.0' })).toBe(
      "version is '1.0': must be a semantic version such as 1.0.0",
    );
    expect(fault(StateAnswerSchema, { ...state, requests_total: 1.5 })).toBe(
      'requests_total is a number (1.5), expected an integer',
    );
    expect(fault(StateAnswerSchema, { ...state, errors_total: -1 })).toBe(
      'errors_total is -1: must be at least 0',
    );
    expect(fault(StateAnswerSchema, { ...state, uptime_seconds: '12' })).toBe(
      "uptime_seconds is a string ('12'), expected a number",
    );
    expect(fault(DependenciesAnswerSchema, { dependencies: [{ name: 'registry', status: 'down' }] })).toBe(
      "dependencies[0].status is 'down', expected one of 'available', 'unavailable', 'unknown'",
    );
    expect(fault(MessageAnswerSchema, { received: false, trace_id: 't' })).toBe(
      'received is false, expected true',
    );
    expect(fault(HealthAnswerSchema, [])).toBe('answer is an array ([]), expected a JSON object');
  });

  test('timestamps are ISO-8601: Z, an offset, microseconds or a naive local time; nothing else', () => {
    for (const ok of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.123456+02:00', '2026-01-01T00:00:00.5']) {
      expect(fault(HealthAnswerSchema, { ...health, timestamp: ok })).toBe('valid');
    }
    for (const bad of ['2026-01-01 00:00:00Z', 'yesterday', '2026-13-01T00:00:00Z']) {
      expect(fault(HealthAnswerSchema, { ...health, timestamp: bad })).toBe(
        `timestamp is '${bad}': must be an ISO-8601 date-time`,
      );
    }
  });

  test('more than three issues are summarised', () => {
    expect(fault(StateAnswerSchema, {})).toBe(
      "missing field 'uptime_seconds'; missing field 'requests_total'; missing field 'errors_total'; and 1 more",
    );
  });

  test('the message envelope needs every field, an object payload and an ISO timestamp', () => {
    expect(fault(MessageEnvelopeSchema, envelope)).toBe('valid');
    expect(fault(MessageEnvelopeSchema, { ...envelope, payload: 'hi' })).toBe(
      "payload is a string ('hi'), expected a JSON object",
    );
    expect(fault(MessageEnvelopeSchema, { ...envelope, trace_id: '' })).toBe(
      "trace_id is '': must not be empty",
    );
    const { source: _, ...noSource } = envelope;
    expect(fault(MessageEnvelopeSchema, noSource)).toBe("missing field 'source'");
  });
});

describe('UDC report formatting', () => {
  const report: UdcReport = {
    url: 'http://127.0.0.1:8000',
    ok: false,
    rows: [
      {
        endpoint: 'GET /health',
        check: 'health answer',
        status: 200,
        schemaOk: true,
        latencyMs: 3.21,
        ok: true,
      },
      {
        endpoint: 'GET /state',
        check: 'state answer',
        status: null,
        schemaOk: false,
        latencyMs: 2000.4,
        ok: false,
        fault: 'timed out after 2000 ms',
      },
      {
        endpoint: 'POST /message',
        check: 'valid envelope',
        status: 200,
        schemaOk: true,
        latencyMs: 1,
        ok: true,
      },
      {
        endpoint: 'POST /message',
        check: 'malformed envelope',
        status: 500,
        schemaOk: false,
        latencyMs: 1,
        ok: false,
        fault: 'answered 500 to a malformed envelope | expected 4xx',
      },
    ],
  };

  test('the text table has one aligned line per row and a summary', () => {
    expect(formatUdcTable(report).split('\n')).toEqual([
      'endpoint                            status  schema  latency  result',
      'GET /health                         200     ok       3.2 ms  ok',
      'GET /state                          -       -       2000 ms  FAIL timed out after 2000 ms',
      'POST /message (valid envelope)      200     ok       1.0 ms  ok',
      'POST /message (malformed envelope)  500     fail     1.0 ms  FAIL answered 500 to a malformed envelope | expected 4xx',
      'UDC failed: 2 of 4 checks failed at http://127.0.0.1:8000',
      '',
    ]);
  });

  test('the markdown table escapes pipes in faults', () => {
    const markdown = formatUdcMarkdown(report);
    expect(markdown).toContain(
      '| `POST /message (malformed envelope)` | 500 | fail | 1.0 ms | **FAIL** answered 500 to a malformed envelope \\| expected 4xx |',
    );
    expect(markdown.split('\n')).toHaveLength(report.rows.length + 3);
  });
});

describe('parseServiceUrl', () => {
  test('keeps a path prefix and adds the trailing slash', () => {
    expect(parseServiceUrl('http://127.0.0.1:8000/svc').href).toBe('http://127.0.0.1:8000/svc/');
    expect(parseServiceUrl('https://example.test').href).toBe('https://example.test/');
  });

  test('refuses what is not an http base URL, saying why', () => {
    expect(() => parseServiceUrl('not a url')).toThrow(
      "'not a url' is not a URL; expected e.g. http://127.0.0.1:8000",
    );
    expect(() => parseServiceUrl('localhost:8000')).toThrow("'localhost:8000' is not an http or https URL");
    expect(() => parseServiceUrl('ftp://host/')).toThrow("'ftp://host/' is not an http or https URL");
    expect(() => parseServiceUrl('http://host/?a=1')).toThrow('has a query or fragment');
  });
});
