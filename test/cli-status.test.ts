import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError, UserError } from '../core/cli/io.js';
import { createStatusCommand, statusCommand } from '../core/cli/status-command.js';
import { ledgerDir, ledgerFile, startRun } from '../core/ledger/recorder.js';
import { zeroUsage } from '../core/ports/index.js';
import { tempTree } from './helpers/tmp.js';

const NOW = Date.UTC(2026, 2, 10, 15, 0, 0);
const MIN = 60_000;

/** Runs `status` in-process as main.ts would (same option parsing), with a fixed "now". */
async function status(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
  isTTY = false,
) {
  const command = createStatusCommand(() => NOW);
  const { values, positionals } = parseArgs({
    args: argv,
    options: command.options,
    allowPositionals: true,
    strict: true,
  });
  let stdout = '';
  let stderr = '';
  const code = await command.run({
    io: {
      stdout: { write: (t: string) => (stdout += t), isTTY },
      stderr: { write: (t: string) => (stderr += t) },
      cwd,
      env,
    },
    values,
    positionals,
  });
  return { code, stdout, stderr };
}

/** Records a few runs: two finished today, one under way, one yesterday. */
function recordRuns(dir: string) {
  const clockAt = (start: number) => {
    let t = start;
    return { clock: () => t, advance: (ms: number) => (t += ms) };
  };
  const yesterday = clockAt(NOW - 24 * 60 * MIN);
  startRun({
    dir,
    kind: 'spec',
    intent: { name: 'old', hash: '00000000ffff' },
    clock: yesterday.clock,
  }).finish('succeeded');

  const spec = clockAt(NOW - 60 * MIN);
  const a = startRun({
    dir,
    kind: 'spec',
    intent: { name: 'payment', hash: 'aaaaaaaa1111' },
    clock: spec.clock,
  });
  a.startPhase('spec_generation');
  a.recordLlmCall({ ...zeroUsage('anthropic', 'claude'), costUsd: 0.0421, task: 'write-spec' });
  a.recordScore(86);
  a.recordScore(94);
  spec.advance(12 * MIN);
  a.finish('succeeded');

  const build = clockAt(NOW - 40 * MIN);
  const b = startRun({
    dir,
    kind: 'build',
    intent: { name: 'billing', hash: 'bbbbbbbb2222' },
    clock: build.clock,
  });
  b.startPhase('tests');
  build.advance(8 * MIN);
  b.finish('failed', 'pytest: 2 failed');

  const live = clockAt(NOW - 5 * MIN);
  const c = startRun({
    dir,
    kind: 'run',
    intent: { name: 'hello-world', hash: 'cccccccc3333' },
    clock: live.clock,
  });
  c.startPhase('deploy');
}

describe('assembly-line status', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree({ 'intents/.keep': '' });
  });
  afterEach(() => tree.cleanup());

  test('--format json prints the dashboard of the enclosing repository, from a subdirectory too', async () => {
    recordRuns(ledgerDir(tree.root));
    tree.write('deep/er/.keep', '');
    const result = await status(['--format', 'json'], tree.path('deep/er'));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      summary: {
        total_intents_today: 3,
        completed_today: 1,
        failed_today: 1,
        success_rate: 0.5,
        avg_pipeline_duration_minutes: 10,
      },
      active_pipelines: [{ intent_id: 'hello-world@cccccccc', service_name: 'hello-world', phase: 'deploy' }],
      queue: [],
    });
  });

  test('text output: summary, active pipelines and recent runs with outcome, score and cost', async () => {
    recordRuns(ledgerDir(tree.root));
    const result = await status([], tree.root);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Today (2026-03-10 UTC)',
      '  runs 3 · completed 1 · failed 1 · success rate 50% · average 10 min',
      '',
      'Active pipelines (1)',
      '  hello-world@cccccccc  run  deploy  since 2026-03-10 14:55',
    ]);
    expect(result.stdout).toContain('Recent runs (4 of 4)');
    const recentStart = lines.findIndex((l) => l.startsWith('Recent runs'));
    const row = (text: string) =>
      lines
        .slice(recentStart)
        .find((l) => l.includes(text))!
        .trim()
        .split(/\s{2,}/);
    expect(row('STARTED')).toEqual([
      'STARTED (UTC)',
      'KIND',
      'INTENT',
      'OUTCOME',
      'SCORE',
      'COST',
      'DURATION',
    ]);
    expect(row('payment@')).toEqual([
      '2026-03-10 14:00',
      'spec',
      'payment@aaaaaaaa',
      'succeeded',
      '94',
      '$0.0421',
      '12.0 min',
    ]);
    expect(row('billing@')).toEqual([
      '2026-03-10 14:20',
      'build',
      'billing@bbbbbbbb',
      'failed',
      '-',
      '$0.0000',
      '8.0 min',
    ]);
    expect(row('hello-world@')).toEqual([
      '2026-03-10 14:55',
      'run',
      'hello-world@cccccccc',
      'running',
      '-',
      '$0.0000',
      '-',
    ]);
    // Newest first.
    expect(lines.slice(recentStart + 2).map((l) => l.trim().split(/\s+/)[3])).toEqual([
      'hello-world@cccccccc',
      'billing@bbbbbbbb',
      'payment@aaaaaaaa',
      'old@00000000',
      undefined,
    ]);
    expect(result.stdout).not.toContain('\x1b[');
  });

  test('--recent limits the runs listed; a bad value is a usage error', async () => {
    recordRuns(ledgerDir(tree.root));
    const result = await status(['--recent', '1'], tree.root);
    expect(result.stdout).toContain('Recent runs (1 of 4)');
    expect(result.stdout).toMatch(/hello-world@cccccccc +running/);
    expect(result.stdout).not.toContain('payment@aaaaaaaa');
    await expect(status(['--recent', 'many'], tree.root)).rejects.toThrow(UsageError);
  });

  test('an empty repository says no runs yet', async () => {
    const result = await status([], tree.root);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('runs 0 · completed 0 · failed 0 · success rate 0% · average 0 min');
    expect(result.stdout).toContain('Active pipelines (0)\n  none');
    expect(result.stdout).toContain('no runs recorded yet');
  });

  test('--ledger DIR reads another ledger, relative to the working directory', async () => {
    recordRuns(tree.path('elsewhere'));
    const result = await status(['--ledger', 'elsewhere', '--format', 'json'], tree.root);
    expect(JSON.parse(result.stdout).summary.completed_today).toBe(1);
  });

  test('invalid lines are skipped with a warning on stderr; the exit code stays 0', async () => {
    recordRuns(ledgerDir(tree.root));
    appendFileSync(ledgerFile(ledgerDir(tree.root)), 'garbage\n{"v":1,"run_id":"torn"');
    const result = await status(['--format', 'json'], tree.root);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'assembly-line: warning: .assembly-line/ledger.jsonl: skipped 1 invalid line (line 16: not JSON)\n',
    );
    expect(JSON.parse(result.stdout).summary.total_intents_today).toBe(3);
  });

  test('outside a repository without --ledger is a user error naming the fix', async () => {
    const outside = tempTree();
    try {
      await expect(status([], outside.root)).rejects.toThrow(
        new UserError('no intents/ folder here or in any parent directory; pass --ledger DIR'),
      );
    } finally {
      outside.cleanup();
    }
  });

  test('an unreadable ledger is a user error, not a crash', async () => {
    tree.write('.assembly-line/ledger.jsonl/oops', 'a directory where the file should be');
    await expect(status([], tree.root)).rejects.toThrow(/^cannot read the ledger in \.assembly-line: EISDIR/);
  });

  test('outcomes are coloured on a terminal, and not with NO_COLOR', async () => {
    recordRuns(ledgerDir(tree.root));
    const coloured = await status([], tree.root, {}, true);
    expect(coloured.stdout).toContain('\x1b[32msucceeded\x1b[39m');
    expect(coloured.stdout).toContain('\x1b[31mfailed   \x1b[39m');
    const plain = await status([], tree.root, { NO_COLOR: '1' }, true);
    expect(plain.stdout).not.toContain('\x1b[');
  });

  test('the exported command is named status and documents its options', () => {
    expect(statusCommand.name).toBe('status');
    expect(Object.keys(statusCommand.options)).toEqual(['format', 'ledger', 'recent']);
  });
});
