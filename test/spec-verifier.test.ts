import { RULES, type Verification, verifySpec } from '../core/spec/verifier/index.js';
import {
  bareHeadings,
  exampleIntent,
  intent,
  lineOf,
  removeBetween,
  replaceLine,
  specFixture,
} from './helpers/specs.js';

const payment = exampleIntent('payment-processor');
const hello = exampleIntent('hello-world');
const complete = specFixture('corpus/payment-processor.headings.md');

function rule(verification: Verification, id: string) {
  const found = verification.rules.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

describe('fixture targets', () => {
  test('a hand-written complete SPEC passes the gate, every rule satisfied', () => {
    const result = verifySpec(complete, payment);
    expect(result.score).toBeGreaterThanOrEqual(90);
    expect(result.passed).toBe(true);
    expect(result.rules.filter((r) => r.score < 1).map((r) => [r.id, r.findings])).toEqual([]);
  });

  test('the same SPEC with every section emptied to a bare heading scores under 20', () => {
    const result = verifySpec(bareHeadings(complete), payment);
    expect(result.score).toBeLessThan(20);
    expect(rule(result, 'sections').findings).toHaveLength(11);
  });

  test('a keyword-stuffed version scores under 60', () => {
    const result = verifySpec(specFixture('payment-processor.stuffed.md'), payment);
    expect(result.score).toBeLessThan(60);
    expect(rule(result, 'keyword-stuffing').findings.length).toBeGreaterThan(10);
  });

  test('a two-line document scores under 10', () => {
    expect(verifySpec(specFixture('two-lines.md'), payment).score).toBeLessThan(10);
  });

  test('a long document about something else scores under 60', () => {
    const essay = specFixture('bread.md');
    expect(essay.length).toBeGreaterThan(4000);
    expect(verifySpec(essay, payment).score).toBeLessThan(60);
  });

  test('a complete SPEC of another service fails the gate against this intent, naming what differs', () => {
    const result = verifySpec(complete, hello);
    expect(result.passed).toBe(false);
    expect(
      rule(result, 'feature-traceability')
        .findings.map((f) => f.message)
        .join('\n'),
    ).toContain("'GET /hello endpoint' has no API endpoint");
    expect(rule(result, 'port').findings.some((f) => f.message.includes('port 8350 contradicts'))).toBe(true);
  });
});

interface RuleCase {
  rule: string;
  name: string;
  mutate: (spec: string) => string;
  /** The line the finding must cite, in the mutated SPEC. */
  line: (mutated: string) => number;
  message: RegExp;
}

const CASES: RuleCase[] = [
  {
    rule: 'sections',
    name: 'a missing section is cited where it belongs',
    mutate: (s) => removeBetween(s, '## 4. Data Models', '## 5. Dependencies'),
    line: (m) => lineOf(m, '## 5. Dependencies'),
    message: /missing section '## Data Models'/,
  },
  {
    rule: 'sections',
    name: 'a bare heading',
    mutate: (s) => removeBetween(s, 'The Stripe keys come from', '## 9. Testing'),
    line: (m) => lineOf(m, '## 8. Security'),
    message: /'## 8. Security' is a bare heading/,
  },
  {
    rule: 'sections',
    name: 'a section of one line',
    mutate: (s) =>
      removeBetween(s, 'The Stripe keys come from', '## 9. Testing').replace(
        '## 8. Security\n',
        '## 8. Security\n\nKeys stay secret.\n',
      ),
    line: (m) => lineOf(m, '## 8. Security'),
    message: /has only 1 line/,
  },
  {
    rule: 'sections',
    name: 'a section out of order',
    mutate: (s) => {
      const lines = s.split('\n');
      const security = lineOf(s, '## 8. Security') - 1;
      const testing = lineOf(s, '## 9. Testing') - 1;
      const deployment = lineOf(s, '## 10. Deployment') - 1;
      return [
        ...lines.slice(0, security),
        ...lines.slice(testing, deployment),
        ...lines.slice(security, testing),
        ...lines.slice(deployment),
      ].join('\n');
    },
    line: (m) => lineOf(m, '## 8. Security'),
    message: /'## 8. Security' is out of order: move it before '## 9. Testing' \(line \d+\)/,
  },
  {
    rule: 'feature-traceability',
    name: 'an endpoint serving something that is not a key feature',
    mutate: (s) => replaceLine(s, '- Feature: Refunds', '- Feature: Coupons'),
    line: (m) => lineOf(m, '- Feature: Coupons'),
    message: /serves 'Coupons', which is not a key feature/,
  },
  {
    rule: 'feature-traceability',
    name: 'a key feature without an endpoint',
    mutate: (s) => replaceLine(s, '- Feature: Refunds', '- Feature: Coupons'),
    line: (m) => lineOf(m, '## 3. API'),
    message: /key feature 3 'Refunds' has no API endpoint/,
  },
  {
    rule: 'feature-traceability',
    name: 'a key feature without a functional requirement',
    mutate: (s) => removeBetween(s, '3. Refunds: a caller asks', '### Non-functional'),
    line: (m) => lineOf(m, '## 2. Requirements'),
    message: /key feature 3 'Refunds' has no functional requirement/,
  },
  {
    rule: 'intent-relevance',
    name: 'a purpose section about something else',
    mutate: (s) =>
      removeBetween(s, 'The payment-processor service exists', '## 2. Requirements').replace(
        '## 1. Purpose & Scope\n',
        '## 1. Purpose & Scope\n\nThis service keeps the office kitchen stocked with tea.\nIt tracks boxes of tea and orders more.\nIt never handles anything else.\n\n',
      ),
    line: (m) => lineOf(m, '## 1. Purpose & Scope'),
    message: /does not state the intent's purpose 'Process payments via Stripe'/,
  },
  {
    rule: 'udc-endpoints',
    name: 'a missing UDC endpoint',
    mutate: (s) => removeBetween(s, '### GET /state', '### GET /dependencies'),
    line: (m) => lineOf(m, '## 3. API'),
    message: /UDC endpoint 'GET \/state' is missing/,
  },
  {
    rule: 'udc-endpoints',
    name: 'a UDC answer that does not match its schema',
    mutate: (s) =>
      s.replace(
        '"status": "active", "service": "payment-processor"',
        '"status": "starting", "service": "payment-processor"',
      ),
    line: (m) => lineOf(m, '"status": "starting"'),
    message:
      /'GET \/health' response example does not match the UDC answer \(status is 'starting', expected 'active'\)/,
  },
  {
    rule: 'udc-endpoints',
    name: 'POST /message answering 5xx to a bad envelope',
    mutate: (s) => replaceLine(s, '- Errors: 400 envelope is not JSON', '- Errors: 500 envelope is not JSON'),
    line: (m) => lineOf(m, '- Errors: 500 envelope is not JSON'),
    message: /must answer a malformed envelope with 4xx, never 5xx/,
  },
  {
    rule: 'endpoints-complete',
    name: 'an endpoint without errors',
    mutate: (s) => replaceLine(s, '- Errors: 404 unknown charge'),
    line: (m) => lineOf(m, '### POST /refunds'),
    message: /'POST \/refunds': add '- Errors:/,
  },
  {
    rule: 'endpoints-complete',
    name: 'a response without a status code',
    mutate: (s) => s.replace('- Response: 201 `{"refund_id"', '- Response: `{"refund_id"'),
    line: (m) => lineOf(m, '- Response: `{"refund_id"'),
    message: /the response must start with a status code/,
  },
  {
    rule: 'endpoints-complete',
    name: 'an endpoint defined twice',
    mutate: (s) =>
      `${s}\n`.replace(
        '## 4. Data Models',
        '### POST /refunds\n- Feature: Refunds\n- Request: none\n- Response: 200 `{}`\n- Errors: 404 x\n\n## 4. Data Models',
      ),
    line: (m) => lineOf(m, '### POST /refunds', lineOf(m, '### POST /refunds') + 1),
    message: /'POST \/refunds' is defined twice \(first at line \d+\)/,
  },
  {
    rule: 'endpoints-complete',
    name: 'one route twice under two parameter names',
    mutate: (s) =>
      `${s}\n`.replace(
        '## 4. Data Models',
        '### GET /refunds/{refund_id}\n- Feature: Refunds\n- Request: none\n- Response: 200 `{}`\n- Errors: 404 x\n\n' +
          '### GET /refunds/{id}\n- Feature: Refunds\n- Request: none\n- Response: 200 `{}`\n- Errors: 404 x\n\n## 4. Data Models',
      ),
    line: (m) => lineOf(m, '### GET /refunds/{id}'),
    message:
      /'GET \/refunds\/\{id\}' is the same route as 'GET \/refunds\/\{refund_id\}' \(line \d+\), parameter names aside: merge the two into one/,
  },
  {
    rule: 'endpoints-complete',
    name: 'an invalid path',
    mutate: (s) => s.replace('### POST /refunds', '### POST /Refunds/'),
    line: (m) => lineOf(m, '### POST /Refunds/'),
    message: /'\/Refunds\/' is not a valid path/,
  },
  {
    rule: 'port',
    name: 'a different port',
    mutate: (s) => replaceLine(s, '| `PORT` | 8350 |', '| `PORT` | 8080 | the HTTP port of the service |'),
    line: (m) => lineOf(m, '| `PORT` | 8080 |'),
    message: /port 8080 contradicts the intent's port 8350: write 8350/,
  },
  {
    rule: 'port',
    name: 'no port in Configuration',
    mutate: (s) => replaceLine(replaceLine(s, '| `PORT` | 8350 |'), 'The service listens on 0.0.0.0:8350'),
    line: (m) => lineOf(m, '## 6. Configuration'),
    message: /'## Configuration' does not state the port: add 'PORT' with default 8350/,
  },
  {
    rule: 'dependencies',
    name: 'an intent dependency not listed',
    mutate: (s) =>
      replaceLine(replaceLine(s, '- registry: the service registers'), 'is down, it keeps serving payments'),
    line: (m) => lineOf(m, '## 5. Dependencies'),
    message: /dependency 'registry' is not listed/,
  },
  {
    rule: 'dependencies',
    name: 'a dependency without failure behaviour',
    mutate: (s) =>
      replaceLine(
        replaceLine(
          s,
          '- registry: the service registers',
          '- registry: the service registers itself there after its first healthy `/health`.',
        ),
        'is down, it keeps serving payments',
      ).replace('retries registration every 30 s.\n', ''),
    line: (m) => lineOf(m, '- registry: the service registers'),
    message: /dependency 'registry' has no failure behaviour/,
  },
  {
    rule: 'dependencies',
    name: 'an undeclared dependency',
    mutate: (s) =>
      s.replace(
        '\nStripe is an external provider',
        '\n- orchestrator: receives charge events. When it is down, events wait.\n\nStripe is an external provider',
      ),
    line: (m) => lineOf(m, '- orchestrator: receives charge events'),
    message: /'orchestrator' is listed as a dependency but the intent does not declare it/,
  },
  {
    rule: 'nfr-units',
    name: 'a non-functional requirement without a number and unit',
    mutate: (s) =>
      replaceLine(
        s,
        '| Throughput | 80 requests per second',
        '| Throughput | high enough for the peak season |',
      ),
    line: (m) => lineOf(m, '| Throughput | high enough'),
    message: /non-functional requirement '\| Throughput \| high enough.*' has no number with a unit/,
  },
  {
    rule: 'success-criteria',
    name: 'a criterion without a number',
    mutate: (s) => replaceLine(s, '- Zero double charges', '- Customers trust the service.'),
    line: (m) => lineOf(m, '- Customers trust the service.'),
    message: /success criterion '- Customers trust the service.' is not measurable/,
  },
  {
    rule: 'coverage-target',
    name: 'a coverage target below 70%',
    mutate: (s) =>
      s.replace('The build fails below 80% line coverage', 'The build fails below 60% line coverage'),
    line: (m) => lineOf(m, 'below 60% line coverage'),
    message: /coverage target 60% is below 70%/,
  },
  {
    rule: 'no-placeholders',
    name: 'a TODO',
    mutate: (s) =>
      s.replace(
        'Unknown charges answer\n404.',
        'Unknown charges answer\n404.\nTODO: decide the refund window.',
      ),
    line: (m) => lineOf(m, 'TODO: decide'),
    message: /placeholder 'TODO'/,
  },
  {
    rule: 'no-placeholders',
    name: 'template residue',
    mutate: (s) =>
      s.replace(
        'Amounts are integers',
        'Served by {{service_name}} on <insert host>. Lorem ipsum ???. Amounts are integers',
      ),
    line: (m) => lineOf(m, '{{service_name}}'),
    message: /template variable '\{\{service_name\}\}'/,
  },
  {
    rule: 'vague-words',
    name: 'vague words without a number',
    mutate: (s) =>
      s.replace('Amounts are integers', 'The API is fast, robust and user-friendly. Amounts are integers'),
    line: (m) => lineOf(m, 'The API is fast'),
    message: /vague word 'fast' in 'The API is fast, robust and user-friendly\.'/,
  },
  {
    rule: 'keyword-stuffing',
    name: 'a keyword list',
    mutate: (s) =>
      s.replace(
        'All bodies are JSON.',
        'Stripe payments refunds webhooks charges API JSON REST cloud secure payments.\n\nAll bodies are JSON.',
      ),
    line: (m) => lineOf(m, 'Stripe payments refunds webhooks'),
    message: /is a list of keywords, not a sentence/,
  },
  {
    rule: 'keyword-stuffing',
    name: 'one sentence pasted again and again',
    mutate: (s) =>
      s.replace(
        'All bodies are JSON.',
        'We process payments via Stripe for you.\nWe process payments via Stripe for you.\nWe process payments via Stripe for you.\n\nAll bodies are JSON.',
      ),
    line: (m) => lineOf(m, 'We process payments', lineOf(m, 'We process payments') + 2),
    message: /repeats line \d+ verbatim/,
  },
  {
    rule: 'size',
    name: 'a SPEC over 60 KiB',
    mutate: (s) =>
      `${s}\n## Appendix\n\n${Array.from({ length: 800 }, (_, i) => `Row ${i} of the appendix table, kept here for reference and nothing else.`).join('\n')}\n`,
    line: (m) =>
      m.split('\n').findIndex((_, i, all) => Buffer.byteLength(all.slice(0, i + 1).join('\n')) > 60 * 1024) +
      1,
    message: /the SPEC is too long/,
  },
];

describe('each rule', () => {
  test.each(RULES.map((r) => r.id))('%s passes on the complete SPEC and has a failing case', (id) => {
    expect(rule(verifySpec(complete, payment), id)).toMatchObject({ score: 1, findings: [] });
    expect(CASES.some((c) => c.rule === id)).toBe(true);
  });

  test.each(CASES.map((c) => [c.rule, c.name, c] as const))(
    '%s fails on %s, citing the line',
    (id, _name, c) => {
      const mutated = c.mutate(complete);
      expect(mutated).not.toBe(complete);
      const result = verifySpec(mutated, payment);
      const failing = rule(result, id);
      expect(failing.score).toBeLessThan(1);
      const finding = failing.findings.find((f) => c.message.test(f.message));
      expect(finding).toBeDefined();
      expect(finding!.line).toBe(c.line(mutated));
      expect(result.score).toBeLessThan(verifySpec(complete, payment).score);
    },
  );

  test('vague words backed by a number in the same sentence, or quoted from the intent, pass', () => {
    const backed = complete.replace(
      'Amounts are integers',
      'The API is fast: p95 under 250 ms. Amounts are integers',
    );
    expect(rule(verifySpec(backed, payment), 'vague-words').findings).toEqual([]);
    const quoting = intent({ service_name: 'finder', key_features: ['Fast search', 'TODO list management'] });
    const spec = complete.replace(
      'Amounts are integers',
      'Fast search and TODO list management are the features. Amounts are integers',
    );
    const result = verifySpec(spec, quoting);
    expect(rule(result, 'vague-words').findings).toEqual([]);
    expect(rule(result, 'no-placeholders').findings).toEqual([]);
  });

  test("a port on a line naming one of the intent's dependencies is that dependency's port", () => {
    const spec = complete.replace(
      '| `REGISTRY_URL` | unset |',
      '| `REGISTRY_URL` | http://registry.internal:8500 |',
    );
    expect(rule(verifySpec(spec, payment), 'port').findings).toEqual([]);
    const other = complete.replace(
      '| `REGISTRY_URL` | unset |',
      '| `LEDGER_URL` | http://ledger.internal:8500 |',
    );
    expect(rule(verifySpec(other, payment), 'port').findings.map((f) => f.line)).toEqual([
      lineOf(other, 'LEDGER_URL'),
    ]);
  });

  test("intent relevance reads the intent's terms, not its purpose sentence", () => {
    const table = specFixture('corpus/hello-world.table.md');
    const paraphrase = replaceLine(table, 'It is a simple hello world service for testing the pipeline.');
    expect(rule(verifySpec(paraphrase, hello), 'intent-relevance')).toMatchObject({ score: 1, findings: [] });
    const offTopic = removeBetween(
      paraphrase,
      'hello-world is the smallest service',
      '## Requirements',
    ).replace(
      '## Purpose & Scope\n',
      '## Purpose & Scope\n\nhello-world keeps the office kitchen stocked with tea and biscuits.\n',
    );
    const relevance = rule(verifySpec(offTopic, hello), 'intent-relevance');
    expect(relevance.score).toBeLessThan(0.6);
    expect(relevance.findings[0]!.message).toMatch(/does not state the intent's purpose .*missing: /);
  });

  test('tables, lists and code count as section content; a bare heading still does not', () => {
    const table = specFixture('corpus/hello-world.table.md');
    const sections = rule(verifySpec(table, hello), 'sections');
    expect(sections).toMatchObject({ score: 1, findings: [] });
    const bare = removeBetween(table, '| Variable | Default | Meaning |', '## Error Handling');
    expect(rule(verifySpec(bare, hello), 'sections').findings.map((f) => f.message)).toEqual([
      "'## Configuration' is a bare heading: write the environment variables with defaults, and the intent's port",
    ]);
  });

  test('an intent without dependencies needs a "None" statement and no infrastructure listed', () => {
    const alone = { ...payment, dependencies: [] };
    const listed = rule(verifySpec(complete, alone), 'dependencies');
    expect(listed.findings.map((f) => f.message).join('\n')).toMatch(
      /declares no dependencies[\s\S]*'registry' is listed/,
    );
    const none = removeBetween(
      complete,
      '- registry: the service registers',
      'Stripe is an external provider',
    )
      .replace(
        'Stripe is an external provider',
        'None: the service calls no other service of the fleet.\nStripe is an external provider',
      )
      .replace('{"dependencies": [{"name": "registry", "status": "available"}]}', '{"dependencies": []}');
    expect(rule(verifySpec(none, alone), 'dependencies')).toMatchObject({ score: 1, findings: [] });
  });
});

describe('scoring', () => {
  test('rules have unique ids and weights that sum to 100', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    expect(RULES.reduce((sum, r) => sum + r.weight, 0)).toBe(100);
  });

  // Whether `passed` agrees with the gate is pinned by SPECs at exactly 90 and 89.9 (spec-corpus.test.ts).
  test('the score is the weighted mean of the rule scores, one decimal', () => {
    for (const text of [complete, bareHeadings(complete), specFixture('bread.md')]) {
      const result = verifySpec(text, payment);
      const weighted = result.rules.reduce((s, r) => s + r.weight * r.score, 0) / 100;
      expect(Math.abs(result.score - weighted * 100)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.round(result.score * 10)).toBe(result.score * 10);
      for (const r of result.rules) expect(r.score).toBeGreaterThanOrEqual(0);
    }
  });

  test('every finding cites a line of the document and says how to fix it', () => {
    for (const text of [
      complete,
      bareHeadings(complete),
      specFixture('bread.md'),
      specFixture('two-lines.md'),
      '',
    ]) {
      const lineCount = text.split(/\r?\n/).length;
      for (const r of verifySpec(text, payment).rules)
        for (const f of r.findings) {
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.line).toBeLessThanOrEqual(lineCount);
          expect(f.message).toMatch(/:|add|write|replace|remove|move|state|say|name|list|give|use|merge|cut/);
        }
    }
  });

  // The stuffed SPEC's verdict, pinned from its fixture: 16.8, with keyword stuffing found at
  // these lines. Both tests below compare with it, so neither only compares the verifier with itself.
  const stuffed = specFixture('payment-processor.stuffed.md');
  const STUFFED_LINES = [1, 5, 6, 10, 11, 16, 17, 21, 25, 29, 33, 37, 41, 45, 49];
  const stuffingLines = (v: ReturnType<typeof verifySpec>) =>
    v.rules.find((r) => r.id === 'keyword-stuffing')!.findings.map((f) => f.line);

  test('the same input always gives the same result, whatever was verified before', () => {
    const first = verifySpec(stuffed, payment);
    expect([first.score, first.passed, stuffingLines(first)]).toEqual([16.8, false, STUFFED_LINES]);
    // State left by other verifications (another intent, a complete SPEC, a damaged one) changes nothing.
    expect(verifySpec(stuffed, hello).score).toBe(4);
    expect(verifySpec(complete, payment).score).toBe(100);
    verifySpec(bareHeadings(complete), payment);
    expect(verifySpec(stuffed, payment)).toEqual(first);
  });

  test('Windows line endings give the same verification', () => {
    const crlf = verifySpec(stuffed.replace(/\n/g, '\r\n'), payment);
    expect([crlf.score, stuffingLines(crlf)]).toEqual([16.8, STUFFED_LINES]);
    expect(crlf).toEqual(verifySpec(stuffed, payment));
    expect(verifySpec(complete.replace(/\n/g, '\r\n'), payment).score).toBe(100);
  });
});
