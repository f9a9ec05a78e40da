import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildsSummary, dashboard } from '../core/ledger/dashboard.js';
import { ledgerWarnings, parseLedger, readLedger } from '../core/ledger/reader.js';
import { LedgerError, ledgerDir, ledgerFile, startRun } from '../core/ledger/recorder.js';
import { type LedgerRecord, LedgerRecordSchema } from '../core/ledger/schema.js';
import { recordingReporter } from '../core/pipeline/context.js';
import { zeroUsage } from '../core/ports/index.js';
import { PriorityQueue } from '../core/queue/priority-queue.js';
import { redactSecrets } from '../core/redact.js';
import { tempTree } from './helpers/tmp.js';
import { transpileForChildProcesses } from './helpers/transpile.js';

const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);
const SEC = 1000;

/** A clock that advances by `step` ms on every reading. */
function steppingClock(start: number, step = SEC): () => number {
  let now = start - step;
  return () => (now += step);
}

const usage = (task: string, costUsd: number) => ({
  ...zeroUsage('anthropic', 'claude-test', 1200),
  inputTokens: 1000,
  outputTokens: 500,
  cacheReadTokens: 200,
  cacheWriteTokens: 100,
  costUsd,
  task,
});

describe('RunRecorder and the journal', () => {
  let tree: ReturnType<typeof tempTree>;
  let dir: string;
  beforeEach(() => {
    tree = tempTree();
    dir = ledgerDir(tree.root);
  });
  afterEach(() => tree.cleanup());

  test('a recorded run is read back exactly, as one JSON line per call', () => {
    const recorder = startRun({
      dir,
      kind: 'spec',
      intent: { name: 'payment', hash: 'abcdef0123456789' },
      clock: steppingClock(T0),
      runId: 'spec-run-1',
    });
    recorder.startPhase('spec_generation');
    recorder.recordLlmCall(usage('write-spec', 0.0125));
    recorder.finishPhase('spec_generation', 'ok');
    recorder.startPhase('spec_verification');
    recorder.recordScore(84);
    recorder.finishPhase('spec_verification', 'failed', 'score 84 < 90');
    recorder.finishPhase('deploy', 'skipped', 'auto_build is false');
    recorder.recordScore(93);
    recorder.recordTests({ passed: 12, failed: 1, coverage: 81.5 });
    const finished = recorder.finish('succeeded');

    const expected: LedgerRecord = {
      run_id: 'spec-run-1',
      kind: 'spec',
      intent: { name: 'payment', hash: 'abcdef0123456789' },
      started_at: '2026-03-10T09:00:00.000Z',
      phases: [
        {
          name: 'spec_generation',
          started_at: '2026-03-10T09:00:01.000Z',
          finished_at: '2026-03-10T09:00:03.000Z',
          outcome: 'ok',
        },
        {
          name: 'spec_verification',
          started_at: '2026-03-10T09:00:04.000Z',
          finished_at: '2026-03-10T09:00:06.000Z',
          outcome: 'failed',
          detail: 'score 84 < 90',
        },
        {
          name: 'deploy',
          started_at: '2026-03-10T09:00:07.000Z',
          finished_at: '2026-03-10T09:00:07.000Z',
          outcome: 'skipped',
          detail: 'auto_build is false',
        },
      ],
      llm_calls: [
        {
          task: 'write-spec',
          provider: 'anthropic',
          model: 'claude-test',
          input_tokens: 1000,
          output_tokens: 500,
          cache_read_tokens: 200,
          cache_write_tokens: 100,
          cost_usd: 0.0125,
          duration_ms: 1200,
        },
      ],
      score_history: [84, 93],
      tests: { passed: 12, failed: 1, coverage: 81.5 },
      outcome: 'succeeded',
      finished_at: '2026-03-10T09:00:10.000Z',
    };
    expect(finished).toEqual(expected);
    expect(LedgerRecordSchema.parse(finished)).toEqual(expected);
    const lines = readFileSync(join(tree.root, '.assembly-line/ledger.jsonl'), 'utf8').split('\n');
    expect(lines).toHaveLength(12); // 11 events and the final newline
    expect(lines.at(-1)).toBe('');
    expect(readLedger(dir)).toEqual({
      path: ledgerFile(dir),
      records: [expected],
      invalid: [],
      tornLastLine: false,
    });
  });

  test('finish closes open phases (failed for a failed run) and records the error', () => {
    const recorder = startRun({
      dir,
      kind: 'build',
      intent: { name: 'a', hash: 'h' },
      clock: steppingClock(T0),
    });
    recorder.startPhase('codegen');
    recorder.startPhase('tests');
    const record = recorder.finish('failed', 'pytest exited with 1');
    expect(record.phases.map((p) => [p.name, p.outcome])).toEqual([
      ['codegen', 'failed'],
      ['tests', 'failed'],
    ]);
    expect(record).toMatchObject({ outcome: 'failed', error: 'pytest exited with 1' });
    expect(readLedger(dir).records).toEqual([record]);
    expect(record.run_id).toMatch(/^build-20260310T090000Z-[0-9a-f]{6}$/);
  });

  test('a finished run refuses more events, and bad figures are refused before they are written', () => {
    const recorder = startRun({
      dir,
      kind: 'run',
      intent: { name: 'a', hash: 'h' },
      clock: steppingClock(T0),
    });
    expect(() => recorder.recordScore(Number.NaN)).toThrow(LedgerError);
    expect(() => recorder.recordTests({ passed: 1, failed: 0, coverage: 140 })).toThrow(/tests\.coverage/);
    recorder.finish('succeeded');
    const before = readFileSync(ledgerFile(dir), 'utf8');
    expect(() => recorder.recordScore(90)).toThrow('after it finished');
    expect(() => recorder.finish('failed')).toThrow(LedgerError);
    expect(readFileSync(ledgerFile(dir), 'utf8')).toBe(before);
    expect(recorder.finished).toBe(true);
  });

  test('secrets in details and errors are masked, long texts cut', () => {
    const recorder = startRun({
      dir,
      kind: 'deploy',
      intent: { name: 'a', hash: 'h' },
      clock: steppingClock(T0),
    });
    recorder.finishPhase(
      'deploy',
      'failed',
      `ssh failed; ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnop ${'x'.repeat(5000)}`,
    );
    recorder.finish('failed', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 rejected');
    const text = readFileSync(ledgerFile(dir), 'utf8');
    expect(text).not.toContain('sk-ant-api03');
    expect(text).not.toContain('ghp_abcdef');
    const [record] = readLedger(dir).records;
    expect(record!.phases[0]!.detail).toMatch(
      /^ssh failed; ANTHROPIC_API_KEY=\[redacted\] x+… \[\d+ more characters\]$/,
    );
    expect(record!.error).toBe('token [redacted] rejected');
    expect(
      redactSecrets('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----'),
    ).toBe('[redacted]');
  });

  test('a recording reporter records phases and forwards them', () => {
    const seen: string[] = [];
    const recorder = startRun({
      dir,
      kind: 'build',
      intent: { name: 'a', hash: 'h' },
      clock: steppingClock(T0),
    });
    const reporter = recordingReporter(recorder, {
      phaseStarted: (p) => seen.push(`start ${p}`),
      phaseFinished: (p, o) => seen.push(`${o} ${p}`),
      info: (m) => seen.push(m),
    });
    reporter.phaseStarted('codegen');
    reporter.info('3 files');
    reporter.phaseFinished('codegen', 'ok');
    expect(seen).toEqual(['start codegen', '3 files', 'ok codegen']);
    expect(recorder.record().phases).toMatchObject([{ name: 'codegen', outcome: 'ok' }]);
  });

  test('a missing ledger is empty; an unwritable directory is a named error', () => {
    expect(readLedger(join(tree.root, 'nowhere'))).toMatchObject({ records: [], invalid: [] });
    tree.write('blocker', 'a file, not a directory');
    expect(() =>
      startRun({ dir: tree.path('blocker/sub'), kind: 'spec', intent: { name: 'a', hash: 'h' } }),
    ).toThrow(/cannot create the ledger directory .*blocker\/sub/);
  });
});

describe('reading a damaged journal', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree();
  });
  afterEach(() => tree.cleanup());

  const recordOne = (dir: string, name: string, start: number) => {
    const recorder = startRun({
      dir,
      kind: 'spec',
      intent: { name, hash: 'h1' },
      clock: steppingClock(start),
    });
    recorder.startPhase('spec_generation');
    return recorder.finish('succeeded');
  };

  test('a torn last line is ignored, not counted; the next append starts on a fresh line', () => {
    const dir = tree.path('ledger');
    const first = recordOne(dir, 'one', T0);
    const torn = '{"v":1,"run_id":"spec-x","at":"2026-03-10T09:0';
    appendFileSync(ledgerFile(dir), torn);
    const contents = readLedger(dir);
    expect(contents).toMatchObject({ records: [first], invalid: [], tornLastLine: true });
    expect(ledgerWarnings(contents, 'ledger.jsonl')).toEqual([]);

    const second = recordOne(dir, 'two', T0 + 60 * SEC);
    const after = readLedger(dir);
    expect(after.records).toEqual([first, second]);
    expect(after.tornLastLine).toBe(false);
    // The torn fragment is now a complete (bad) line of its own: reported, and nothing else lost.
    expect(after.invalid).toEqual([{ line: 5, reason: 'not JSON' }]);
  });

  test('a complete last line without its newline still counts', () => {
    const dir = tree.path('ledger');
    const first = recordOne(dir, 'one', T0);
    const text = readFileSync(ledgerFile(dir), 'utf8');
    expect(parseLedger(text.slice(0, -1))).toEqual({ records: [first], invalid: [], tornLastLine: false });
  });

  test('invalid lines are skipped and counted, with their reasons, and the rest is read', () => {
    const dir = tree.path('ledger');
    const good = recordOne(dir, 'good', T0);
    const event = (fields: Record<string, unknown>) =>
      JSON.stringify({ v: 1, at: '2026-03-10T10:00:00.000Z', ...fields });
    appendFileSync(
      ledgerFile(dir),
      [
        'this is not json',
        '',
        JSON.stringify({ hello: 'world' }),
        event({ run_id: 'ghost', event: 'score', score: 90 }),
        event({ run_id: good.run_id, event: 'score', score: 90 }),
        event({ run_id: good.run_id, event: 'run-started', kind: 'spec', intent: { name: 'x', hash: 'y' } }),
        event({ run_id: 'later', event: 'run-started', kind: 'build', intent: { name: 'later', hash: 'z' } }),
        event({ run_id: 'later', event: 'tests', tests: { passed: -1, failed: 0, coverage: 50 } }),
        '',
      ].join('\n'),
    );
    const contents = readLedger(dir);
    expect(contents.records.map((r) => r.run_id)).toEqual([good.run_id, 'later']);
    expect(contents.invalid).toEqual([
      { line: 5, reason: 'not JSON' },
      { line: 7, reason: expect.stringMatching(/^not a ledger event: /) },
      { line: 8, reason: 'event for run ghost, which has no run-started line' },
      { line: 9, reason: `event for run ${good.run_id} after it finished` },
      { line: 10, reason: `run ${good.run_id} started twice` },
      { line: 12, reason: expect.stringMatching(/^not a ledger event: tests\.passed: /) },
    ]);
    expect(ledgerWarnings(contents, 'ledger.jsonl')).toEqual([
      expect.stringMatching(
        /^ledger\.jsonl: skipped 6 invalid lines \(line 5: not JSON; line 7: .*; and 3 more\)$/,
      ),
    ]);
  });
});

describe('concurrent writers', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree();
  });
  afterEach(() => tree.cleanup());

  test('two recorders interleaving in one process produce valid lines and both runs', () => {
    const dir = tree.path('ledger');
    const clock = steppingClock(T0);
    const a = startRun({ dir, kind: 'spec', intent: { name: 'a', hash: 'ha' }, clock });
    const b = startRun({ dir, kind: 'build', intent: { name: 'b', hash: 'hb' }, clock });
    for (let i = 0; i < 20; i++) {
      a.startPhase(`phase-${i}`);
      b.startPhase(`phase-${i}`);
      b.recordLlmCall(usage('write-code', 0.001));
      a.finishPhase(`phase-${i}`, 'ok');
      b.finishPhase(`phase-${i}`, i % 2 === 0 ? 'ok' : 'skipped');
    }
    const ra = a.finish('succeeded');
    const rb = b.finish('needs-human-review');
    expect(readLedger(dir)).toMatchObject({ records: [ra, rb], invalid: [], tornLastLine: false });
  });

  test('two processes appending at once produce only whole lines', async () => {
    // The recorder, transpiled to plain JS beside a link to node_modules, so child processes run the real code.
    const compiled = transpileForChildProcesses(['core/ledger/recorder.ts']);
    const writer = compiled.write(
      'writer.mjs',
      `import { startRun } from './core/ledger/recorder.js';
const [dir, name, runs] = process.argv.slice(2);
for (let i = 0; i < Number(runs); i++) {
  const r = startRun({ dir, kind: 'build', intent: { name, hash: String(i) } });
  r.startPhase('tests');
  r.finishPhase('tests', 'ok', name.repeat(1500));
  r.finish('succeeded');
}
`,
    );
    const dir = tree.path('ledger');
    const runWriter = (name: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [writer, dir, name, '100'], {
          stdio: 'inherit',
        });
        child.on('error', reject);
        child.on('exit', resolve);
      });
    expect(await Promise.all([runWriter('a'), runWriter('b')])).toEqual([0, 0]);
    const contents = readLedger(dir);
    expect(contents.invalid).toEqual([]);
    expect(contents.tornLastLine).toBe(false);
    expect(contents.records).toHaveLength(200);
    for (const record of contents.records) {
      expect(record.outcome).toBe('succeeded');
      expect(record.phases[0]!.detail).toBe(record.intent.name.repeat(1500));
    }
    compiled.cleanup();
  });

  // It used to stay `running` for ever.
  test.each(['SIGINT', 'SIGTERM'] as const)('a run ended by %s is closed as interrupted', async (signal) => {
    const compiled = transpileForChildProcesses(['core/ledger/recorder.ts']);
    try {
      const script = compiled.write(
        'midway.mjs',
        `import { startRun } from './core/ledger/recorder.js';
const r = startRun({ dir: process.argv[2], kind: 'run', intent: { name: 'halfway', hash: 'abc' } });
r.startPhase('build_test');
process.stdout.write('started\\n');
setInterval(() => {}, 1000);
`,
      );
      const dir = tree.path('ledger');
      const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const ended = new Promise((resolve) => child.once('exit', (_code, how) => resolve(how)));
      await new Promise((resolve) => child.stdout.once('data', resolve));
      child.kill(signal);
      expect(await ended).toBe(signal);
      const [record] = readLedger(dir).records;
      expect(record).toMatchObject({
        outcome: 'interrupted',
        error: 'interrupted by a signal',
        phases: [{ name: 'build_test', outcome: 'failed' }],
      });
    } finally {
      compiled.cleanup();
    }
  });
});

describe('dashboard', () => {
  const at = (day: number, hour: number, minute = 0) =>
    new Date(Date.UTC(2026, 2, day, hour, minute)).toISOString();
  const rec = (
    name: string,
    started: string,
    finished: string | undefined,
    outcome: LedgerRecord['outcome'],
    extra: Partial<LedgerRecord> = {},
  ): LedgerRecord =>
    LedgerRecordSchema.parse({
      run_id: `run-${name}`,
      kind: 'spec',
      intent: { name, hash: '3f9a2c1d00ff' },
      started_at: started,
      ...(finished ? { finished_at: finished } : {}),
      phases: [],
      llm_calls: [],
      score_history: [],
      outcome,
      ...extra,
    });

  // "Today" is 2026-03-10 (UTC); yesterday is 2026-03-09.
  const now = Date.UTC(2026, 2, 10, 15, 0);
  const records = [
    rec('yesterday-done', at(9, 10), at(9, 10, 30), 'succeeded'),
    rec('over-midnight', at(9, 23, 50), at(10, 0, 20), 'succeeded'), // 30 min, finished today
    rec('failed-today', at(10, 9), at(10, 9, 45), 'failed'), // 45 min
    rec('review-today', at(10, 10), at(10, 10, 15), 'needs-human-review'), // 15 min
    rec('done-today', at(10, 11), at(10, 12, 1), 'succeeded'), // 61 min
    rec('quick-today', at(10, 12), at(10, 12, 10), 'succeeded'), // 10 min
    rec('stale-running', at(9, 8), undefined, 'running'),
    rec('verifying', at(10, 14), undefined, 'running', {
      phases: [
        { name: 'spec_generation', started_at: at(10, 14), finished_at: at(10, 14, 5), outcome: 'ok' },
        { name: 'spec_verification', started_at: at(10, 14, 5), outcome: 'running' },
      ],
    }),
    rec('between-phases', at(10, 13), undefined, 'running', {
      kind: 'build',
      phases: [{ name: 'codegen', started_at: at(10, 13), finished_at: at(10, 13, 2), outcome: 'ok' }],
    }),
  ];

  test('counts today (UTC) across two days, rates and averages rounded, active pipelines with their phase', () => {
    const queue = new PriorityQueue({ maxConcurrent: 1 });
    queue.enqueue({ name: 'analytics', hash: 'feedfacecafe', priority: 'low' }, now - 5000);
    queue.enqueue({ name: 'billing', hash: '0123456789', priority: 'high' }, now - 1000);
    expect(dashboard(records, now, queue.snapshot(now))).toEqual({
      summary: {
        total_intents_today: 7, // started or finished today: not yesterday-done, not stale-running
        completed_today: 3,
        failed_today: 2,
        success_rate: 0.6,
        avg_pipeline_duration_minutes: 32.2, // (30 + 45 + 15 + 61 + 10) / 5
      },
      active_pipelines: [
        { intent_id: 'stale-running@3f9a2c1d', service_name: 'stale-running', phase: 'starting' },
        { intent_id: 'verifying@3f9a2c1d', service_name: 'verifying', phase: 'spec_verification' },
        { intent_id: 'between-phases@3f9a2c1d', service_name: 'between-phases', phase: 'codegen' },
      ],
      queue: [
        { intent_id: 'billing@01234567', service_name: 'billing', priority: 'high' },
        { intent_id: 'analytics@feedface', service_name: 'analytics', priority: 'low' },
      ],
    });
  });

  test('the next day starts from zero; nothing today gives zero rates', () => {
    const tomorrow = Date.UTC(2026, 2, 11, 0, 0, 1);
    expect(dashboard(records, tomorrow).summary).toEqual({
      total_intents_today: 0,
      completed_today: 0,
      failed_today: 0,
      success_rate: 0,
      avg_pipeline_duration_minutes: 0,
    });
    expect(dashboard([], now)).toEqual({
      summary: expect.objectContaining({ total_intents_today: 0, success_rate: 0 }),
      active_pipelines: [],
      queue: [],
    });
  });

  test('rates round to 2 decimals', () => {
    const three = [
      rec('x', at(10, 1), at(10, 1, 10), 'succeeded'),
      rec('y', at(10, 2), at(10, 2, 10), 'succeeded'),
      rec('z', at(10, 3), at(10, 3, 11), 'failed'),
    ];
    expect(dashboard(three, now).summary).toMatchObject({
      success_rate: 0.67,
      avg_pipeline_duration_minutes: 10.33,
    });
  });

  test('buildsSummary has the seed GET /builds shape over build and run records of all time', () => {
    const builds = [
      ...records, // only 'between-phases' is a build: running
      rec('b1', at(9, 1), at(9, 1, 20), 'succeeded', { kind: 'build' }),
      rec('b2', at(10, 1), at(10, 1, 40), 'succeeded', { kind: 'run' }),
      rec('b3', at(10, 2), at(10, 2, 30), 'failed', { kind: 'build' }),
      rec('d1', at(10, 3), at(10, 3, 5), 'failed', { kind: 'deploy' }),
    ];
    expect(buildsSummary(builds, 1)).toEqual({
      total: 5,
      queued: 1,
      running: 1,
      completed: 2,
      failed: 1,
      success_rate: 0.67,
      avg_build_time_minutes: 30,
    });
    expect(buildsSummary([])).toEqual({
      total: 0,
      queued: 0,
      running: 0,
      completed: 0,
      failed: 0,
      success_rate: 0,
      avg_build_time_minutes: 0,
    });
  });
});
