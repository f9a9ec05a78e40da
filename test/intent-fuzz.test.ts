import { mulberry32 } from '../bench/spec-corpus.js';
import { validateIntentSource } from '../core/intent/validate.js';
import { intentYaml } from './helpers/tmp.js';

const FRAGMENTS = [
  ':',
  '-',
  ' ',
  '\n',
  '  ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a',
  '*a',
  '!!str',
  '!tag',
  '---',
  '...',
  '"',
  "'",
  '#',
  '|',
  '>',
  '?',
  '%YAML 1.2',
  '\t',
  'port',
  'service_name',
  '9999',
  '-1',
  '0x1F',
  '1e9',
  'null',
  '~',
  'true',
  'yes',
  '☕',
  '\u0000',
  '\uFFFF',
  '<<: *a',
  'key_features:',
  '\r\n',
];

function mutate(text: string, random: () => number): string {
  let result = text;
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (result.length + 1));
    const choice = random();
    if (choice < 0.4) {
      const fragment = FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]!;
      result = result.slice(0, at) + fragment + result.slice(at);
    } else if (choice < 0.7) {
      result = result.slice(0, at) + result.slice(at + 1 + Math.floor(random() * 10));
    } else if (choice < 0.85) {
      const from = Math.floor(random() * result.length);
      result = result.slice(0, at) + result.slice(from, from + 20) + result.slice(at);
    } else {
      result = result.slice(0, at) + String.fromCharCode(Math.floor(random() * 0xd7ff)) + result.slice(at);
    }
  }
  return result;
}

function generated(random: () => number): string {
  const pieces: string[] = [];
  const count = Math.floor(random() * 12);
  for (let i = 0; i < count; i++) pieces.push(FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]!);
  return pieces.join(random() < 0.5 ? '' : ' ');
}

/** Well-formed YAML with random field values: some valid intents, some schema errors. */
function varied(random: () => number): string {
  const text = () =>
    Array.from({ length: Math.floor(random() * 12) }, () =>
      String.fromCharCode(32 + Math.floor(random() * 0x2000)),
    ).join('');
  return intentYaml('svc', {
    port: Math.floor(random() * 70000),
    purpose: text(),
    key_features: Array.from({ length: Math.floor(random() * 4) }, text),
    priority: ['critical', 'high', 'medium', 'low', 'urgent'][Math.floor(random() * 5)],
  });
}

describe('fuzzing the intent parser', () => {
  test('3,000 mutated and generated documents end as a valid intent or located errors, never a throw', () => {
    const random = mulberry32(20261125);
    const base = intentYaml('svc', { key_features: ['GET /a', 'POST /b'], dependencies: ['registry'] });
    let valid = 0;
    let invalid = 0;
    for (let i = 0; i < 3000; i++) {
      const text = i % 3 === 0 ? generated(random) : i % 3 === 1 ? mutate(base, random) : varied(random);
      const bytes =
        i % 17 === 0
          ? new Uint8Array([...new TextEncoder().encode(text), Math.floor(random() * 256)])
          : new TextEncoder().encode(text);
      let report: ReturnType<typeof validateIntentSource>;
      try {
        report = validateIntentSource('intents/svc.yaml', bytes);
      } catch (error) {
        throw new Error(`case ${i} threw ${String(error)} for input ${JSON.stringify(text)}`);
      }
      if (report.intent) {
        expect(report.errors).toEqual([]);
        valid++;
      } else {
        expect(report.errors.length).toBeGreaterThan(0);
        for (const e of report.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.col).toBeGreaterThanOrEqual(1);
          expect(e.field.length).toBeGreaterThan(0);
          expect(e.message.length).toBeGreaterThan(0);
        }
        invalid++;
      }
    }
    expect(invalid).toBeGreaterThan(0);
    expect(valid).toBeGreaterThan(0);
  });

  test('deep nesting is refused, not a stack overflow', () => {
    const deep = `a: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    const report = validateIntentSource('intents/svc.yaml', new TextEncoder().encode(deep));
    expect(report.intent).toBeUndefined();
    expect(report.errors[0]!.line).toBe(1);
  });
});
