import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeployError } from '../../core/deploy/errors.js';
import { httpGet } from '../../core/deploy/health.js';
import type { HostDeployTarget, HostTargetOptions } from '../../core/deploy/host-target.js';
import { createLocalTarget } from '../../core/deploy/local.js';
import { makeReleaseId } from '../../core/deploy/release-id.js';
import type { RestartPolicy } from '../../core/deploy/restart-policy.js';
import { deployedServices } from '../../core/pipeline/deploy.js';
import type { DeployRequest, Registry } from '../../core/ports/index.js';
import { silentReporter } from '../../core/ports/index.js';
import { createRegistry } from '../../core/registry/index.js';
import { findFreePort } from '../../core/udc/launch.js';
import { cli } from './cli.js';
import { transpileForChildProcesses } from './transpile.js';

export const FIXTURE_SERVICE = fileURLToPath(new URL('../fixtures/deploy-service', import.meta.url));

/** Short waits, so a failing release costs a second or two rather than 90. */
export const FAST: Partial<HostTargetOptions> = {
  healthTimeoutMs: 1500,
  healthIntervalMs: 100,
  healthRetryAfterMs: 300,
  startTimeoutMs: 20000,
  stopTimeoutMs: 5000,
  lockWaitMs: 30000,
  who: 'tester@ci',
};

export interface TargetUnderTest {
  /** The deploy root as a path on this machine (the ssh tests' host is this machine too). */
  root: string;
  /** The CLI's flags for the same target and root (`--target`, `--known-hosts`, …). */
  cliFlags: string[];
  make(options?: Partial<HostTargetOptions>): HostDeployTarget;
  /** How a child process builds the same target: `createLocalTarget` or `createSshTarget` options. */
  child(options: Partial<HostTargetOptions>): { kind: 'local' | 'ssh'; options: Record<string, unknown> };
}

let compiled: ReturnType<typeof transpileForChildProcesses> | undefined;

/**
 * A deploy in a process of its own, so that a test can interrupt or kill it. Its temporary files go to
 * `tmp`, a folder of the test's own: other tests running beside it use the shared one.
 */
function deployInChild(
  spec: ReturnType<TargetUnderTest['child']>,
  deploy: DeployRequest,
  tmp: string,
): ChildProcess {
  if (!compiled) {
    compiled = transpileForChildProcesses(['core/deploy/local.ts', 'core/deploy/ssh.ts']);
    // The files the targets ship to hosts are read from beside their module.
    for (const asset of ['host-agent.sh', 'launcher.py'])
      copyFileSync(
        fileURLToPath(new URL(`../../core/deploy/${asset}`, import.meta.url)),
        join(compiled.root, 'core/deploy', asset),
      );
  }
  const script = compiled.write(
    'deploy-child.js',
    `import { createLocalTarget } from './core/deploy/local.js';
import { createSshTarget } from './core/deploy/ssh.js';
const [kind, options, request] = process.argv.slice(2).map((arg, i) => (i === 0 ? arg : JSON.parse(arg)));
const target = kind === 'ssh' ? createSshTarget(options) : createLocalTarget(options);
const outcome = await target.deploy(request);
process.stdout.write(JSON.stringify(outcome));
`,
  );
  return spawn(process.execPath, [script, spec.kind, JSON.stringify(spec.options), JSON.stringify(deploy)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 30000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

let clock = Date.UTC(2026, 10, 25, 4, 17, 13);

/** Release ids that sort in the order the test makes them. */
export function nextReleaseId(hash = '3f9a2c1'): string {
  clock += 1000;
  return makeReleaseId(new Date(clock), hash);
}

export function request(name: string, port: number, overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    name,
    sourceDir: FIXTURE_SERVICE,
    releaseId: nextReleaseId(),
    port,
    version: '1.0.0',
    env: { GREETING: 'hello from the release' },
    ...overrides,
  };
}

export async function health(port: number): Promise<{ status: string; release: string; port: number }> {
  const answer = await httpGet(`http://127.0.0.1:${port}/health`, 2000);
  return JSON.parse(answer.body);
}

async function envOf(port: number, key: string): Promise<string | null> {
  const answer = await httpGet(`http://127.0.0.1:${port}/env/${key}`, 2000);
  return JSON.parse(answer.body).value;
}

/** Requests the port back to back until stopped; counts those that got no HTTP answer at all. */
export function hammer(port: number) {
  let running = true;
  let requests = 0;
  let failures = 0;
  const releases = new Set<string>();
  const loop = (async () => {
    while (running) {
      requests++;
      try {
        const answer = await httpGet(`http://127.0.0.1:${port}/health`, 2000);
        releases.add(JSON.parse(answer.body).release);
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, failures, releases };
    },
  };
}

/** Processes of this machine whose command line contains `text` (an ssh ControlPath, say). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
}

async function refused(port: number): Promise<boolean> {
  return httpGet(`http://127.0.0.1:${port}/health`, 1000).then(
    () => false,
    () => true,
  );
}

export function auditLines(root: string, name: string): string[][] {
  const path = join(root, name, 'audit.log');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => line.split('\t'));
}

function currentOf(root: string, name: string): string {
  return readlinkSync(join(root, name, 'current'));
}

/**
 * The behaviour both targets share. Tests in the first block run in order on one service: each builds on
 * the state the previous one left.
 */
export function describeDeployBehaviour(label: string, setup: () => TargetUnderTest) {
  describe(`${label}: release, cutover, rollback`, () => {
    let sut: TargetUnderTest;
    let target: HostDeployTarget;
    let port: number;
    const name = 'orders';
    const ids: string[] = [];
    const failedIds: string[] = [];

    beforeAll(async () => {
      sut = setup();
      target = sut.make(FAST);
      port = await findFreePort();
    });

    afterAll(async () => {
      await target.stop(name).catch(() => undefined);
    });

    test('a first deploy serves the release on its port, with its environment and nothing of ours', async () => {
      process.env.ASSEMBLY_LINE_TEST_SECRET = 'do-not-leak';
      const first = request(name, port);
      ids.push(first.releaseId);
      const outcome = await target.deploy(first);
      delete process.env.ASSEMBLY_LINE_TEST_SECRET;

      expect(outcome).toMatchObject({
        ok: true,
        release: { releaseId: first.releaseId, port, status: 'running' },
      });
      expect(outcome.cutoverGapMs).toBeUndefined(); // nothing served before
      expect(await health(port)).toMatchObject({ status: 'active', release: first.releaseId, port });
      expect(await envOf(port, 'GREETING')).toBe('hello from the release');
      expect(await envOf(port, 'SERVICE_VERSION')).toBe('1.0.0');
      expect(await envOf(port, 'ASSEMBLY_LINE_TEST_SECRET')).toBeNull();
      expect(currentOf(sut.root, name)).toBe(`releases/${first.releaseId}`);
      expect(pidAlive(outcome.release.pid!)).toBe(true);
      // Build leftovers stay behind; the venv is the release's own.
      expect(existsSync(join(sut.root, name, 'releases', first.releaseId, '.venv', 'bin', 'python'))).toBe(
        true,
      );
    }, 60000);

    test('a redeploy switches current, stops the old release, and the new one answers on the port', async () => {
      const before = (await target.list()).find((r) => r.name === name && r.current)!;
      const second = request(name, port, { version: '1.1.0' });
      ids.push(second.releaseId);
      const load = hammer(port);
      const outcome = await target.deploy(second);
      const seen = await load.stop();

      expect(outcome.ok).toBe(true);
      // The design's central promise: a good redeploy drops no request.
      expect(seen.requests).toBeGreaterThan(10);
      expect(seen.failures).toBe(0);
      expect(typeof outcome.cutoverGapMs).toBe('number');
      expect(outcome.message).toContain(`replacing ${ids[0]}`);
      expect(await health(port)).toMatchObject({ status: 'active', release: second.releaseId });
      expect(seen.releases).toEqual(new Set([ids[0], second.releaseId]));
      expect(currentOf(sut.root, name)).toBe(`releases/${second.releaseId}`);
      expect(pidAlive(before.pid!)).toBe(false);
      const releases = (await target.list()).filter((r) => r.name === name);
      expect(releases.map((r) => [r.releaseId, r.status, r.current])).toEqual([
        [ids[0], 'stopped', false],
        [ids[1], 'running', true],
      ]);
      // Unchanged files are hard links to the previous release's (rsync --link-dest): no copy, no transfer.
      const file = (id: string) => statSync(join(sut.root, name, 'releases', id, 'app', 'main.py'));
      expect(file(second.releaseId).ino).toBe(file(ids[0]!).ino);
      // Same requirements: the venv is the previous release's, copied.
      expect(existsSync(join(sut.root, name, 'releases', second.releaseId, '.venv', 'bin', 'python'))).toBe(
        true,
      );
    }, 60000);

    test('a release whose /health never turns active is stopped and archived; the old one answers throughout', async () => {
      const broken = request(name, port, { env: { FIXTURE_HEALTH: 'starting' } });
      failedIds.push(broken.releaseId);
      const load = hammer(port);
      const outcome = await target.deploy(broken);
      const seen = await load.stop();

      expect(seen.requests).toBeGreaterThan(10);
      expect(seen.failures).toBe(0);
      expect(seen.releases).toEqual(new Set([ids[1]]));
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toMatch(
        /did not report "active" on \/health within 2 s, nor after 1 s more \(last: status "starting"\)/,
      );
      expect(outcome.message).toContain(`keeps serving release ${ids[1]}`);
      expect(outcome.serving).toMatchObject({ releaseId: ids[1], status: 'running' });
      expect(outcome.release).toMatchObject({ releaseId: broken.releaseId, status: 'failed' });
      expect(outcome.logTail).toContain('Application startup complete');
      expect(existsSync(join(sut.root, name, 'archive', broken.releaseId))).toBe(true);
      expect(existsSync(join(sut.root, name, 'releases', broken.releaseId))).toBe(false);
      expect(currentOf(sut.root, name)).toBe(`releases/${ids[1]}`);
      expect(readdirSync(join(sut.root, name, 'run')).sort()).toEqual([
        `${ids[1]}.pid`,
        `${ids[1]}.port`,
        `${ids[1]}.state`,
      ]);
    }, 60000);

    test('a release healthy on its staging port but not on the service port is replaced by the old one again', async () => {
      const odd = request(name, port, { env: { FIXTURE_STARTING_ON_PORT: String(port) } });
      failedIds.push(odd.releaseId);
      const outcome = await target.deploy(odd);

      expect(outcome.ok).toBe(false);
      expect(outcome.message).toContain(
        `not on port ${port} (last: status "starting"); restored release ${ids[1]}`,
      );
      expect(await health(port)).toMatchObject({ status: 'active', release: ids[1] });
      expect(currentOf(sut.root, name)).toBe(`releases/${ids[1]}`);
      expect(existsSync(join(sut.root, name, 'archive', odd.releaseId))).toBe(true);
    }, 60000);

    test('rollback moves the service back to the previous release', async () => {
      const outcome = await target.rollback(name);

      expect(outcome).toMatchObject({ ok: true, release: { releaseId: ids[0], port, status: 'running' } });
      expect(await health(port)).toMatchObject({ status: 'active', release: ids[0] });
      expect(currentOf(sut.root, name)).toBe(`releases/${ids[0]}`);
      const again = await target.rollback(name);
      expect(again.ok).toBe(false);
      expect(again.message).toContain(`no release older than the current ${ids[0]}`);
      expect(await health(port)).toMatchObject({ release: ids[0] });
    }, 60000);

    test('logs returns the tail of the current release log; stop stops every instance', async () => {
      const logs = await target.logs(name, 5);
      expect(logs.split('\n').filter(Boolean).length).toBeLessThanOrEqual(5);
      expect(logs).toContain('Application startup complete');

      await target.stop(name);
      expect(await refused(port)).toBe(true);
      expect((await target.list()).filter((r) => r.name === name && r.status === 'running')).toEqual([]);
      expect(readdirSync(join(sut.root, name, 'run'))).toEqual([]);
    }, 60000);

    test('the audit log records who did what to which release, and how it went', () => {
      const lines = auditLines(sut.root, name);
      const summary = lines.map(([, who, action, release, outcome]) => [who, action, release, outcome]);
      expect(summary).toEqual([
        ['tester@ci', 'deploy', ids[0], 'ok'],
        ['tester@ci', 'deploy', ids[1], 'ok'],
        ['tester@ci', 'deploy', failedIds[0], 'failed'],
        ['tester@ci', 'deploy', failedIds[1], 'failed'],
        ['tester@ci', 'rollback', ids[0], 'ok'],
        ['tester@ci', 'rollback', ids[0], 'failed'],
        ['tester@ci', 'stop', ids[0], 'ok'],
      ]);
      for (const line of lines) expect(line[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(lines[2]![5]).toContain('did not report "active"');
    });
  });

  describe(`${label}: a supervisor restarts a crashed service`, () => {
    let sut: TargetUnderTest;
    let registryDir: string;
    beforeAll(() => {
      sut = setup();
      registryDir = mkdtempSync(join(tmpdir(), 'assembly-line-crash-registry-'));
    });
    afterAll(() => rmSync(registryDir, { recursive: true, force: true }));

    // Quick restarts: a crash loop is given up on after 2 restarts, within about a second.
    const RESTART = { delayMs: 100, maxDelayMs: 400, limit: 2, fastMs: 60000 };

    /** A deployed, registered service, and `ps` over it (the CLI's listing, which also syncs the registry). */
    async function deployedAndRegistered(name: string, restart: RestartPolicy = RESTART) {
      const port = await findFreePort();
      const target = sut.make({ ...FAST, restart });
      const registryFile = join(registryDir, `${name}.json`);
      const registry: Registry = createRegistry(`file:${registryFile}`, { cwd: registryDir });
      const deploy = request(name, port);
      const outcome = await target.deploy(deploy);
      expect(outcome.ok).toBe(true);
      await registry.register({
        name,
        url: outcome.release.url,
        version: '1.0.0',
        release_id: deploy.releaseId,
        registered_at: new Date().toISOString(),
        health: 'active',
      });
      const ps = async () => (await deployedServices({ target, registry, reporter: silentReporter }))[0]!;
      const status = async () => (await target.list()).find((r) => r.name === name && r.current)?.status;
      const release = join(sut.root, name, 'releases', deploy.releaseId);
      return { target, registry, registryFile, port, deploy, ps, status, release };
    }

    test('a server killed with SIGKILL is restarted: ps counts it, the registry is degraded until it serves again', async () => {
      const name = 'crashy';
      // A restart 2 s after the crash: ps reads the state during that wait, so it must see the restart
      // counted as soon as it is announced, not only once it is made.
      const { target, registry, registryFile, port, deploy, ps, status, release } =
        await deployedAndRegistered(name, { ...RESTART, delayMs: 2000, maxDelayMs: 2000 });
      try {
        const before = await ps();
        expect(before).toMatchObject({ name, status: 'running', restarts: 0, health: 'active', note: null });
        // The restarted server waits at its start until the test lets it go: it is down for as long as needed.
        writeFileSync(join(release, 'hold-start'), '');
        process.kill(before.pid!, 'SIGKILL');
        await until(async () => (await status()) === 'restarting', 'the supervisor to restart the server');

        expect(await ps()).toMatchObject({
          status: 'restarting',
          restarts: 1,
          pid: null,
          registered: true,
          health: 'degraded',
          note: 'its server died (killed by SIGKILL); restarting',
        });
        expect((await registry.get(name))?.health).toBe('degraded');
        expect(pidAlive(before.pid!)).toBe(false);

        rmSync(join(release, 'hold-start'));
        await until(async () => (await status()) === 'running', 'the restarted server to serve');
        const after = await ps();
        expect(after).toMatchObject({ status: 'running', restarts: 1, health: 'active', note: null });
        expect(after.pid).not.toBe(before.pid);
        expect(pidAlive(after.pid!)).toBe(true);
        expect((await registry.get(name))?.health).toBe('active');
        expect(await health(port)).toMatchObject({ status: 'active', release: deploy.releaseId });

        const table = await cli(['ps', ...sut.cliFlags, '--registry', `file:${registryFile}`], registryDir);
        expect(table.code).toBe(0);
        expect(table.stdout).toMatch(/^NAME\s+RELEASE\s+STATUS\s+RESTARTS\s+URL\s+REGISTERED$/m);
        expect(table.stdout).toMatch(
          new RegExp(
            `^crashy\\s+${deploy.releaseId}\\s+running\\s+1\\s+http://127\\.0\\.0\\.1:${port}\\s+yes \\(active\\)$`,
            'm',
          ),
        );
      } finally {
        await target.stop(name);
      }
    }, 90000);

    test('a server that keeps crashing at its start is given up on: failed, with the last exit, port closed', async () => {
      const name = 'crash-loop';
      const { target, registryFile, port, deploy, ps, status, release } = await deployedAndRegistered(name);
      try {
        const before = await ps();
        writeFileSync(join(release, 'crash-at-start'), '');
        process.kill(before.pid!, 'SIGKILL');
        await until(async () => (await status()) === 'failed', 'the supervisor to give up');

        const note = 'crashed and was given up on after 2 restarts (last: exit code 1)';
        expect(await ps()).toMatchObject({
          status: 'failed',
          restarts: 2,
          pid: null,
          health: 'degraded',
          note,
        });
        expect(await refused(port)).toBe(true);
        expect(readFileSync(join(sut.root, name, 'logs', `${deploy.releaseId}.log`), 'utf8')).toContain(
          'launch: gave up: the server died 3 times in a row within 60 s of its start (last: exit code 1)',
        );
        const table = await cli(['ps', ...sut.cliFlags, '--registry', `file:${registryFile}`], registryDir);
        expect(table.stdout).toMatch(
          new RegExp(`^crash-loop\\s+${deploy.releaseId}\\s+failed\\s+2\\s+`, 'm'),
        );
        expect(table.stdout).toContain(`crash-loop: ${note}\n`);

        // A release given up on holds nothing: the next deploy takes the port at once.
        const next = await target.deploy(request(name, port));
        expect(next.ok).toBe(true);
        expect((await target.list()).find((r) => r.name === name && r.current)).toMatchObject({
          releaseId: next.release.releaseId,
          status: 'running',
          restarts: 0,
        });
      } finally {
        await target.stop(name);
      }
    }, 90000);
  });

  describe(`${label}: locks, pruning, ports`, () => {
    let sut: TargetUnderTest;
    beforeAll(() => {
      sut = setup();
    });

    test('a second deploy waits for the first: it fails naming the holder when its wait runs out, or goes after it', async () => {
      const name = 'payments';
      const port = await findFreePort();
      const alice = sut.make({ ...FAST, who: 'alice@ci' });
      const impatient = sut.make({ ...FAST, who: 'bob@ci', lockWaitMs: 1000 });
      const patient = sut.make({ ...FAST, who: 'carol@ci', lockWaitMs: 60000 });
      try {
        const first = alice.deploy(request(name, port));
        const lockFile = join(sut.root, name, 'deploy.lock');
        while (!existsSync(lockFile)) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(readFileSync(lockFile, 'utf8')).toMatch(/^holder=alice@ci$/m);

        const [second, third] = await Promise.allSettled([
          impatient.deploy(request(name, port)),
          patient.deploy(request(name, port)),
        ]);
        expect((await first).ok).toBe(true);
        expect(second.status).toBe('rejected');
        const error = (second as PromiseRejectedResult).reason;
        expect(error).toBeInstanceOf(DeployError);
        expect(error.code).toBe('locked');
        expect(error.message).toMatch(
          /deploy of payments is locked by alice@ci \(pid \d+, release \S+, since \S+\); gave up after waiting 1 s/,
        );
        expect(third.status).toBe('fulfilled');
        expect((third as PromiseFulfilledResult<{ ok: boolean }>).value.ok).toBe(true);
        expect(auditLines(sut.root, name).map((line) => line[1])).toEqual(['alice@ci', 'carol@ci']);
        expect(existsSync(lockFile)).toBe(false);
      } finally {
        await alice.stop(name);
      }
    }, 90000);

    test('a stale lock is broken and noted; pruning keeps the newest releases, never the one deployed', async () => {
      const name = 'inventory';
      const port = await findFreePort();
      const dir = join(sut.root, name);
      const old = [1, 2, 3, 4].map((n) => makeReleaseId(new Date(Date.UTC(2020, 0, n)), 'aaaaaaa'));
      for (const id of old) {
        mkdirSync(join(dir, 'releases', id, '.assembly-line'), { recursive: true });
        mkdirSync(join(dir, 'logs'), { recursive: true });
        writeFileSync(join(dir, 'logs', `${id}.log`), 'old\n');
      }
      const hourAgo = Math.floor(Date.now() / 1000) - 3600;
      writeFileSync(
        join(dir, 'deploy.lock'),
        `holder=dave@gone\npid=4242\nrelease=${old[3]}\nsince=2020-01-04T00:00:00Z\ntime=${hourAgo}\ntoken=t0\n`,
      );
      // systemd: auto writes a boot unit only where systemd runs, which it does not here.
      const target = sut.make({ ...FAST, keepReleases: 2, lockStaleMs: 60000, systemd: 'auto' });
      try {
        const fresh = request(name, port);
        const outcome = await target.deploy(fresh);

        expect(outcome.ok).toBe(true);
        expect(readdirSync(join(dir, 'releases')).sort()).toEqual([old[3], fresh.releaseId]);
        expect(readdirSync(join(dir, 'logs')).sort()).toEqual([`${old[3]}.log`, `${fresh.releaseId}.log`]);
        const audit = auditLines(sut.root, name);
        expect(audit[0]).toEqual([
          expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
          'tester@ci',
          'lock-broken',
          fresh.releaseId,
          'ok',
          expect.stringContaining('stale lock of dave@gone (pid 4242'),
        ]);
        expect(audit[1]!.slice(1, 5)).toEqual(['tester@ci', 'deploy', fresh.releaseId, 'ok']);
        expect(existsSync(`/etc/systemd/system/assembly-line-${name}.service`)).toBe(false);
      } finally {
        await target.stop(name);
      }
    }, 60000);

    test('a release that cannot bind the service port fails before the cutover; current is left as it was', async () => {
      const name = 'blocked';
      const squatter = createServer();
      const port = await new Promise<number>((resolve) =>
        squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as { port: number }).port)),
      );
      const target = sut.make(FAST);
      try {
        // Named in the error itself, not only in a log file; nothing is uploaded or started.
        await expect(target.deploy(request(name, port))).rejects.toThrow(
          new RegExp(`port ${port} is already in use by pid ${process.pid} \\(.+\\): Address already in use`),
        );
        expect(readdirSync(join(sut.root, name, 'releases'))).toEqual([]);
        expect(existsSync(join(sut.root, name, 'current'))).toBe(false);
      } finally {
        squatter.close();
      }
    }, 60000);

    // SO_REUSEPORT let a second owner join the port, and the kernel split the traffic between them.
    test('a port belongs to one service of one root: another service or root is refused before anything starts', async () => {
      const port = await findFreePort();
      const owner = sut.make(FAST);
      const otherRoot = mkdtempSync(join(tmpdir(), 'assembly-line-other-root-'));
      const elsewhere = createLocalTarget({ ...FAST, root: otherRoot });
      try {
        const first = request('port-owner', port);
        const served = await owner.deploy(first);
        expect(served.ok).toBe(true);
        const attempts: Array<[HostDeployTarget, string, string]> = [
          [owner, 'intruder', sut.root],
          [elsewhere, 'port-owner', otherRoot],
          [elsewhere, 'intruder', otherRoot],
        ];
        for (const [target, name, root] of attempts) {
          await expect(target.deploy(request(name, port))).rejects.toThrow(
            `port ${port} is served by service port-owner of the deploy root ${realpathSync(sut.root)} ` +
              `(pid ${served.release.pid}); a port belongs to one service`,
          );
          expect(readdirSync(join(root, name, 'releases'))).toEqual([]);
        }
        const answers = await Promise.all(Array.from({ length: 20 }, () => health(port)));
        expect(new Set(answers.map((a) => a.release))).toEqual(new Set([first.releaseId]));

        // The owner's own next release still takes the port over without dropping a request.
        const load = hammer(port);
        const next = await owner.deploy(request('port-owner', port));
        const seen = await load.stop();
        expect(next.ok).toBe(true);
        expect(seen.failures).toBe(0);
      } finally {
        await owner.stop('port-owner').catch(() => undefined);
        rmSync(otherRoot, { recursive: true, force: true });
      }
    }, 90000);

    describe('interrupts', () => {
      const children: ChildProcess[] = [];
      const tmps: string[] = [];
      const services: string[] = [];
      afterEach(async () => {
        for (const child of children.splice(0)) {
          child.kill('SIGKILL');
          await exited(child);
        }
        // Whatever a failing test left running (the killed deploy's staging instance, say) is stopped.
        for (const name of services.splice(0))
          await sut
            .make({ ...FAST, lockWaitMs: 1000 })
            .stop(name)
            .catch(() => undefined);
        for (const dir of tmps.splice(0)) rmSync(dir, { recursive: true, force: true });
      });
      afterAll(() => compiled?.cleanup());

      // A deploy sitting in its health gate (the release says "starting" for 30 s), as a process of its own.
      async function stuckInGate(name: string, port: number) {
        const deploy = request(name, port, { env: { FIXTURE_HEALTH: 'starting' } });
        services.push(name);
        const tmp = mkdtempSync(join(tmpdir(), 'assembly-line-child-tmp-'));
        tmps.push(tmp);
        const child = deployInChild(sut.child({ ...FAST, healthTimeoutMs: 30000 }), deploy, tmp);
        children.push(child);
        const staging = join(sut.root, name, 'run', `${deploy.releaseId}.staging.pid`);
        // The agent writes the pid file with a shell redirection: it exists a moment before it has the pid.
        await until(
          () => existsSync(staging) && /^\d+$/.test(readFileSync(staging, 'utf8').trim()),
          `the staging instance of ${deploy.releaseId}`,
        );
        const stagingPid = Number(readFileSync(staging, 'utf8'));
        return { child, deploy, stagingPid, tmp };
      }

      test.each(['SIGINT', 'SIGTERM'] as const)(
        '%s during a deploy releases the lock, stops the half-started release, removes its temporary files',
        async (signal) => {
          const name = `cut-${signal.toLowerCase()}`;
          const port = await findFreePort();
          const { child, deploy, stagingPid, tmp } = await stuckInGate(name, port);
          expect(existsSync(join(sut.root, name, 'deploy.lock'))).toBe(true);
          // An ssh deploy holds its connection's folder (control socket, key file) for the whole operation.
          if (sut.child({}).kind === 'ssh')
            expect(readdirSync(tmp)).toEqual([expect.stringMatching(/^al-ssh-/)]);
          let stderr = '';
          child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.kill(signal);
          await exited(child);

          expect([child.signalCode, child.exitCode, stderr]).toEqual([signal, null, '']);
          expect(existsSync(join(sut.root, name, 'deploy.lock'))).toBe(false);
          expect(pidAlive(stagingPid)).toBe(false);
          expect(readdirSync(join(sut.root, name, 'run'))).toEqual([]);
          expect(existsSync(join(sut.root, name, 'archive', deploy.releaseId))).toBe(true);
          expect(readdirSync(tmp)).toEqual([]);
          const last = auditLines(sut.root, name).at(-1)!;
          expect(last.slice(1, 5)).toEqual(['tester@ci', 'deploy', deploy.releaseId, 'interrupted']);

          // The next deploy does not wait for anything.
          const target = sut.make(FAST);
          try {
            expect((await target.deploy(request(name, port))).ok).toBe(true);
          } finally {
            await target.stop(name);
          }
        },
        90000,
      );

      test('a lock whose holder was killed on this host is broken at once, and the audit log says so', async () => {
        const name = 'cut-kill';
        const port = await findFreePort();
        const { child, stagingPid, tmp } = await stuckInGate(name, port);
        if (sut.child({}).kind === 'ssh') expect(processesMentioning(tmp)).not.toEqual([]);
        child.kill('SIGKILL');
        await exited(child);
        expect(existsSync(join(sut.root, name, 'deploy.lock'))).toBe(true);
        // Its ssh connection ends with it (it used to linger up to 60 s as a background ControlMaster).
        await until(() => processesMentioning(tmp).length === 0, `no process left that uses ${tmp}`);

        // A wait of 1 s would fail against a live holder; a dead one does not make it wait at all.
        // In the killed deploy's temporary folder: the next operation removes what a dead one left there.
        const target = sut.make({ ...FAST, lockWaitMs: 1000, tmpDir: tmp });
        try {
          const outcome = await target.deploy(request(name, port));
          expect(outcome.ok).toBe(true);
          await until(
            () => readdirSync(tmp).length === 0,
            `the killed deploy's files to go (left: ${readdirSync(tmp).join(', ')})`,
          );
          const broken = auditLines(sut.root, name).find((line) => line[2] === 'lock-broken');
          expect(broken?.[5]).toContain(`broken: its process ${child.pid} on this host is gone`);
          // Stopping the service ends the killed deploy's leftovers too.
          await target.stop(name);
          expect(pidAlive(stagingPid)).toBe(false);
        } finally {
          await target.stop(name).catch(() => undefined);
        }
      }, 90000);
    });

    test('bad requests are refused before anything touches the host', async () => {
      const target = sut.make(FAST);
      await expect(target.deploy(request('Bad_Name', 8000))).rejects.toThrow(
        /'Bad_Name' is not a service name/,
      );
      await expect(target.deploy(request('fine', 8000, { releaseId: 'latest' }))).rejects.toThrow(
        /release id 'latest' is not of the form/,
      );
      await expect(target.deploy(request('fine', 8000, { sourceDir: '/nonexistent' }))).rejects.toThrow(
        /source directory \/nonexistent of fine does not exist/,
      );
      await expect(target.deploy(request('fine', 8000, { env: { 'A-B': 'x' } }))).rejects.toThrow(
        /environment variable name 'A-B'/,
      );
      expect(existsSync(join(sut.root, 'fine'))).toBe(false);
    });
  });
}
