import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLedger } from '../core/ledger/reader.js';
import { findFreePort } from '../core/udc/launch.js';
import { cli } from './helpers/cli.js';
import { RULE_WEIGHTS } from './helpers/specs.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

describe('assembly-line spec and verify', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree({
      'intents/urgent-fix.yaml': intentYaml('urgent-fix', { priority: 'critical', port: 9201 }),
      'intents/someday.yaml': intentYaml('someday', {
        priority: 'low',
        port: 9202,
        key_features: ['Weekly digest', 'GET /digest endpoint'],
      }),
    });
    copyFileSync(join(repoRoot, 'intents/hello-world.yaml'), tree.path('intents/hello-world.yaml'));
  });
  const spawned: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of spawned.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    tree.cleanup();
  });

  test('writes SPECs in priority order with progress on stderr and a ledger record each', async () => {
    const result = await cli(
      [
        'spec',
        'intents/someday.yaml',
        'intents/hello-world.yaml',
        'intents/urgent-fix.yaml',
        '--concurrency',
        '1',
      ],
      tree.root,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('provider: offline (ANTHROPIC_API_KEY is not set)');
    const order = [...result.stderr.matchAll(/\[([a-z-]+)\] ok spec_generation/g)].map((m) => m[1]);
    expect(order).toEqual(['urgent-fix', 'someday', 'hello-world']);
    expect(result.stdout).toMatch(/passed {2}urgent-fix {2}score \d+/);
    for (const name of ['urgent-fix', 'someday', 'hello-world']) {
      expect(readFileSync(tree.path(`specs/${name}/SPEC.md`), 'utf8')).toContain(`# ${name}`);
    }
    const ledger = readLedger(tree.path('.assembly-line'));
    expect(ledger.records.map((r) => [r.intent.name, r.kind, r.outcome])).toEqual(
      expect.arrayContaining([
        ['urgent-fix', 'spec', 'succeeded'],
        ['someday', 'spec', 'succeeded'],
        ['hello-world', 'spec', 'succeeded'],
      ]),
    );
    expect(ledger.records[0]!.phases.map((p) => p.name)).toEqual(['spec_generation', 'spec_verification']);
  });

  test('--format json lists each result; a second run reuses the SPECs', async () => {
    await cli(['spec', 'intents/hello-world.yaml'], tree.root);
    const result = await cli(['spec', 'intents/hello-world.yaml', '--format', 'json'], tree.root);
    expect(result.code).toBe(0);
    const { results } = JSON.parse(result.stdout);
    expect(results).toEqual([
      expect.objectContaining({
        name: 'hello-world',
        priority: 'low',
        action: 'reused',
        status: 'passed',
        spec: 'specs/hello-world/SPEC.md',
        cost_usd: 0,
      }),
    ]);
  });

  test('an invalid intent is refused with its located errors, exit 1', async () => {
    tree.write('intents/broken.yaml', intentYaml('broken', { port: 80 }));
    const result = await cli(['spec', 'intents/broken.yaml'], tree.root);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('intents/broken.yaml:5:7: error: port: must be at least 1024');
  });

  // It used to write every SPEC (and ledger record) into the first intent's repository.
  test('intents from two repositories get their SPECs and ledger records in their own repository', async () => {
    const other = tempTree({ 'intents/elsewhere.yaml': intentYaml('elsewhere', { port: 9203 }) });
    try {
      const result = await cli(
        ['spec', tree.path('intents/someday.yaml'), other.path('intents/elsewhere.yaml')],
        tree.root,
      );
      expect(result.code).toBe(0);
      expect(existsSync(tree.path('specs/someday/SPEC.md'))).toBe(true);
      expect(existsSync(other.path('specs/elsewhere/SPEC.md'))).toBe(true);
      expect(existsSync(tree.path('specs/elsewhere'))).toBe(false);
      expect(readLedger(other.path('.assembly-line')).records.map((r) => r.intent.name)).toEqual([
        'elsewhere',
      ]);
      expect(readLedger(tree.path('.assembly-line')).records.map((r) => r.intent.name)).toEqual(['someday']);

      other.write('intents/someday.yaml', intentYaml('someday', { port: 9204 }));
      const clash = await cli(
        ['spec', 'intents/someday.yaml', other.path('intents/someday.yaml')],
        tree.root,
      );
      expect(clash.code).toBe(2);
      expect(clash.stderr).toContain(
        `intents/someday.yaml and ${other.path('intents/someday.yaml')} both name the service 'someday'; run spec once for each`,
      );
    } finally {
      other.cleanup();
    }
  });

  // With the API down, spec used to sit silent through its 10 s and 30 s waits.
  test('while the model API refuses connections, each retry is announced', async () => {
    const closedPort = await findFreePort();
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/assembly-line.js'), 'spec', 'intents/someday.yaml'],
      {
        cwd: tree.root,
        env: {
          PATH: process.env.PATH,
          HOME: tree.root,
          ANTHROPIC_API_KEY: 'sk-ant-test-not-a-key',
          ANTHROPIC_BASE_URL: `http://127.0.0.1:${closedPort}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    spawned.push(child);
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const at = stderr.indexOf('retrying');
        if (at >= 0 && stderr.includes('\n', at)) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`spec exited ${code} without a retry notice: ${stderr}`)),
      );
    });
    expect(stderr).toContain('retrying in 10 s (attempt 2 of 3): connection refused\n');
    expect(stderr).not.toContain('sk-ant-test-not-a-key');
  }, 30_000);

  test('an unknown provider setting is a clear error', async () => {
    const result = await cli(['spec', 'intents/hello-world.yaml'], tree.root, {
      ASSEMBLY_LINE_PROVIDER: 'gpt',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ASSEMBLY_LINE_PROVIDER must be offline or anthropic');
  });

  test('verify: a good SPEC exits 0; JSON has score, passed and rules', async () => {
    await cli(['spec', 'intents/hello-world.yaml'], tree.root);
    const text = await cli(['verify', 'specs/hello-world/SPEC.md'], tree.root);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/score \d+(\.\d)?\/100: passed/);
    const json = await cli(
      ['verify', 'specs/hello-world/SPEC.md', '--intent', 'intents/hello-world.yaml', '--format', 'json'],
      tree.root,
    );
    const report = JSON.parse(json.stdout);
    expect(report.passed).toBe(true);
    expect(report.score).toBeGreaterThanOrEqual(90);
    expect(report.rules.map((r: { id: string; weight: number }) => [r.id, r.weight])).toEqual(RULE_WEIGHTS);
    // The stored SPEC has every section: the first rule passes whole, with nothing to report.
    expect(report.rules[0]).toEqual({ id: 'sections', weight: 14, score: 1, findings: [] });
  });

  test('verify: a poor SPEC exits 3 and prints path:line: rule: message findings', async () => {
    writeFileSync(tree.path('thin.md'), '# hello-world\n\nTODO: write this. It will be fast.\n');
    const result = await cli(['verify', 'thin.md', '--intent', 'intents/hello-world.yaml'], tree.root);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^thin\.md:\d+: [a-z-]+: .+$/m);
    expect(result.stdout).toMatch(/thin\.md:3: no-placeholders: /);
    expect(result.stdout).toContain('below the gate of 90');
  });

  test('verify: a table-layout SPEC passes; with its port changed it exits 3 and marks the blocking finding', async () => {
    const table = readFileSync(join(repoRoot, 'test/fixtures/specs/corpus/hello-world.table.md'), 'utf8');
    writeFileSync(tree.path('table.md'), table);
    const good = await cli(['verify', 'table.md', '--intent', 'intents/hello-world.yaml'], tree.root);
    expect([good.code, good.stdout.trim()]).toEqual([0, 'score 100/100: passed']);
    writeFileSync(tree.path('moved.md'), table.replace('| `PORT` | 8999 |', '| `PORT` | 8080 |'));
    const moved = await cli(['verify', 'moved.md', '--intent', 'intents/hello-world.yaml'], tree.root);
    expect(moved.code).toBe(3);
    const portLine = table.split('\n').findIndex((l) => l.startsWith('| `PORT` |')) + 1;
    expect(moved.stdout).toContain(
      `moved.md:${portLine}: port: port 8080 contradicts the intent's port 8999: write 8999 [blocks the gate]`,
    );
    expect(moved.stdout).toContain('score 89/100: below the gate of 90 (1 blocking finding(s))');
  });

  test('verify: a missing SPEC, or no intent to judge it by, is a clear error', async () => {
    expect((await cli(['verify', 'nope.md'], tree.root)).stderr).toContain('nope.md: no such file');
    writeFileSync(tree.path('lonely.md'), '# x\n');
    expect((await cli(['verify', 'lonely.md'], tree.root)).stderr).toContain('pass --intent');
    expect((await cli(['verify'], tree.root)).code).toBe(2);
  });
});
