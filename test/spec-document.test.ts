import { endpointKey, readSpec } from '../core/spec/document/index.js';

const spec = (api: string, more = '') => `# demo\n\n## API\n\n${api}\n\n${more}`;
const fields = (markdown: string) =>
  readSpec(markdown).endpoints.map((e) => ({
    key: endpointKey(e),
    layout: e.layout,
    feature: e.feature,
    request: e.request,
    requestText: e.requestText,
    status: e.responseStatus,
    response: e.response,
    errors: e.errors,
  }));

describe('readSpec: endpoints in any layout', () => {
  test('### METHOD /path headings with bold labels, a feature note, a fenced JSON example', () => {
    const markdown = spec(
      [
        '### POST /orders (feature: Create orders)',
        '- **Request:**',
        '```json',
        '{"sku": "a-1",',
        ' "quantity": 2}',
        '```',
        '- **Response:** 201 `{"order_id": "o-1"}`',
        '- **Errors:** 422 bad quantity',
        '',
        '#### `GET /orders/{id}`',
        '- Feature: Look up orders',
        '- Request: none',
        '- Returns: `{"order_id": "o-1"}` with 200',
        '- Fails: 404 unknown order',
      ].join('\n'),
    );
    expect(fields(markdown)).toEqual([
      {
        key: 'POST /orders',
        layout: 'heading',
        feature: 'Create orders',
        request: { sku: 'a-1', quantity: 2 },
        requestText: '',
        status: 201,
        response: { order_id: 'o-1' },
        errors: '422 bad quantity',
      },
      {
        key: 'GET /orders/{id}',
        layout: 'heading',
        feature: 'Look up orders',
        request: undefined,
        requestText: 'none',
        status: 200,
        response: { order_id: 'o-1' },
        errors: '404 unknown order',
      },
    ]);
  });

  test('tables: columns in any order, header synonyms, a status column, `GET /x` in one cell', () => {
    const markdown = spec(
      [
        '| Returns | Errors | Route | Serves | Body | Status |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `{"id": "x"}` | 404 unknown | `GET /things/{id}` | Things | — | 200 |',
        '| `{"id": "y"}` | 422 invalid; 409 taken | **POST /things** | Things | `{"name": "y"}` | 201 |',
        '',
        'Second table, method and path apart:',
        '',
        '| path | METHOD | request body | response | error codes |',
        '|:--|:--:|--|--|--|',
        '| /health | get | none | 200 `{"status": "active"}` | 503 starting |',
      ].join('\n'),
    );
    expect(fields(markdown)).toEqual([
      {
        key: 'GET /things/{id}',
        layout: 'table',
        feature: 'Things',
        request: undefined,
        requestText: '—',
        status: 200,
        response: { id: 'x' },
        errors: '404 unknown',
      },
      {
        key: 'POST /things',
        layout: 'table',
        feature: 'Things',
        request: { name: 'y' },
        requestText: '`{"name": "y"}`',
        status: 201,
        response: { id: 'y' },
        errors: '422 invalid; 409 taken',
      },
      {
        key: 'GET /health',
        layout: 'table',
        feature: undefined,
        request: undefined,
        requestText: 'none',
        status: 200,
        response: { status: 'active' },
        errors: '503 starting',
      },
    ]);
  });

  test('a table cell may hold a pipe inside inline code', () => {
    const markdown = spec(
      '| endpoint | response | errors |\n| --- | --- | --- |\n| `GET /a` | 200 `{"expr": "a|b"}` | 500 x |',
    );
    expect(fields(markdown)[0]).toMatchObject({ key: 'GET /a', response: { expr: 'a|b' }, errors: '500 x' });
  });

  test('bullets: nested fields, inline fields, bold or code method and path', () => {
    const markdown = spec(
      [
        '- **`POST /v1/check`** (feature: On-demand checks)',
        '  - Request: `{"url": "http://a"}`',
        '  - Response: 200 `{"ok": true}`',
        '  - Errors: 422 bad URL',
        '- `GET /v1/probes` — Feature: Scheduled probes. Request: none. Response: 200 `{"probes": []}`. Errors: 503 not ready.',
        '- **DELETE /v1/probes/{id}**: removes a probe; errors: 404 unknown probe; response: 204',
        '- Not an endpoint, and its labels are not fields.',
        '  - Request: `{"ignored": true}`',
      ].join('\n'),
    );
    expect(fields(markdown)).toEqual([
      {
        key: 'POST /v1/check',
        layout: 'bullet',
        feature: 'On-demand checks',
        request: { url: 'http://a' },
        requestText: '`{"url": "http://a"}`',
        status: 200,
        response: { ok: true },
        errors: '422 bad URL',
      },
      {
        key: 'GET /v1/probes',
        layout: 'bullet',
        feature: 'Scheduled probes',
        request: undefined,
        requestText: 'none',
        status: 200,
        response: { probes: [] },
        errors: '503 not ready',
      },
      {
        key: 'DELETE /v1/probes/{id}',
        layout: 'bullet',
        feature: undefined,
        request: undefined,
        requestText: undefined,
        status: 204,
        response: undefined,
        errors: '404 unknown probe',
      },
    ]);
    expect(readSpec(markdown).endpoints[2]!.description).toBe('removes a probe');
  });

  test('a label/value table under a heading fills that endpoint', () => {
    const markdown = spec(
      '### PUT /x\n\n| Field | Value |\n| --- | --- |\n| Feature | X things |\n| Request | `{"a": 1}` |\n| Response | 200 `{"a": 1}` |\n| Errors | 404 no x |',
    );
    expect(fields(markdown)).toEqual([
      {
        key: 'PUT /x',
        layout: 'heading',
        feature: 'X things',
        request: { a: 1 },
        requestText: '`{"a": 1}`',
        status: 200,
        response: { a: 1 },
        errors: '404 no x',
      },
    ]);
  });

  test('headings and tables inside fenced code are examples, and other sections are not the API', () => {
    const markdown = `# d\n\n## Purpose & Scope\n\n### GET /outside\n\n## API\n\n\`\`\`\n### GET /example\n| GET | /example |\n\`\`\`\n\n### GET /real\n- Request: none\n`;
    expect(readSpec(markdown).endpoints.map(endpointKey)).toEqual(['GET /real']);
  });

  test('line numbers point at the endpoint and at each field', () => {
    const markdown = spec('| method | path | errors |\n| --- | --- | --- |\n| GET | /a | 404 x |');
    const [endpoint] = readSpec(markdown).endpoints;
    expect(endpoint).toMatchObject({ line: 7, errorsLine: 7, endLine: 7 });
  });
});

describe('readSpec: sections, models, variables, requirements', () => {
  const markdown = [
    '# svc',
    '',
    '## Overview',
    'What it is for.',
    '',
    '## Requirements',
    '### Functional',
    '1. Create orders: a caller posts',
    '   an order.',
    '- List orders.',
    '### Non-functional',
    '| quality | target |',
    '| --- | --- |',
    '| Latency | p95 under 100 ms |',
    '',
    '## Interface',
    '### GET /orders',
    '',
    '## Schemas',
    '- **Order**: `id: str, total: int`',
    '- `Line`',
    '  - `sku` (str): the item',
    '  - `quantity` (int)',
    '',
    '### Customer',
    '| field | type |',
    '| --- | --- |',
    '| `name` | str |',
    '',
    '| Model | Fields |',
    '| --- | --- |',
    '| Refund | `{"refund_id": "r", "amount": 1}` |',
    '',
    '```python',
    'class Invoice(BaseModel):',
    '    invoice_id: str',
    '    lines: list[Line]',
    '```',
    '',
    '## Environment',
    '| Variable | Default |',
    '| --- | --- |',
    '| `PORT` | 8080 |',
    '- `REGISTRY_URL` (default unset): where to register',
    '```',
    'LOG_LEVEL=info',
    '```',
  ].join('\n');
  const model = readSpec(markdown);

  test('section synonyms are read as their sections, and marked', () => {
    expect(model.sections.map((s) => [s.title, s.section.title, s.synonym])).toEqual([
      ['Purpose & Scope', 'Overview', true],
      ['Requirements', 'Requirements', false],
      ['API', 'Interface', true],
      ['Data Models', 'Schemas', true],
      ['Configuration', 'Environment', true],
    ]);
    expect(model.section('API')?.line).toBe(16);
    expect(model.section('Testing')).toBeUndefined();
  });

  test('models from bullets (inline and nested), field tables, model tables and code blocks', () => {
    expect(model.models.map((m) => [m.name, m.source, m.fields])).toEqual([
      ['Order', 'bullet', ['id', 'total']],
      ['Line', 'bullet', ['sku', 'quantity']],
      ['Customer', 'heading', ['name']],
      ['Refund', 'table', ['refund_id', 'amount']],
      ['Invoice', 'code', ['invoice_id', 'lines']],
    ]);
  });

  test('variables from tables, bullets and code, with their defaults', () => {
    expect(model.variables.map((v) => [v.name, v.default])).toEqual([
      ['PORT', '8080'],
      ['REGISTRY_URL', 'unset'],
      ['LOG_LEVEL', 'info'],
    ]);
  });

  test('requirements: functional items with their continuation lines, non-functional rows', () => {
    expect(model.requirements.functional).toEqual([
      { line: 8, text: '1. Create orders: a caller posts an order.' },
      { line: 10, text: '- List orders.' },
    ]);
    expect(model.requirements.nonFunctional.map((i) => i.text)).toEqual([
      '| quality | target |',
      '| Latency | p95 under 100 ms |',
    ]);
  });

  test('the same markdown gives the same model', () => {
    expect(JSON.stringify(readSpec(markdown))).toBe(JSON.stringify(model));
  });
});
