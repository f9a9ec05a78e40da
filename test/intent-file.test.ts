import { formatDiagnostic } from '../core/diagnostics.js';
import { validateIntentSource } from '../core/intent/validate.js';
import { loadYamlMapping } from '../core/yaml-source.js';
import { intentYaml } from './helpers/tmp.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const check = (text: string | Uint8Array, path = 'intents/svc.yaml') =>
  validateIntentSource(path, typeof text === 'string' ? bytes(text) : text);
const lines = (text: string | Uint8Array, path?: string) => check(text, path).errors.map(formatDiagnostic);

describe('a single intent file', () => {
  test('a complete intent is valid and gets the documented defaults', () => {
    const report = check(intentYaml('svc', { priority: undefined }));
    expect(report.errors).toEqual([]);
    expect(report.intent).toMatchObject({
      service_name: 'svc',
      priority: 'medium',
      approval_mode: 'checkpoints',
      auto_build: true,
      deploy_local: true,
      deploy_production: false,
    });
  });

  test('dependencies default to an empty list', () => {
    expect(check(intentYaml('svc', { dependencies: undefined })).intent?.dependencies).toEqual([]);
  });

  test('an empty file is refused at 1:1', () => {
    expect(lines('')).toEqual([
      'intents/svc.yaml:1:1: error: file: is empty; an intent is a YAML mapping of fields',
    ]);
    expect(lines('# only a comment\n')).toHaveLength(1);
  });

  test('a YAML syntax error names its line and column', () => {
    const [error] = check('service_name: svc\nkey_features: [a, b\nport: 9000\n').errors;
    expect(error).toMatchObject({ field: 'yaml', line: expect.any(Number), col: expect.any(Number) });
    expect(error!.line).toBeGreaterThanOrEqual(2);
  });

  test('a port given as a string is a type error at the value', () => {
    expect(lines(intentYaml('svc', { port: '"8999"' }).replace('"\\"8999\\""', '"8999"'))).toContain(
      'intents/svc.yaml:5:7: error: port: must be a number, not the text "8999" (remove the quotes)',
    );
  });

  test('features given as a string is a type error', () => {
    const text = intentYaml('svc').replace(
      /key_features:\n {2}- "GET \/items endpoint"/,
      'key_features: GET /items',
    );
    expect(lines(text)).toEqual([
      'intents/svc.yaml:6:15: error: key_features: must be a list, not the text "GET /items" (write one item per line, each starting with "- ")',
    ]);
  });

  test.each([
    [1023, 'must be at least 1024'],
    [65536, 'must be at most 65535'],
    [8080.5, 'must be a whole number'],
  ])('port %p is refused: %s', (port, message) => {
    expect(lines(intentYaml('svc', { port }))[0]).toMatch(`intents/svc.yaml:5:7: error: port: ${message}`);
  });

  test('ports 1024 and 65535 are the inclusive bounds', () => {
    expect(check(intentYaml('svc', { port: 1024 })).errors).toEqual([]);
    expect(check(intentYaml('svc', { port: 65535 })).errors).toEqual([]);
  });

  test.each([
    ['Svc', 'must start with a lowercase letter'],
    ['s', 'must be at least 2 characters'],
    ['svc-', 'must start with a lowercase letter'],
    ['1svc', 'must start with a lowercase letter'],
    ['s_vc', 'must start with a lowercase letter'],
    ['a'.repeat(64), 'must be at most 63 characters'],
  ])('service name %p is refused', (name, message) => {
    const [error] = check(intentYaml(name), `intents/${name}.yaml`).errors;
    expect(error).toMatchObject({ field: 'service_name', line: 1, col: 15 });
    expect(error!.message).toContain(message);
  });

  test('a 2-character and a 63-character name are accepted', () => {
    expect(check(intentYaml('ab'), 'intents/ab.yaml').errors).toEqual([]);
    const long = `a${'b'.repeat(62)}`;
    expect(check(intentYaml(long), `intents/${long}.yaml`).errors).toEqual([]);
  });

  test('the name must equal the file base name', () => {
    expect(lines(intentYaml('other'))).toEqual([
      "intents/svc.yaml:1:15: error: service_name: 'other' must equal the file's base name 'svc' (rename one of them)",
    ]);
  });

  test('an unknown field is reported at its key, with a suggestion', () => {
    expect(lines(`${intentYaml('svc')}prority: high\n`)).toEqual([
      "intents/svc.yaml:10:1: error: prority: unknown field; did you mean 'priority'?",
    ]);
    expect(lines(`${intentYaml('svc')}colour: blue\n`)).toEqual([
      'intents/svc.yaml:10:1: error: colour: unknown field',
    ]);
  });

  test('a misspelt enum value gets a suggestion', () => {
    expect(lines(intentYaml('svc', { priority: 'hgih', approval_mode: 'checkpoint' }))).toEqual([
      "intents/svc.yaml:3:11: error: priority: 'hgih' is not one of critical, high, medium, low; did you mean 'high'?",
      "intents/svc.yaml:10:16: error: approval_mode: 'checkpoint' is not one of auto, checkpoints, final; did you mean 'checkpoints'?",
    ]);
  });

  test('missing required fields are each reported', () => {
    const fields = check('service_name: svc\n').errors.map((e) => e.field);
    expect(fields.sort()).toEqual(['key_features', 'port', 'purpose', 'service_type']);
  });

  test('a duplicate key is refused at the second occurrence', () => {
    expect(lines(`${intentYaml('svc')}port: 9001\n`)).toEqual([
      'intents/svc.yaml:10:1: error: port: is given more than once; keep one',
    ]);
  });

  test('a billion-laughs alias bomb is refused without being expanded', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    // Expanded, this is 9^9 (387 million) strings: the test could not finish if the loader expanded it.
    const [error] = check(`${levels.join('\n')}\n`).errors;
    expect(error).toMatchObject({ field: 'yaml', line: 2 });
    expect(error!.message).toContain('alias bomb');
  });

  test('the alias limit counts expanded nodes, not alias references', () => {
    const doc = (copies: number) =>
      new TextEncoder().encode(
        `a: &a [${Array(50).fill('"x"').join(',')}]\nb: [${Array(copies).fill('*a').join(',')}]\n`,
      );
    // Each copy of `a` expands to 51 nodes (the list and its 50 items).
    const limits = { maxBytes: 256 * 1024, maxExpandedNodes: 1000 };
    expect(loadYamlMapping(doc(10), 'x.yaml', limits).ok).toBe(true);
    const refused = loadYamlMapping(doc(30), 'x.yaml', limits);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.errors[0]!.message).toContain('more than 1000 nodes');
  });

  test('a small, harmless alias is allowed', () => {
    const text = intentYaml('svc', { dependencies: undefined }).replace(
      'key_features:',
      'dependencies: &deps\n  - registry\nx_features: *deps\nkey_features:',
    );
    // x_features is unknown: the alias is resolved, and the unknown field is the only complaint.
    expect(check(text).errors.map((e) => e.field)).toEqual(['x_features']);
  });

  test('bytes that are not UTF-8 are refused with their position', () => {
    const text = bytes('service_name: svc\npurpose: caf');
    const latin1 = new Uint8Array([...text, 0xe9, 0x0a]);
    expect(lines(latin1)).toEqual([
      'intents/svc.yaml:2:13: error: encoding: byte 0xe9 at offset 30 is not valid UTF-8; save the file as UTF-8',
    ]);
  });

  test('unicode in text fields is allowed', () => {
    const report = check(
      intentYaml('svc', { purpose: 'Zahlungen für Café ☕ — 支付处理', key_features: ['Résumé export 📄'] }),
    );
    expect(report.errors).toEqual([]);
    expect(report.intent?.purpose).toBe('Zahlungen für Café ☕ — 支付处理');
  });

  test('a UTF-8 byte order mark is accepted', () => {
    expect(check(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(intentYaml('svc'))])).errors).toEqual([]);
  });

  test('a document that is not a mapping is refused', () => {
    expect(lines('- a\n- b\n')).toEqual([
      'intents/svc.yaml:1:1: error: yaml: the document must be a mapping of fields, not a sequence',
    ]);
    expect(lines('just text\n')[0]).toContain('not a string');
  });

  test('a multi-document file is refused', () => {
    expect(lines(`${intentYaml('svc')}---\n${intentYaml('svc')}`)[0]).toMatch(
      /^intents\/svc\.yaml:10:1: error: yaml: has 2 documents/,
    );
  });

  test('an oversized file is refused before parsing', () => {
    const huge = `${intentYaml('svc')}# ${'x'.repeat(300 * 1024)}\n`;
    expect(lines(huge)[0]).toMatch(/file: is \d+ bytes; the limit is 262144 bytes/);
  });

  test('empty and blank features are refused at the item', () => {
    expect(lines(intentYaml('svc', { key_features: ['ok', '  '] }))).toEqual([
      'intents/svc.yaml:8:5: error: key_features[1]: must not be empty',
    ]);
    expect(lines(intentYaml('svc', { key_features: [] }))[0]).toContain(
      'key_features: must list at least one feature',
    );
  });

  test('a self-dependency and a repeated dependency are refused', () => {
    expect(lines(intentYaml('svc', { dependencies: ['svc', 'registry', 'registry'] }))).toEqual([
      "intents/svc.yaml:9:5: error: dependencies[0]: 'svc' is the service itself; a service cannot depend on itself",
      "intents/svc.yaml:11:5: error: dependencies[2]: 'registry' is listed twice (first at line 10); keep one",
    ]);
  });

  test('every error of a file is reported, not only the first', () => {
    const report = check('service_name: svc\nservice_type: robot\nport: 80\nkey_features: []\nextra: 1\n');
    expect(report.errors.map((e) => e.field).sort()).toEqual([
      'extra',
      'key_features',
      'port',
      'purpose',
      'service_type',
    ]);
  });

  test('yes/no for a boolean explains YAML 1.2', () => {
    expect(lines(`${intentYaml('svc')}auto_build: yes\n`)[0]).toContain('write true or false');
  });
});
