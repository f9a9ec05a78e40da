import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { handWrittenSpecs, variedIntents } from '../bench/spec-corpus.js';
import { IntentSchema } from '../core/intent/schema.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { improveSpecPrompt, writeCodeParts } from '../core/llm/prompts.js';
import {
  completeSpec,
  improvableSpec,
  modelWrittenSpec,
  PIPELINE_SECTIONS,
} from '../core/llm/spec-completion.js';
import { endpointKey, readSpec } from '../core/spec/document/index.js';
import { SPEC_SECTIONS, UDC_ENDPOINTS } from '../core/spec/sections.js';
import { verifySpec } from '../core/spec/verifier/index.js';
import { exampleIntent, SIX_FEATURES } from './helpers/intents.js';
import { TILL_INTENT, TILL_SPEC } from './helpers/models-spec.js';

/**
 * The model writes only what is unique to a service (title, Purpose & Scope, the functional
 * Requirements, the feature endpoints); completeSpec adds what the intent determines (the
 * Non-functional requirements of its priority among it), and the Data Models, Error Handling and
 * Success Criteria that restate the feature endpoints' examples, errors and statuses. The completed
 * SPEC must pass the same gate as one written whole.
 */

const titles = (markdown: string) => readSpec(markdown).sections.map((s) => s.title);

/** The `## title` section of `markdown`, heading included, up to the next `## ` heading. */
function sectionText(markdown: string, title: string): string {
  const match = new RegExp(`^## ${title}\\n[\\s\\S]*?(?=^## |(?![\\s\\S]))`, 'm').exec(markdown);
  expect(match).not.toBeNull();
  return match![0];
}

/** The `### Non-functional` list of a SPEC's Requirements, heading included, up to the next `## `. */
function nonFunctionalText(markdown: string): string {
  const match = /^### Non-functional\n[\s\S]*?(?=^## )/m.exec(markdown);
  expect(match).not.toBeNull();
  return match![0];
}

/**
 * The example bodies a Data Models section states, read back from its tables: for each `### Model
 * (\`METHOD /path\`)` heading, the request and response objects its rows spell out.
 */
function statedBodies(section: string): Map<string, { request?: object; response?: object }> {
  const bodies = new Map<string, { request?: Record<string, unknown>; response?: Record<string, unknown> }>();
  let current: { request?: Record<string, unknown>; response?: Record<string, unknown> } | undefined;
  for (const line of section.split('\n')) {
    const heading = /^### \w+ \(`([A-Z]+ \S+)`\)$/.exec(line);
    if (heading) {
      current = {};
      bodies.set(heading[1]!, current);
    }
    const row = /^\| \w+(Request|Response) \| `(\w+)` \| \w+ \| `(.*)` \|$/.exec(line);
    if (row && current) {
      const kind = row[1] === 'Request' ? 'request' : 'response';
      const body = current[kind] ?? {};
      body[row[2]!] = JSON.parse(row[3]!);
      current[kind] = body;
    }
  }
  return bodies;
}

/** The examples of the feature endpoints, by endpoint. */
function exampleBodies(markdown: string): Map<string, { request?: unknown; response?: unknown }> {
  const udc = new Set(UDC_ENDPOINTS.map(endpointKey));
  return new Map(
    readSpec(markdown)
      .endpoints.filter((e) => !udc.has(endpointKey(e)))
      .map((e) => [
        endpointKey(e),
        { ...(e.request !== undefined ? { request: e.request } : {}), response: e.response },
      ]),
  );
}
const intents = [exampleIntent('hello-world'), SIX_FEATURES, ...variedIntents(40, 4242)];

describe('completeSpec', () => {
  test.each(intents.map((i) => [i.service_name, i] as const))(
    "%s: the model's part alone lacks eight sections and the UDC endpoints; completed, it passes the gate",
    (_name, intent) => {
      const part = modelWrittenSpec(writeSpecOffline(intent));
      expect(titles(part)).toEqual(SPEC_SECTIONS.filter((t) => !PIPELINE_SECTIONS.includes(t)));
      expect(verifySpec(part, intent).passed).toBe(false);

      const completed = completeSpec(intent, part);
      expect(titles(completed)).toEqual([...SPEC_SECTIONS]);
      const keys = readSpec(completed).endpoints.map(endpointKey);
      // The UDC endpoints first, then the model's feature endpoints as written.
      expect(keys.slice(0, 5)).toEqual(UDC_ENDPOINTS.map(endpointKey));
      expect(keys.slice(5)).toEqual(readSpec(part).endpoints.map(endpointKey));
      const verification = verifySpec(completed, intent);
      expect(verification.score).toBeGreaterThanOrEqual(90);
      expect(verification.passed).toBe(true);
    },
  );

  test.each(intents.map((i) => [i.service_name, i] as const))(
    '%s: the Data Models the pipeline adds state the API examples key by key, as the offline writer does',
    (_name, intent) => {
      const whole = writeSpecOffline(intent);
      const part = modelWrittenSpec(whole);
      expect(titles(part)).not.toContain('Data Models');
      const completed = completeSpec(intent, part);
      const models = sectionText(completed, 'Data Models');
      expect(statedBodies(models)).toEqual(exampleBodies(part));
      // The one rendering of these tables: the same section the offline writer writes whole.
      expect(models).toBe(sectionText(whole, 'Data Models'));
    },
  );

  test('the Data Models follow the examples the model wrote, not the ones the offline writer would', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent));
    const post = readSpec(part).endpoints.find((e) => e.method === 'POST' && e.request !== undefined)!;
    const edited = part
      .split('\n')
      .map((line, i) =>
        i === post.requestLine! - 1 ? '- Request: `{"sku": "A-17", "quantity": 3, "gift": false}`' : line,
      )
      .join('\n');
    const models = sectionText(completeSpec(intent, edited), 'Data Models');
    expect(statedBodies(models).get(endpointKey(post))?.request).toEqual({
      sku: 'A-17',
      quantity: 3,
      gift: false,
    });
    expect(models).toContain('| `quantity` | integer | `3` |');
    expect(models).toContain('| `gift` | boolean | `false` |');
    expect(statedBodies(models)).toEqual(exampleBodies(edited));
  });

  test('the Data Models type a number the SPEC wrote as a decimal (10.00, 0.0, 1E3) as a number, as models.py types it float', () => {
    const models = sectionText(completeSpec(TILL_INTENT, TILL_SPEC), 'Data Models');
    expect(models).toContain('| OrdersRequest | `amount` | number |');
    expect(models).toContain('| OrdersRequest | `rate` | number |');
    expect(models).toContain('| OrdersRequest | `big` | number |');
    expect(models).toContain('| OrdersRequest | `qty` | integer |');
    expect(models).toContain('| OrdersResponse | `amount` | number |');
  });

  test('a Data Models section the SPEC has is kept as written, even one that disagrees with the examples', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent));
    const own =
      '## Data Models\n\n- **Order**: `id: str, total_cents: int`\n- **Refund**: `id: str, reason: str`\n';
    const withModels = `${part.trimEnd()}\n\n${own}`;
    const completed = completeSpec(intent, withModels);
    expect(sectionText(completed, 'Data Models')).toBe(`${own}\n`);
    expect(titles(completed)).toEqual([...SPEC_SECTIONS]);
  });

  test.each(intents.map((i) => [i.service_name, i] as const))(
    '%s: completed without model-written Data Models, Error Handling and Success Criteria, the SPEC is the one completed with them, and scores the same',
    (_name, intent) => {
      const whole = writeSpecOffline(intent);
      const part = modelWrittenSpec(whole);
      // Before: the model wrote Data Models, Error Handling, Success Criteria and the whole of Requirements
      // too (the offline writer's, as the stand-in).
      const written = ['Data Models', 'Error Handling', 'Success Criteria'].map((t) => sectionText(whole, t));
      const requirements = sectionText(whole, 'Requirements');
      expect(requirements).toContain('- FR-U1: ');
      const before = completeSpec(
        intent,
        `${part.replace(sectionText(part, 'Requirements'), requirements).trimEnd()}\n\n${written.join('')}`,
      );
      expect(sectionText(before, 'Error Handling')).toBe(sectionText(whole, 'Error Handling'));
      const after = completeSpec(intent, part);
      expect(after).toBe(before);
      const score = verifySpec(after, intent).score;
      expect(score).toBeGreaterThanOrEqual(90);
      expect(score).toBe(verifySpec(before, intent).score);
    },
  );

  test.each(intents.map((i) => [i.service_name, i] as const))(
    "%s: the Non-functional list of the intent's priority is added at the end of Requirements",
    (_name, intent) => {
      const whole = writeSpecOffline(intent);
      const part = modelWrittenSpec(whole);
      expect(readSpec(part).requirements.nonFunctional).toEqual([]);
      const completed = completeSpec(intent, part);
      expect(nonFunctionalText(completed)).toBe(nonFunctionalText(whole));
      expect(readSpec(completed).requirements.nonFunctional.length).toBe(6);
      expect(sectionText(completed, 'Requirements')).toBe(sectionText(whole, 'Requirements'));
    },
  );

  test('a Non-functional list the SPEC has is kept as written, even an empty one under its heading', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent));
    const own =
      '### Non-Functional\n\n- NFR-1: p95 latency of `POST /orders` under 80 ms at 300 requests/s.\n\n';
    const withOwn = completeSpec(intent, part.replace('## API', `${own}## API`));
    expect(sectionText(withOwn, 'Requirements')).toContain(own);
    expect(readSpec(withOwn).requirements.nonFunctional.map((r) => r.text)).toEqual([
      '- NFR-1: p95 latency of `POST /orders` under 80 ms at 300 requests/s.',
    ]);
    const headingOnly = part.replace('## API', '### Performance\n\n## API');
    expect(sectionText(completeSpec(intent, headingOnly), 'Requirements')).toBe(
      sectionText(headingOnly, 'Requirements'),
    );
  });

  test.each(intents.map((i) => [i.service_name, i] as const))(
    "%s: the offline SPEC stripped to the model's part and completed comes back byte for byte",
    (_name, intent) => {
      const whole = writeSpecOffline(intent);
      const part = modelWrittenSpec(whole);
      expect(titles(part)).toEqual(['Purpose & Scope', 'Requirements', 'API']);
      expect(completeSpec(intent, part)).toBe(whole);
    },
  );

  test.each(intents.map((i) => [i.service_name, i] as const))(
    '%s: Error Handling and Success Criteria are added at their places in the contract order, as the offline writer writes them',
    (_name, intent) => {
      const whole = writeSpecOffline(intent);
      const completed = completeSpec(intent, modelWrittenSpec(whole));
      const order = titles(completed);
      expect(order.indexOf('Error Handling')).toBe(order.indexOf('Configuration') + 1);
      expect(order.indexOf('Security')).toBe(order.indexOf('Error Handling') + 1);
      expect(order.at(-1)).toBe('Success Criteria');
      expect(sectionText(completed, 'Error Handling')).toBe(sectionText(whole, 'Error Handling'));
      expect(sectionText(completed, 'Success Criteria')).toBe(sectionText(whole, 'Success Criteria'));
    },
  );

  test('Error Handling and Success Criteria follow the errors and statuses the model wrote', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent));
    const refund = readSpec(part).endpoints.find((e) => e.path === '/refund-payments')!;
    const edited = part
      .split('\n')
      .map((line, i) => {
        if (i === refund.errorsLine! - 1) return '- Errors: 402 card declined; 429 too many refunds in 60 s';
        if (i === refund.responseLine! - 1) return line.replace('- Response: 201 ', '- Response: 202 ');
        return line;
      })
      .join('\n');
    const completed = completeSpec(intent, edited);
    const errors = sectionText(completed, 'Error Handling');
    expect(errors).toContain(
      '- `POST /refund-payments` (Refund payments): 402 card declined; 429 too many refunds in 60 s.\n',
    );
    expect(errors).not.toContain('refund_payments_ref already used');
    const success = sectionText(completed, 'Success Criteria');
    expect(success).toContain(
      '- `POST /refund-payments` (Refund payments) answers 202 with the documented body',
    );
    expect(success).toContain('- `POST /orders` (Create orders) answers 201 with the documented body');
    expect(verifySpec(completed, intent).score).toBeGreaterThanOrEqual(90);
  });

  test('Success Criteria promise no body for a 204 endpoint', () => {
    const spec = TILL_SPEC.replace(
      '- Response: 200 `{"order-id": "o1", "cancelled": true}`',
      '- Response: 204 no content',
    );
    const success = sectionText(completeSpec(TILL_INTENT, spec), 'Success Criteria');
    expect(success).toContain('- `DELETE /orders/{order-id}` (Cancel) answers 204 with no body in 100%');
    expect(success).toContain('- `POST /orders` (Orders) answers 201 with the documented body');
  });

  test('Error Handling and Success Criteria the SPEC has are kept as written, wherever the SPEC put them', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent));
    const errors = '## Error Handling\n\n- Every failure answers `{"detail": "..."}` with a 4xx status.\n';
    const success = '## Success Criteria\n\n- 6 of 6 feature endpoints answer within 150 ms at p95.\n';
    const completed = completeSpec(intent, `${part.trimEnd()}\n\n${errors}\n${success}`);
    expect(titles(completed)).toEqual([...SPEC_SECTIONS]);
    expect(sectionText(completed, 'Error Handling')).toBe(`${errors}\n`);
    expect(sectionText(completed, 'Success Criteria')).toBe(success);
    // A hand-written SPEC with its own versions comes back unchanged (see also the corpus test below).
    expect(completeSpec(intent, completed)).toBe(completed);
  });

  test('an improve call leaves out Error Handling and Success Criteria only while nobody changed them', () => {
    const intent = SIX_FEATURES;
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const unchanged = improvableSpec(intent, completed, []);
    expect(unchanged.leftOut).toEqual(
      expect.arrayContaining(['the Error Handling section', 'the Success Criteria section']),
    );
    expect(titles(unchanged.spec)).not.toContain('Error Handling');

    const edited = completed.replace(
      '- Unknown paths answer 404',
      '- Rate limits: over 50 requests per second per client answer 429.\n- Unknown paths answer 404',
    );
    expect(edited).not.toBe(completed);
    const sent = improvableSpec(intent, edited, []);
    expect(sent.leftOut).not.toContain('the Error Handling section');
    expect(sent.leftOut).toContain('the Success Criteria section');
    expect(titles(sent.spec)).toEqual(['Purpose & Scope', 'Requirements', 'API', 'Error Handling']);
    expect(sent.spec).toContain('- Rate limits: over 50 requests per second per client answer 429.');
    // The model's answer, completed, is the edited SPEC whole: the person's edit kept, the rest added back.
    expect(completeSpec(intent, sent.spec)).toBe(edited);
  });

  test.each(intents.map((i) => [i.service_name, i] as const))(
    "%s: each feature endpoint's failure requirement, FR-U1 and FR-U2 are added after the model's functional requirements",
    (_name, intent) => {
      const whole = writeSpecOffline(intent);
      const part = modelWrittenSpec(whole);
      const ids = (markdown: string) =>
        readSpec(markdown).requirements.functional.map((r) => /^- (FR-[\dU.]+)/.exec(r.text)?.[1]);
      const count = readSpec(part).endpoints.length;
      const own = Array.from({ length: count }, (_, i) => `FR-${i + 1}`);
      expect(ids(part)).toEqual(own);
      expect(ids(completeSpec(intent, part))).toEqual([
        ...own,
        ...own.map((id) => `${id}.1`),
        'FR-U1',
        'FR-U2',
      ]);
    },
  );

  test('a failure requirement is numbered under the functional requirement that names its endpoint', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent))
      .replace('- FR-1 (Create orders): `POST /orders`', '- FR-7 (Create orders): `POST /orders`')
      .replace(
        '- FR-4 (Refund payments): `POST /refund-payments`',
        '- FR-4 (Refund payments): `POST /refund-payments` and `GET /export-orders-as-csv`',
      );
    const functional = readSpec(completeSpec(intent, part)).requirements.functional.map((r) => r.text);
    const failure = (path: string) => functional.find((t) => t.includes(`when a call to \`${path}\` fails`));
    expect(failure('/orders')).toMatch(/^- FR-7\.1: /);
    expect(failure('/refund-payments')).toMatch(/^- FR-4\.1: /);
    expect(failure('/export-orders-as-csv')).toMatch(/^- FR-4\.2: /);
    expect(failure('/order/{id}')).toMatch(/^- FR-3\.1: .* answers 422 /);
  });

  /** A hand-written SPEC's first three sections: one requirement, two endpoints for its feature. */
  const PONG = [
    '# hello-world — SPEC',
    '',
    '## Purpose & Scope',
    '',
    'hello-world answers pings.',
    '',
    '## Requirements',
    '',
    '- FR-1 (Pong): hello-world answers pings and clears them.',
    '',
    '## API',
    '',
    '### GET /pong',
    '- Feature: Pong',
    '- Request: none',
    '- Response: 200 `{"pong": true}`',
    '- Errors: none',
    '',
    '### DELETE /pong',
    '- Feature: Pong',
    '- Request: none',
    '- Response: 200 `{"cleared": true}`',
    '- Errors: HTTP 404 when missing',
    '',
  ].join('\n');
  const failureLines = (markdown: string) =>
    readSpec(markdown)
      .requirements.functional.map((r) => r.text)
      .filter((t) => /^- FR-\d+\.\d+: /.test(t));

  test('a failure requirement names a requirement the SPEC has, and the status its Errors line states', () => {
    const intent = exampleIntent('hello-world');
    const completed = completeSpec(intent, PONG);
    expect(failureLines(completed)).toEqual([
      '- FR-1.1: when a call to `/pong` fails, hello-world answers 422 with a JSON `detail` that names the reason, and counts it in `errors_total`.',
      '- FR-1.2: when a call to `/pong` fails, hello-world answers 404 with a JSON `detail` that names the reason, and counts it in `errors_total`.',
    ]);
    const errorHandling = sectionText(completed, 'Error Handling');
    expect(errorHandling).not.toContain('`GET /pong`');
    expect(errorHandling).toContain('- `DELETE /pong` (Pong): HTTP 404 when missing.');
    expect(completeSpec(intent, improvableSpec(intent, completed, []).spec)).toBe(completed);
  });

  test('failure requirements take ids the Functional list has not given, and none is added where it states one', () => {
    const intent = exampleIntent('hello-world');
    const own = PONG.replace(
      '- FR-1 (Pong): hello-world answers pings and clears them.\n',
      '- FR-1 (Pong): hello-world answers pings and clears them.\n- FR-1.1: a ping is answered within 5 ms.\n',
    );
    const completed = completeSpec(intent, own);
    const ids = failureLines(completed).map((t) => /FR-\d+\.\d+/.exec(t)![0]);
    expect(ids).toEqual(['FR-1.1', 'FR-1.2', 'FR-1.3']);
    expect(completeSpec(intent, improvableSpec(intent, completed, []).spec)).toBe(completed);

    const stated = PONG.replace(
      '- FR-1 (Pong): hello-world answers pings and clears them.\n',
      '- FR-1 (Pong): hello-world answers pings and clears them.\n- FR-1.4: `DELETE /pong` answers 404 when there is no ping.\n',
    );
    const withStated = completeSpec(intent, stated);
    expect(failureLines(withStated)).toEqual([
      '- FR-1.4: `DELETE /pong` answers 404 when there is no ping.',
      '- FR-1.5: when a call to `/pong` fails, hello-world answers 422 with a JSON `detail` that names the reason, and counts it in `errors_total`.',
    ]);
    expect(completeSpec(intent, improvableSpec(intent, withStated, []).spec)).toBe(withStated);
  });

  test('UDC endpoints missing from an API table are added before the table, which stays whole', () => {
    const table = handWrittenSpecs().find((s) => s.file === 'url-shortener.table.md')!;
    const withoutUdc = table.markdown
      .split('\n')
      .filter((l) => !/^\| `[A-Z]+ \/[a-z]+` \| UDC \|/.test(l))
      .join('\n');
    const rows = (markdown: string) => markdown.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows(withoutUdc).length).toBe(rows(table.markdown).length - 5);
    const completed = completeSpec(table.intent, withoutUdc);
    const features = readSpec(withoutUdc).endpoints.map(endpointKey);
    expect(features).toEqual(['POST /links', 'GET /links/{code}', 'GET /links/{code}/stats']);
    const read = readSpec(completed).endpoints;
    expect(read.map(endpointKey)).toEqual([...UDC_ENDPOINTS.map(endpointKey), ...features]);
    expect(read.filter((e) => e.layout === 'table').map(endpointKey)).toEqual(features);
    // The table's header, separator and rows are still consecutive lines.
    const api = sectionText(completed, '3. API');
    expect(api).toContain(
      '| Route | Feature | Body | Returns | Errors |\n| --- | --- | --- | --- | --- |\n| `POST /links` |',
    );
    expect(completeSpec(table.intent, improvableSpec(table.intent, completed, []).spec)).toBe(completed);
    expect(verifySpec(completed, table.intent).score).toBeGreaterThanOrEqual(
      verifySpec(table.markdown, table.intent).score,
    );
  });

  test('a Functional list with its own FR-U1 is kept as written', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent)).replace(
      '\n\n## API',
      '\n- FR-U1: six-features answers the UDC endpoints within 50 ms.\n\n## API',
    );
    const before = readSpec(part).requirements.functional.map((r) => r.text);
    expect(before.at(-1)).toBe('- FR-U1: six-features answers the UDC endpoints within 50 ms.');
    const completed = completeSpec(intent, part);
    expect(readSpec(completed).requirements.functional.map((r) => r.text)).toEqual(before);
    expect(readSpec(completed).requirements.nonFunctional.length).toBe(6);
  });

  test("an improve call leaves out the pipeline's functional lines only while nobody changed them", () => {
    const intent = SIX_FEATURES;
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const part = 'the failure requirements and FR-U lines of the Functional list';
    const unchanged = improvableSpec(intent, completed, []);
    expect(unchanged.leftOut).toContain(part);
    expect(unchanged.spec).not.toContain('- FR-U1: ');
    expect(unchanged.spec).not.toContain('- FR-2.1: ');
    expect(completeSpec(intent, unchanged.spec)).toBe(completed);

    const edited = completed.replace(
      /- FR-2\.1: when a call to `\/orders\/\{id\}` fails, six-features answers 422/,
      '- FR-2.1: when a call to `/orders/{id}` names no order, six-features answers 404',
    );
    expect(edited).not.toBe(completed);
    const sent = improvableSpec(intent, edited, []);
    expect(sent.leftOut).not.toContain(part);
    expect(sent.spec).toContain(
      '- FR-2.1: when a call to `/orders/{id}` names no order, six-features answers 404',
    );
    expect(sent.spec).toContain('- FR-U1: ');
    expect(completeSpec(intent, sent.spec)).toBe(edited);
  });

  test('/capabilities of the added UDC endpoints lists the endpoints the model wrote', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent))
      .split('\n')
      .map((line) => line.replace(/^### POST \/orders$/, '### POST /purchase-orders'))
      .join('\n');
    const capabilities = readSpec(completeSpec(intent, part)).endpoints.find(
      (e) => e.path === '/capabilities',
    );
    expect(JSON.stringify(capabilities?.response)).toContain('"path":"/purchase-orders"');
  });

  test('a complete SPEC comes back unchanged, whoever wrote it', () => {
    for (const intent of intents) {
      const whole = writeSpecOffline(intent);
      expect(completeSpec(intent, whole)).toBe(whole);
    }
    for (const { intent, markdown, file } of handWrittenSpecs())
      expect({ file, same: completeSpec(intent, markdown) === markdown }).toEqual({ file, same: true });
  });

  test('a missing section is added at its place in the contract order, other sections kept as written', () => {
    const intent = exampleIntent('hello-world');
    const whole = writeSpecOffline(intent);
    const withoutSecurity = whole.replace(/## Security\n[\s\S]*?(?=## Testing)/, '');
    const completed = completeSpec(intent, withoutSecurity);
    expect(titles(completed)).toEqual([...SPEC_SECTIONS]);
    expect(completed.replace(/## Security\n[\s\S]*?(?=## Testing)/, '')).toBe(withoutSecurity);
  });

  test('the code and tests calls read the SPEC without the parts the pipeline wrote, unless someone changed them', () => {
    for (const intent of intents) {
      const part = modelWrittenSpec(writeSpecOffline(intent));
      const completed = completeSpec(intent, part);
      const read = improvableSpec(intent, completed, []).spec;
      expect(titles(read)).toEqual(titles(part));
      expect(readSpec(read).endpoints.map(endpointKey)).toEqual(readSpec(part).endpoints.map(endpointKey));
    }
    const intent = exampleIntent('hello-world');
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const edited = completed
      .replace('| `LOG_LEVEL` | `info` |', '| `LOG_LEVEL` | `debug` |')
      .replace(
        '- Feature: UDC\n- Request: none\n- Response: 200 `{"status"',
        '- Feature: UDC\n- Request: none (a person wrote this)\n- Response: 200 `{"status"',
      );
    const read = improvableSpec(intent, edited, []).spec;
    expect(titles(read)).toContain('Configuration');
    expect(read).toContain('`debug`');
    // Completion would add unchanged UDC endpoints back above the edited /health, so all stay in.
    expect(readSpec(read).endpoints.map(endpointKey)).toEqual([
      ...UDC_ENDPOINTS.map(endpointKey),
      'GET /hello',
    ]);
    expect(completeSpec(intent, read)).toBe(edited);
    // What the code call sends is that SPEC.
    expect(writeCodeParts({ intent, spec: completed }).shared).not.toContain('## Configuration');
    const code = writeCodeParts({ intent, spec: edited }).shared;
    expect(code).toContain('| `LOG_LEVEL` | `debug` |');
    expect(code).toContain('(a person wrote this)');
  });

  test("a person's note under a UDC endpoint keeps the UDC endpoints in what an improve call sends", () => {
    const intent = SIX_FEATURES;
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const note = '- Note: the load balancer probes this every 5 s.';
    const edited = completed.replace(/(### GET \/state\n(?:- .*\n){4})/, `$1${note}\n`);
    expect(edited).toContain(`- Errors: 500 if the counters of six-features cannot be read\n${note}\n`);
    const sent = improvableSpec(intent, edited, []);
    expect(sent.leftOut).not.toContain('the UDC endpoints of the API');
    expect(sent.spec).toContain(`### GET /state\n- Feature: UDC\n`);
    expect(sent.spec).toContain(`cannot be read\n${note}\n`);
    expect(completeSpec(intent, sent.spec)).toBe(edited);
  });

  test('an improve call sends the model its own part, each finding still at its text, and gets the rest added back', () => {
    const intent = SIX_FEATURES;
    const part = modelWrittenSpec(writeSpecOffline(intent));
    const completed = completeSpec(intent, part);
    const lines = completed.split('\n');
    const at = (text: string) => lines.findIndex((l) => l.startsWith(text)) + 1;
    const findings = [
      { rule: 'feature-traced', line: at('### POST /refund-payments'), message: 'a model finding' },
      { rule: 'feature-traceability', line: at('## API'), message: 'another' },
      { rule: 'config-complete', line: at('## Configuration'), message: 'on a part the pipeline wrote' },
      { rule: 'success-criteria', line: at('## Success Criteria'), message: 'on another' },
      { rule: 'sections-complete', line: 0, message: 'about the whole document' },
    ];
    expect(findings.every((f, i) => i === 4 || f.line > 0)).toBe(true);
    const sent = improvableSpec(intent, completed, findings);
    expect(sent.leftOut).toEqual(
      expect.arrayContaining([
        'the Dependencies section',
        'the Error Handling section',
        'the Success Criteria section',
        'the Non-functional list of Requirements',
        'the UDC endpoints of the API',
      ]),
    );
    expect(sent.spec.length).toBeLessThan(completed.length * 0.75);
    const sentLines = sent.spec.split('\n');
    expect(sentLines[sent.findings[0]!.line - 1]).toBe('### POST /refund-payments');
    expect(sentLines[sent.findings[1]!.line - 1]).toBe('## API');
    expect(sent.findings[1]!.line).toBeLessThan(findings[1]!.line);
    expect(sent.findings.slice(2).map((f) => f.line)).toEqual([0, 0, 0]);
    expect(titles(sent.spec)).toEqual(['Purpose & Scope', 'Requirements', 'API']);
    // The model answers with the part it was sent: completion gives back the SPEC whole, nothing lost.
    expect(completeSpec(intent, sent.spec)).toBe(completed);

    const prompt = improveSpecPrompt({ intent, spec: completed, score: 80, findings });
    expect(prompt).not.toContain('## Dependencies');
    // The sections left out are named as one group: `the Data Models, …, Testing, … sections`.
    expect(prompt).toMatch(/leaves out [^.]*the Data Models, [^.]*\bDependencies\b[^.]* sections/);
    expect(prompt).toContain('so do not write them; keep every section you were given');
    expect(prompt).toContain(`- line ${sent.findings[0]!.line}, rule feature-traced: a model finding`);
    expect(prompt).toContain('- rule config-complete: on a part the pipeline wrote');
  });

  test('an improve call sends whole a SPEC the pipeline wrote nothing of, and what a person changed', () => {
    const intent = exampleIntent('hello-world');
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const edited = completed.replace('| `LOG_LEVEL` | `info` |', '| `LOG_LEVEL` | `debug` |');
    const sent = improvableSpec(intent, edited, []);
    expect(titles(sent.spec)).toContain('Configuration');
    expect(sent.spec).toContain('`debug`');
    expect(titles(sent.spec)).not.toContain('Dependencies');
    expect(sent.leftOut).not.toContain('the Configuration section');
    expect(improveSpecPrompt({ intent, spec: edited, score: 80, findings: [] })).not.toContain(
      'the Configuration section',
    );

    const [handWritten] = handWrittenSpecs();
    const finding = [{ rule: 'r', line: 7, message: 'm' }];
    const whole = improvableSpec(handWritten!.intent, handWritten!.markdown, finding);
    expect(whole).toEqual({ spec: handWritten!.markdown, findings: finding, leftOut: [] });
    expect(
      improveSpecPrompt({
        intent: handWritten!.intent,
        spec: handWritten!.markdown,
        score: 80,
        findings: finding,
      }),
    ).toContain('all eleven level-2 sections in order');
  });

  test('the Non-functional list is sent when other non-functional text would keep completion from adding it back', () => {
    const intent = exampleIntent('hello-world');
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const nonFunctional = readSpec(completed).requirements.nonFunctional.length;
    expect(nonFunctional).toBeGreaterThan(3);
    const withConstraints = completed.replace(
      /(### Non-functional\n[\s\S]*?)(\n\n## )/,
      '$1\n\n### Constraints\n\n- Python 3.12 only.$2',
    );
    expect(readSpec(withConstraints).requirements.nonFunctional.length).toBe(nonFunctional + 1);
    const sent = improvableSpec(intent, withConstraints, []);
    expect(sent.leftOut).not.toContain('the Non-functional list of Requirements');
    expect(sent.spec).toContain('### Non-functional');
    const back = completeSpec(intent, sent.spec);
    expect(readSpec(back).requirements.nonFunctional.length).toBe(nonFunctional + 1);
    expect(back).toBe(withConstraints);
  });

  test("Data Models names the UDC bodies by the shared runtime's own pydantic classes", () => {
    const source = readFileSync('core/runtime/python/assembly_line_runtime/models.py', 'utf8');
    const classes = new Set([...source.matchAll(/^class (\w+)\(BaseModel\):/gm)].map((m) => m[1]));
    const intent = exampleIntent('hello-world');
    const dataModels = sectionText(
      completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent))),
      'Data Models',
    );
    const line = dataModels.split('\n').find((l) => l.startsWith('The UDC bodies ('));
    const named = [...(line ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(named).toHaveLength(6);
    expect(named.filter((name) => !classes.has(name))).toEqual([]);
  });

  test('parts added at the end of a SPEC are set apart by exactly one blank line', () => {
    const intent = exampleIntent('hello-world');
    const added = completeSpec(intent, '# hello-world\n\n## Requirements\n\n### Functional\n\n- FR-1: hi\n');
    expect(added).not.toContain('\n\n\n');
    // The pipeline's functional lines continue the list; the Non-functional list follows one blank line on.
    expect(added).toContain('- FR-1: hi\n- FR-U1: hello-world answers the five UDC endpoints');
    expect(added).toContain('reports the result in `GET /dependencies`.\n\n### Non-functional\n\n');
    expect(added).toMatch(/\n\n## Data Models\n/);
  });

  test("the model's part has no feature map and no API opening; completion adds both from what it wrote", () => {
    const intent = exampleIntent('hello-world');
    const part = modelWrittenSpec(writeSpecOffline(intent));
    expect(sectionText(part, 'Purpose & Scope')).not.toContain('It offers');
    expect(sectionText(part, 'API')).toMatch(/^## API\n\n### GET \/hello\n/);
    const completed = completeSpec(intent, part);
    expect(sectionText(completed, 'Purpose & Scope')).toMatch(
      /\n\nIt offers 1 key feature, each served by one endpoint on port 8999:\n- GET \/hello endpoint \(`GET \/hello`, FR-1\)\n\n$/,
    );
    expect(sectionText(completed, 'API')).toMatch(
      /^## API\n\nhello-world listens on port 8999\. Bodies are JSON \(`application\/json`\); error bodies are `\{"detail": "\.\.\."\}`\.\nEach endpoint below names the key feature it serves \(UDC for the five endpoints every service answers\)\.\n\n### GET \/health\n/,
    );
  });

  test('the feature map names every endpoint of a feature, the requirements naming them, and a feature with none bare', () => {
    const intent = IntentSchema.parse({
      service_name: 'notes',
      service_type: 'domain',
      purpose: 'Keep notes for a team',
      key_features: ['Create notes', 'Read notes', 'Archive notes', 'Tag notes'],
      port: 9400,
    });
    const endpoint = (key: string, feature: string) =>
      `### ${key}\n- Feature: ${feature}\n- Request: none\n- Response: 200 \`{"id": "n1"}\`\n- Errors: 404 no such note\n`;
    const part = [
      '# notes\n\n## Purpose & Scope\n\nKeeps the notes of a team; no sharing outside it.\n',
      '## Requirements\n\n### Functional\n',
      '- FR-1 (Create notes): `POST /notes` stores a note and answers 200.',
      '- FR-2 (Read notes): `GET /notes/{id}` answers 200 with the note, or 404.',
      '- FR-3: Tag notes by a label of at most 32 characters.\n',
      '## API\n',
      endpoint('POST /notes', 'Create notes'),
      endpoint('GET /notes/{id}', 'Read notes'),
      endpoint('GET /notes', 'Read notes'),
    ].join('\n');
    const purpose = sectionText(completeSpec(intent, part), 'Purpose & Scope');
    expect(purpose).toBe(
      [
        '## Purpose & Scope',
        '',
        'Keeps the notes of a team; no sharing outside it.',
        '',
        'It offers 4 key features, served on port 9400 by these endpoints:',
        '- Create notes (`POST /notes`, FR-1)',
        '- Read notes (`GET /notes/{id}`, `GET /notes`, FR-2)',
        '- Archive notes',
        '- Tag notes (FR-3)',
        '',
        '',
      ].join('\n'),
    );
  });

  test('a Purpose & Scope that names the endpoints, or an API with its own opening, is kept as written', () => {
    const intent = exampleIntent('hello-world');
    const part = modelWrittenSpec(writeSpecOffline(intent));
    const ownList = part.replace(
      /(## Purpose & Scope\n\n)/,
      '$1Callers greet with `GET /hello`, the only feature endpoint.\n\n',
    );
    expect(sectionText(completeSpec(intent, ownList), 'Purpose & Scope')).not.toContain('It offers');
    const ownOpening = part.replace(
      '## API\n\n',
      '## API\n\nBase URL: http://127.0.0.1:8999, JSON only.\n\n',
    );
    const api = sectionText(completeSpec(intent, ownOpening), 'API');
    expect(api).toMatch(/^## API\n\nBase URL: http:\/\/127\.0\.0\.1:8999, JSON only\.\n\n### GET \/health\n/);
    expect(api).not.toContain('listens on port');
  });

  test('an improve call leaves out the feature map and the API opening only while nobody changed them', () => {
    const intent = SIX_FEATURES;
    const completed = completeSpec(intent, modelWrittenSpec(writeSpecOffline(intent)));
    const sent = improvableSpec(intent, completed, []);
    expect(sent.leftOut).toEqual(
      expect.arrayContaining([
        'the list of key features ending Purpose & Scope',
        'the opening lines of the API',
      ]),
    );
    expect(sent.spec).not.toContain('It offers');
    expect(sent.spec).not.toContain('listens on port');
    expect(completeSpec(intent, sent.spec)).toBe(completed);

    const mapEdited = completed.replace(
      '- Create orders (`POST /orders`, FR-1)',
      '- Create orders (`POST /orders`, FR-1), the busiest',
    );
    const keepsMap = improvableSpec(intent, mapEdited, []);
    expect(keepsMap.leftOut).not.toContain('the list of key features ending Purpose & Scope');
    expect(keepsMap.spec).toContain('the busiest');
    expect(completeSpec(intent, keepsMap.spec)).toBe(mapEdited);

    const openingEdited = completed.replace('Bodies are JSON', 'Bodies are always JSON');
    const keepsOpening = improvableSpec(intent, openingEdited, []);
    expect(keepsOpening.leftOut).not.toContain('the opening lines of the API');
    expect(completeSpec(intent, keepsOpening.spec)).toBe(openingEdited);
  });
});
