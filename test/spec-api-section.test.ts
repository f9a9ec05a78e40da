import {
  endpointKey,
  inlineJson,
  isApiFieldLine,
  isValidApiPath,
  parseApiEndpoints,
} from '../core/spec/api-section.js';

const SPEC = [
  '# demo', //                                                                 1
  '',
  '## API', //                                                                 3
  '',
  'All bodies are JSON.',
  '',
  '### GET /hello', //                                                         7
  '- Feature: GET /hello endpoint',
  '- Request: none',
  '- Response: 200 `{"message": "Hello, world", "served_at": "2026-01-01T00:00:00Z"}`',
  '- Errors: 422 invalid query parameters; 503 registry unavailable',
  '',
  '### `POST /orders/{id}`', //                                               13
  '* **Feature:** Orders',
  '* **Request:** `{"amount": 5, "tags": ["a"], "gift": false}`',
  '* **Response:** 201 `{"id": "o1", "total": 5.5}`',
  '* **Errors:** 404 no such order',
  '',
  '### DELETE /broken', //                                                    19
  '- Request: `{not json}`',
  '- Response: created',
  '',
  '```', //                                                                   23
  '### GET /inside-a-fence',
  '```',
  '',
  '## Data Models', //                                                        27
  '',
  '### GET /not-in-api',
  '- Feature: ignored',
].join('\n');

describe('parseApiEndpoints', () => {
  const endpoints = parseApiEndpoints(SPEC);

  test('reads each endpoint of the API section with its lines, and nothing outside it', () => {
    expect(endpoints.map(endpointKey)).toEqual(['GET /hello', 'POST /orders/{id}', 'DELETE /broken']);
    expect(endpoints.map((e) => [e.line, e.endLine])).toEqual([
      [7, 12],
      [13, 18],
      [19, 26],
    ]);
  });

  test('reads feature, request, response with status and JSON, and errors, with their lines', () => {
    const [hello, orders] = endpoints;
    expect(hello).toMatchObject({
      feature: 'GET /hello endpoint',
      featureLine: 8,
      requestText: 'none',
      requestLine: 9,
      responseStatus: 200,
      response: { message: 'Hello, world', served_at: '2026-01-01T00:00:00Z' },
      responseLine: 10,
      errors: '422 invalid query parameters; 503 registry unavailable',
      errorsLine: 11,
    });
    expect(hello!.request).toBeUndefined();
    expect(orders).toMatchObject({
      feature: 'Orders',
      request: { amount: 5, tags: ['a'], gift: false },
      responseStatus: 201,
      response: { id: 'o1', total: 5.5 },
      errors: '404 no such order',
    });
  });

  test('keeps what it cannot parse as text, without a value', () => {
    const broken = endpoints[2]!;
    expect(broken.requestText).toBe('`{not json}`');
    expect(broken.request).toBeUndefined();
    expect(broken.responseStatus).toBeUndefined();
    expect(broken.errors).toBeUndefined();
  });

  test('a document without an API section has no endpoints', () => {
    expect(parseApiEndpoints('# x\n\n## Purpose & Scope\n\n### GET /a\n- Feature: a')).toEqual([]);
  });
});

describe('API format helpers', () => {
  test('valid paths are lowercase segments and {param}s', () => {
    for (const path of ['/hello', '/orders/{id}', '/a_b/c-d/{order_id}/x1'])
      expect(isValidApiPath(path)).toBe(true);
    for (const path of ['/', '/Hello', '/a//b', '/a/', 'hello', '/a b', '/{Id}', '/{}', '/ü'])
      expect(isValidApiPath(path)).toBe(false);
  });

  test('field lines are recognised in plain and bold form, other bullets are not', () => {
    expect(isApiFieldLine('- Errors: 422 bad')).toBe(true);
    expect(isApiFieldLine('* **Response:** 200 `{}`')).toBe(true);
    expect(isApiFieldLine('- Latency: p95 under 200 ms')).toBe(false);
  });

  test('inlineJson reads the first code span only when it is JSON', () => {
    expect(inlineJson('200 `{"a": [1, 2]}` and `{"b": 1}`')).toEqual({ a: [1, 2] });
    expect(inlineJson('200 `not json`')).toBeUndefined();
    expect(inlineJson('no code')).toBeUndefined();
  });
});
