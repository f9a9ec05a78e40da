import { formatDiagnostic } from '../core/diagnostics.js';
import { findCycles, validateIntentRepository } from '../core/intent/repository.js';
import { intentYaml } from './helpers/tmp.js';

const repo = (files: Record<string, string>) =>
  validateIntentRepository(
    Object.entries(files).map(([name, text]) => ({
      path: `intents/${name}.yaml`,
      bytes: new TextEncoder().encode(text),
    })),
  );
const errorsOf = (files: Record<string, string>) =>
  Object.fromEntries(repo(files).map((r) => [r.path, r.errors.map(formatDiagnostic)]));

describe('repository-wide rules', () => {
  test('distinct ports and known dependencies are valid', () => {
    const reports = repo({
      api: intentYaml('api', { port: 9001, dependencies: ['db', 'registry', 'orchestrator', 'verifier'] }),
      db: intentYaml('db', { port: 9002, dependencies: [] }),
    });
    expect(reports.map((r) => r.errors)).toEqual([[], []]);
    expect(reports.every((r) => r.intent)).toBe(true);
  });

  test('a port clash names both files, each with its position', () => {
    const result = errorsOf({ aa: intentYaml('aa', { port: 9001 }), bb: intentYaml('bb', { port: 9001 }) });
    expect(result['intents/aa.yaml']).toEqual([
      'intents/aa.yaml:5:7: error: port: 9001 is also used by intents/bb.yaml:5:7; ports must be unique',
    ]);
    expect(result['intents/bb.yaml']).toEqual([
      'intents/bb.yaml:5:7: error: port: 9001 is also used by intents/aa.yaml:5:7; ports must be unique',
    ]);
  });

  test('an unknown dependency is refused with a suggestion', () => {
    const result = errorsOf({
      billing: intentYaml('billing', { port: 9001, dependencies: ['registery', 'ledger'] }),
      ledgers: intentYaml('ledgers', { port: 9002, dependencies: [] }),
    });
    expect(result['intents/billing.yaml']).toEqual([
      "intents/billing.yaml:9:5: error: dependencies[0]: 'registery' is neither an intent in this repository nor known infrastructure (registry, orchestrator, verifier); did you mean 'registry'?",
      "intents/billing.yaml:10:5: error: dependencies[1]: 'ledger' is neither an intent in this repository nor known infrastructure (registry, orchestrator, verifier); did you mean 'ledgers'?",
    ]);
    expect(result['intents/ledgers.yaml']).toEqual([]);
  });

  test('a dependency on an intent that is itself invalid still counts as existing', () => {
    const result = errorsOf({
      api: intentYaml('api', { port: 9001, dependencies: ['db'] }),
      db: intentYaml('db', { port: 80, dependencies: [] }),
    });
    expect(result['intents/api.yaml']).toEqual([]);
    expect(result['intents/db.yaml']).toHaveLength(1);
  });

  test('a valid file next to an invalid one is never blamed', () => {
    const result = errorsOf({
      good: intentYaml('good', { port: 9001 }),
      bad: 'service_name: bad\nport: [\n',
      clash: intentYaml('clash', { port: 9001, service_type: 'robot' }),
    });
    expect(result['intents/good.yaml']).toEqual([]);
    expect(result['intents/bad.yaml']).not.toEqual([]);
  });

  test('a dependency cycle is printed and reported on every member', () => {
    const cycle = errorsOf({
      aa: intentYaml('aa', { port: 9001, dependencies: ['bb'] }),
      bb: intentYaml('bb', { port: 9002, dependencies: ['registry', 'cc'] }),
      cc: intentYaml('cc', { port: 9003, dependencies: ['aa'] }),
      dd: intentYaml('dd', { port: 9004, dependencies: ['aa'] }),
    });
    expect(cycle['intents/aa.yaml']).toEqual([
      'intents/aa.yaml:9:5: error: dependencies[0]: dependency cycle: aa -> bb -> cc -> aa',
    ]);
    expect(cycle['intents/bb.yaml']).toEqual([
      'intents/bb.yaml:10:5: error: dependencies[1]: dependency cycle: aa -> bb -> cc -> aa',
    ]);
    expect(cycle['intents/cc.yaml']).toHaveLength(1);
    expect(cycle['intents/dd.yaml']).toEqual([]);
  });

  test('findCycles finds each cycle once and ignores acyclic parts', () => {
    const graph = new Map<string, string[]>([
      ['a', ['b']],
      ['b', ['a']],
      ['c', ['d']],
      ['d', ['e']],
      ['e', ['c', 'x']],
      ['f', ['a']],
    ]);
    expect(findCycles(graph)).toEqual(
      expect.arrayContaining([
        ['a', 'b', 'a'],
        ['c', 'd', 'e', 'c'],
      ]),
    );
    expect(findCycles(graph)).toHaveLength(2);
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });
});
