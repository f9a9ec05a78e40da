import { jest } from '@jest/globals';
import { variedIntents } from '../bench/spec-corpus.js';
import type { Intent } from '../core/intent/schema.js';
import { repairSpec } from '../core/llm/offline/spec/improve.js';
import { improveSpecOffline, writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { endpointKey, isValidApiPath, parseApiEndpoints } from '../core/spec/api-section.js';
import { normalizeTitle, outline } from '../core/spec/markdown.js';
import { SPEC_SECTIONS, UDC_ENDPOINTS } from '../core/spec/sections.js';
import { specFindings, verifySpec } from '../core/spec/verifier/index.js';
import {
  bareHeadings,
  exampleIntent,
  intent,
  lineOf,
  removeBetween,
  replaceLine,
  sharedLineRatio,
  specFixture,
} from './helpers/specs.js';

const hello = exampleIntent('hello-world');
const payment = exampleIntent('payment-processor');
const UDC_KEYS = UDC_ENDPOINTS.map(endpointKey);

/** Improve until the gate passes or 3 cycles are spent; the score after each step. */
function optimize(target: Intent, draft: string) {
  let spec = draft;
  let verification = verifySpec(spec, target);
  const scores = [verification.score];
  for (let cycle = 1; cycle <= 3 && !verification.passed; cycle++) {
    spec = improveSpecOffline(target, spec, specFindings(verification));
    verification = verifySpec(spec, target);
    scores.push(verification.score);
  }
  return { spec, verification, scores, cycles: scores.length - 1 };
}

function checkShape(target: Intent, spec: string) {
  expect(outline(spec).sections.map((s) => normalizeTitle(s.title))).toEqual(
    SPEC_SECTIONS.map(normalizeTitle),
  );
  const endpoints = parseApiEndpoints(spec);
  const keys = endpoints.map(endpointKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.slice(0, 5)).toEqual(UDC_KEYS);
  for (const endpoint of endpoints) {
    expect(isValidApiPath(endpoint.path)).toBe(true);
    expect(endpoint.responseStatus).toBeGreaterThanOrEqual(200);
    expect(endpoint.responseStatus).toBeLessThan(300);
    expect(typeof endpoint.response).toBe('object');
    expect(endpoint.errors).toMatch(/\b[45]\d\d\b/);
    for (const body of [endpoint.request, endpoint.response])
      for (const key of Object.keys((body as object) ?? {})) expect(key).toMatch(/^[a-z_][a-z0-9_]*$/);
  }
  const featureEndpoints = endpoints.slice(5);
  expect(featureEndpoints.map((e) => e.feature)).toEqual(
    target.key_features.map((f) => f.replace(/\s+/g, ' ').trim()),
  );
  return featureEndpoints;
}

describe('writeSpecOffline', () => {
  test.each([
    ['hello-world', hello],
    ['payment-processor', payment],
  ])(
    'the SPEC of intents/%s.yaml passes the gate on its first draft, in the DESIGN order',
    (_name, target) => {
      const spec = writeSpecOffline(target);
      const verification = verifySpec(spec, target);
      expect(verification.score).toBeGreaterThanOrEqual(90);
      expect(verification.rules.flatMap((r) => r.findings)).toEqual([]);
      checkShape(target, spec);
    },
  );

  test('derives endpoints from the feature text, with examples that differ per feature', () => {
    const [helloEndpoint] = parseApiEndpoints(writeSpecOffline(hello)).slice(5);
    expect(helloEndpoint).toMatchObject({
      method: 'GET',
      path: '/hello',
      requestText: 'none',
      responseStatus: 200,
    });
    const endpoints = parseApiEndpoints(writeSpecOffline(payment)).slice(5);
    expect(endpoints.map(endpointKey)).toEqual([
      'POST /stripe-integration',
      'POST /webhooks',
      'POST /refunds',
    ]);
    const examples = endpoints.map((e) => JSON.stringify([e.request, e.response]));
    expect(new Set(examples).size).toBe(examples.length);
    expect(endpoints[0]!.request).toMatchObject({ amount: expect.any(Number), currency: 'usd' });
    expect(endpoints[1]!.request).toMatchObject({ event_type: expect.any(String) });
  });

  test('states the port, each dependency with its behaviour when down, and the priority SLA consistently', () => {
    const spec = writeSpecOffline(payment);
    const dependencies = spec.slice(spec.indexOf('## Dependencies'), spec.indexOf('## Configuration'));
    expect(dependencies).toMatch(/- registry: .*\n {2}When registry is down: /);
    expect(spec).toContain('| `PORT` | `8350` |');
    expect(spec.match(/\bport \d+/g)?.every((m) => m === 'port 8350')).toBe(true);
    expect(spec).toContain('priority high, TIER 1');
    expect(spec).toContain('within 15 min');
    const low = writeSpecOffline(hello);
    expect(low).toContain('best effort');
    expect(low).not.toContain('TIER 1');
  });

  test('an intent without dependencies says so, and names no infrastructure as a dependency', () => {
    const alone = intent({ service_name: 'alone', key_features: ['List books'], dependencies: [] });
    const spec = writeSpecOffline(alone);
    const dependencies = spec.slice(spec.indexOf('## Dependencies'), spec.indexOf('## Configuration'));
    expect(dependencies).toContain('None: alone calls no other service');
    expect(dependencies).not.toMatch(/registry|orchestrator|verifier/);
    expect(verifySpec(spec, alone).score).toBe(100);
  });

  test('odd features: unicode, punctuation, slashes, UDC paths, colliding paths, many features', () => {
    const odd = intent({
      service_name: 'odd-one',
      service_type: 'experimental',
      priority: 'critical',
      port: 1024,
      dependencies: ['registry', 'billing-core'],
      key_features: [
        'GET /health details',
        'GET /health',
        'POST /message',
        '日本語の翻訳',
        '🚀',
        'Refunds',
        'Refunds!',
        'PUT /Users/{ID}/Profile',
        'DELETE /orders/{order id}',
        'Import/export CSV',
        'A/B testing (v2)',
        'Search by name, tag & date',
        'Fast search',
        'TODO list management',
        'Proxy to the legacy port 9000 gateway',
        'Émoji `code` | pipes *stars*',
      ],
    });
    const spec = writeSpecOffline(odd);
    const endpoints = checkShape(odd, spec);
    expect(endpoints.map(endpointKey).filter((k) => UDC_KEYS.includes(k))).toEqual([]);
    expect(endpoints.slice(0, 4).map(endpointKey)).toEqual([
      'GET /health/details',
      'GET /health-2',
      'POST /message-2',
      'POST /feature-4',
    ]);
    expect(endpoints.map(endpointKey)).toEqual(
      expect.arrayContaining([
        'PUT /users/{id}/profile',
        'DELETE /orders/{order_id}',
        'POST /refunds',
        'POST /refunds-2',
      ]),
    );
    const verification = verifySpec(spec, odd);
    expect(verification.rules.flatMap((r) => r.findings)).toEqual([]);
  });

  test('the same intent always gives the same SPEC', () => {
    expect(writeSpecOffline(payment)).toBe(writeSpecOffline(exampleIntent('payment-processor')));
  });

  test('two different intents give substantially different SPECs', () => {
    expect(sharedLineRatio(writeSpecOffline(hello), writeSpecOffline(payment))).toBeLessThan(0.5);
    const [a, b] = variedIntents(2, 99);
    expect(sharedLineRatio(writeSpecOffline(a!), writeSpecOffline(b!))).toBeLessThan(0.5);
  });

  test('a few hundred varied intents pass the gate within 3 cycles, nearly all on the first draft', () => {
    const intents = variedIntents(300);
    expect(new Set(intents.map((i) => i.priority)).size).toBe(4);
    expect(new Set(intents.map((i) => i.service_type)).size).toBe(4);
    expect(Math.max(...intents.map((i) => i.key_features.length))).toBe(12);
    const cycles = [0, 0, 0, 0];
    for (const target of intents) {
      const result = optimize(target, writeSpecOffline(target));
      if (!result.verification.passed)
        throw new Error(`${target.service_name} scores ${result.scores.join(' → ')}`);
      cycles[result.cycles]!++;
      const keys = parseApiEndpoints(result.spec).map(endpointKey);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(cycles[0]).toBeGreaterThanOrEqual(intents.length * 0.9);
  });
});

describe('improveSpecOffline', () => {
  const draft = writeSpecOffline(hello);
  const DAMAGE: [string, (s: string) => string, (improved: string) => void][] = [
    [
      'a section removed',
      (s) => removeBetween(s, '## Data Models', '## Dependencies'),
      (out) => expect(outline(out).sections.map((x) => x.title)).toEqual([...SPEC_SECTIONS]),
    ],
    [
      'a wrong port',
      (s) => s.replace('| `PORT` | `8999` |', '| `PORT` | `8080` |').replace('--port 8999', '--port 9000'),
      (out) => expect(out).not.toMatch(/8080|9000/),
    ],
    [
      'a TODO and vague words inserted',
      (s) =>
        s.replace(
          '## Testing\n',
          '## Testing\n\nTODO: write the tests, TBD.\nThe service is fast and robust.\n',
        ),
      (out) => expect(out).not.toMatch(/TODO|TBD|fast and robust/),
    ],
    [
      'keyword stuffing inserted',
      (s) =>
        s.replace(
          '## Security\n',
          '## Security\n\nsecure secure security TLS secrets keys encryption compliance secure security\n',
        ),
      (out) => expect(out).not.toContain('secure secure'),
    ],
    [
      'a feature endpoint and a UDC endpoint removed',
      (s) =>
        removeBetween(
          removeBetween(s, '### GET /hello', '## Data Models'),
          '### GET /state',
          '### GET /dependencies',
        ),
      (out) =>
        expect(parseApiEndpoints(out).map(endpointKey)).toEqual(
          expect.arrayContaining(['GET /hello', 'GET /state']),
        ),
    ],
    [
      'an endpoint without errors and a duplicate',
      (s) =>
        replaceLine(s, '- Errors: 422 invalid query').replace(
          '## Data Models',
          '### GET /hello\n- Feature: GET /hello endpoint\n- Request: none\n- Response: 200 `{}`\n- Errors: 500 x\n\n## Data Models',
        ),
      (out) => {
        const keys = parseApiEndpoints(out).map(endpointKey);
        expect(keys.filter((k) => k === 'GET /hello')).toHaveLength(1);
      },
    ],
    [
      'the non-functional requirements without units',
      (s) => s.replace(/- Latency: .*/, '- Latency: low.').replace(/- Memory: .*/, '- Memory: small.'),
      (out) => expect(out).not.toMatch(/Latency: low|Memory: small/),
    ],
    [
      'sections reordered',
      (s) => {
        const security = s.slice(s.indexOf('## Security'), s.indexOf('## Testing'));
        return s.replace(security, '').replace('## Success Criteria', `${security}## Success Criteria`);
      },
      (out) => expect(outline(out).sections.map((x) => x.title)).toEqual([...SPEC_SECTIONS]),
    ],
  ];

  test.each(DAMAGE)('one cycle repairs a draft with %s', (_name, damage, check) => {
    const damaged = damage(draft);
    expect(damaged).not.toBe(draft);
    const before = verifySpec(damaged, hello);
    expect(before.score).toBeLessThan(100);
    const improved = improveSpecOffline(hello, damaged, specFindings(before));
    const after = verifySpec(improved, hello);
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.passed).toBe(true);
    check(improved);
  });

  test('fixes a hand-written SPEC where it is wrong and keeps the rest of its text', () => {
    const complete = specFixture('corpus/payment-processor.headings.md');
    const damaged = complete
      .replace('| `PORT` | 8350 |', '| `PORT` | 8080 |')
      .replace(
        'Unknown charges answer\n404.',
        'Unknown charges answer\n404. TODO: decide the refund window.',
      );
    const before = verifySpec(damaged, payment);
    const improved = improveSpecOffline(payment, damaged, specFindings(before));
    expect(verifySpec(improved, payment).score).toBe(100);
    expect(improved).toContain('| `PORT` | 8350 | the HTTP port of the service |');
    expect(improved).not.toContain('TODO');
    for (const kept of [
      'The payment-processor service exists to process payments via Stripe',
      '### POST /webhooks/stripe',
      'PCI scope beyond SAQ A',
    ])
      expect(improved).toContain(kept);
  });

  test('acts on the findings it is given: a port finding fixes the port and leaves the rest', () => {
    const damaged = draft
      .replace('| `PORT` | `8999` |', '| `PORT` | `8080` |')
      .replace('## Testing\n', '## Testing\n\nTODO: more tests.\n');
    const findings = specFindings(verifySpec(damaged, hello));
    const portOnly = repairSpec(
      hello,
      damaged,
      findings.filter((f) => f.rule === 'port'),
    );
    expect(portOnly).toContain('| `PORT` | `8999` |');
    expect(portOnly).toContain('TODO: more tests.');
    const all = repairSpec(hello, damaged, findings);
    expect(all).not.toContain('TODO');
    expect(lineOf(all, '| `PORT` | `8999` |')).toBeGreaterThan(0);
  });

  test.each([
    ['every section a bare heading', bareHeadings(specFixture('corpus/payment-processor.headings.md'))],
    ['keyword stuffing', specFixture('payment-processor.stuffed.md')],
    ['a two-line document', specFixture('two-lines.md')],
    ['an empty document', ''],
  ])('turns %s into a passing SPEC within 3 cycles', (_name, start) => {
    const result = optimize(payment, start);
    expect(result.verification.passed).toBe(true);
    expect(result.scores[result.scores.length - 1]).toBeGreaterThan(result.scores[0]!);
    checkShape(payment, result.spec);
  });

  test('cuts a SPEC over 60 KiB back to size', () => {
    const big = `${writeSpecOffline(payment)}\n## Appendix\n\n${Array.from({ length: 1400 }, (_, i) => `Row ${i} of a table that belongs in code, not in the SPEC.`).join('\n')}\n`;
    const before = verifySpec(big, payment);
    expect(before.rules.find((r) => r.id === 'size')!.score).toBeLessThan(1);
    const improved = improveSpecOffline(payment, big, specFindings(before));
    expect(Buffer.byteLength(improved)).toBeLessThan(60 * 1024);
    expect(verifySpec(improved, payment).score).toBe(100);
  });

  // The same SPEC and findings must give the same repair, whatever the clock, chance or earlier repairs.
  test('is deterministic', () => {
    const damaged = removeBetween(draft, '## Data Models', '## Dependencies');
    const findings = specFindings(verifySpec(damaged, hello));
    const first = improveSpecOffline(hello, damaged, findings);
    expect(first).toContain('## Data Models');
    expect(verifySpec(first, hello).score).toBe(100);
    const other = removeBetween(writeSpecOffline(payment), '## Data Models', '## Dependencies');
    improveSpecOffline(payment, other, specFindings(verifySpec(other, payment)));
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    jest.useFakeTimers({ now: new Date('2031-05-06T07:08:09Z') });
    try {
      expect(improveSpecOffline(hello, damaged, findings)).toBe(first);
    } finally {
      jest.useRealTimers();
      random.mockRestore();
    }
  });
});
