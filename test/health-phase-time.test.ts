import { cpSync } from 'node:fs';
import { GroupedLog } from '../action/src/log-groups.js';
import { runPipeline } from '../action/src/pipeline.js';
import { formatDuration } from '../core/cli/progress.js';
import { createLocalTarget } from '../core/deploy/index.js';
import { intentHash, ledgerDir, loadIntentFile, sha256 } from '../core/index.js';
import { readLedger } from '../core/ledger/reader.js';
import { phaseDurationMs } from '../core/ledger/schema.js';
import { findFreePort } from '../core/udc/launch.js';
import { cli } from './helpers/cli.js';
import { FIXTURE_SERVICE } from './helpers/deploy-suite.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

/** "starting" answers per process before "active": the gate must sleep through this many intervals. */
const STARTING_POLLS = 3;
/** The deploy target's default polling interval, which both the CLI and the Action use. */
const HEALTH_INTERVAL_MS = 250;
const SPEC = '# fixture-svc\n\nA service for the health-time test.\n';

/**
 * The health gate runs inside the deploy target's `deploy`, so the `health_check` phase is reported
 * after it is over: its time is the target's own timing of the wait, in the ledger and in the progress
 * line of both shells. A real local deploy of a service that answers "starting" a few times first.
 */
describe('health_check reports the real health wait, in the ledger and the progress line', () => {
  let tree: ReturnType<typeof tempTree>;
  let port: number;
  const deployRoot = () => tree.path('deploy');
  const registry = () => `file:${tree.path('registry.json')}`;

  beforeAll(async () => {
    port = await findFreePort();
    tree = tempTree({ 'intents/fixture-svc.yaml': intentYaml('fixture-svc', { port }) });
    tree.write('specs/fixture-svc/SPEC.md', SPEC);
    cpSync(FIXTURE_SERVICE, tree.path('services/fixture-svc'), { recursive: true });
    tree.write('services/fixture-svc/health-starting-polls', String(STARTING_POLLS));
    const intent = await loadIntentFile('intents/fixture-svc.yaml', tree.root);
    // The stamp a build writes: this checkout's SPEC and intent, so deploy accepts the code as built.
    tree.write(
      'services/fixture-svc/.assembly-line.json',
      JSON.stringify({
        spec_hash: sha256(SPEC),
        intent_hash: intentHash(intent),
        generator_version: 'test',
        runtime_version: 'test',
        provider: 'offline',
        generated_at: new Date().toISOString(),
        files: ['services/fixture-svc/app/main.py'],
      }),
    );
  });
  afterAll(async () => {
    await createLocalTarget({ root: deployRoot() }).stop('fixture-svc');
    tree.cleanup();
  });

  const healthPhaseOfLastRun = () => {
    const record = readLedger(ledgerDir(tree.root)).records.at(-1)!;
    expect(record).toMatchObject({ kind: 'deploy', outcome: 'succeeded' });
    return record.phases.find((phase) => phase.name === 'health_check')!;
  };

  test('CLI deploy: the ledger phase, the progress line and the JSON timings agree', async () => {
    const result = await cli(
      ['deploy', 'fixture-svc', '--root', deployRoot(), '--registry', registry(), '--format', 'json'],
      tree.root,
    );
    expect(result.code).toBe(0);
    const health = (JSON.parse(result.stdout) as { timings_ms: { health: number } }).timings_ms.health;
    const phase = healthPhaseOfLastRun();
    expect(phase.outcome).toBe('ok');
    expect(phase.duration_ms).toBe(health);
    expect(phaseDurationMs(phase)).toBe(health);
    // At least one interval after each "starting" answer: the wait the gate really had.
    expect(health).toBeGreaterThanOrEqual(STARTING_POLLS * HEALTH_INTERVAL_MS);
    expect(result.stderr).toContain(`ok health_check ${formatDuration(health)}  GET /health active after`);
  }, 120_000);

  test('Action deploy: the ledger phase and the log group agree', async () => {
    const lines: string[] = [];
    const log = new GroupedLog(
      { startGroup: () => undefined, endGroup: () => undefined, info: (line) => lines.push(line) },
      (text) => text,
    );
    const result = await runPipeline({
      command: 'deploy',
      intent: await loadIntentFile('intents/fixture-svc.yaml', tree.root),
      repoRoot: tree.root,
      target: 'local',
      root: deployRoot(),
      registry: registry(),
      env: { PATH: process.env.PATH },
      reporter: log,
    });
    expect(result.status).toBe('deployed');
    const phase = healthPhaseOfLastRun();
    const timing = log.timings.find((t) => t.phase === 'health_check')!;
    expect(timing.outcome).toBe('ok');
    expect(phase.duration_ms).toBe(timing.durationMs);
    expect(timing.durationMs).toBeGreaterThanOrEqual(STARTING_POLLS * HEALTH_INTERVAL_MS);
    const prefix = `ok health_check ${formatDuration(timing.durationMs)}  GET /health active after`;
    expect(lines.filter((line) => line.startsWith(prefix))).toHaveLength(1);
  }, 120_000);
});
