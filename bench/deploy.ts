import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { httpGet } from '../core/deploy/health.js';
import { createLocalTarget } from '../core/deploy/local.js';
import { makeReleaseId } from '../core/deploy/release-id.js';
import { createSshTarget } from '../core/deploy/ssh.js';
import type { DeployOutcome, DeployRequest, DeployTarget } from '../core/ports/index.js';
import { findFreePort } from '../core/udc/launch.js';
import { startSshd, type TestSshd } from './loopback-sshd.js';
import { type BenchResult, repositoryPath, resultOf } from './measure.js';

const SERVICE = repositoryPath('test/fixtures/deploy-service');

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

let tick = Date.UTC(2026, 0, 1);
function deployRequest(name: string, port: number): DeployRequest {
  tick += 1000;
  return {
    name,
    sourceDir: SERVICE,
    releaseId: makeReleaseId(new Date(tick), '3f9a2c1'),
    port,
    version: '1.0.0',
    env: {},
  };
}

function ensureOk(outcome: DeployOutcome): DeployOutcome {
  if (!outcome.ok) throw new Error(`benchmark deploy failed: ${outcome.message}\n${outcome.logTail ?? ''}`);
  return outcome;
}

/** What moving the files costs without any deploy logic: rsync of the service over a fresh connection, then `ssh true`. */
async function bareTransport(sshd: TestSshd, root: string, run: number): Promise<number> {
  const ssh = [
    'ssh',
    '-p',
    String(sshd.port),
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${sshd.knownHostsFile}`,
    '-o',
    'IdentitiesOnly=yes',
    '-i',
    sshd.identityFile,
  ];
  const [ms] = await timed(async () => {
    await execa('rsync', [
      '-rlpt',
      '-e',
      ssh.join(' '),
      `${SERVICE}/`,
      `${sshd.user}@127.0.0.1:${root}/bare-${run}/`,
    ]);
    await execa(ssh[0]!, [...ssh.slice(1), `${sshd.user}@127.0.0.1`, 'true']);
  });
  return ms;
}

/** Requests the port back to back during a deploy; counts them, and the ones that got no answer. */
function watch(port: number) {
  let running = true;
  let requests = 0;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      requests++;
      await httpGet(`http://127.0.0.1:${port}/health`, 2000).catch(() => failures++);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { requests, failures };
  };
}

/**
 * Deploy times over loopback ssh — a first release, a redeploy of an unchanged release, a rollback — beside
 * the bare transport (rsync of the same folder plus `ssh true`) measured in the same run, and the local
 * target's redeploy for scale.
 */
export async function benchDeploy(runs = 5): Promise<BenchResult[]> {
  const sshd = await startSshd();
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-bench-deploy-'));
  const targets: Array<[DeployTarget, string]> = [];
  try {
    const ssh = createSshTarget({
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      knownHostsFile: sshd.knownHostsFile,
      identityFile: sshd.identityFile,
      root: join(root, 'ssh'),
    });
    const local = createLocalTarget({ root: join(root, 'local') });

    const bare: number[] = [];
    for (let run = 0; run < runs; run++) bare.push(await bareTransport(sshd, root, run));
    const bareMedian = [...bare].sort((a, b) => a - b)[Math.floor(bare.length / 2)]!;
    const ratio = (ms: number) => `${(ms / bareMedian).toFixed(2)}× the bare transport`;

    const cold: number[] = [];
    for (let run = 0; run < Math.min(runs, 3); run++) {
      const name = `cold-${run}`;
      const [ms] = await timed(async () =>
        ensureOk(await ssh.deploy(deployRequest(name, await findFreePort()))),
      );
      targets.push([ssh, name]);
      cold.push(ms);
    }

    const port = await findFreePort();
    ensureOk(await ssh.deploy(deployRequest('steady', port)));
    targets.push([ssh, 'steady']);
    const redeploy: number[] = [];
    const gaps: number[] = [];
    let failed = 0;
    let sent = 0;
    const steps: Record<string, number[]> = {};
    for (let run = 0; run < runs; run++) {
      const stop = watch(port);
      const [ms, outcome] = await timed(async () =>
        ensureOk(await ssh.deploy(deployRequest('steady', port))),
      );
      const seen = await stop();
      failed += seen.failures;
      sent += seen.requests;
      redeploy.push(ms);
      gaps.push(outcome.cutoverGapMs ?? 0);
      for (const [step, stepMs] of Object.entries(outcome.timingsMs))
        steps[step] = [...(steps[step] ?? []), stepMs];
    }
    const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const stepSummary = Object.entries(steps)
      .map(([step, values]) => `${step} ${medianOf(values)}`)
      .join(', ');

    const rollback: number[] = [];
    for (let run = 0; run < Math.min(runs - 1, 3); run++) {
      const [ms] = await timed(async () => ensureOk(await ssh.rollback('steady')));
      rollback.push(ms);
    }

    const localPort = await findFreePort();
    ensureOk(await local.deploy(deployRequest('steady', localPort)));
    targets.push([local, 'steady']);
    const localRedeploy: number[] = [];
    for (let run = 0; run < runs; run++) {
      const [ms] = await timed(async () => ensureOk(await local.deploy(deployRequest('steady', localPort))));
      localRedeploy.push(ms);
    }

    return [
      resultOf(
        'deploy: bare transport over loopback ssh (rsync of the service + ssh true, new connections)',
        bare,
      ),
      resultOf('deploy over loopback ssh: first release of a service', cold, {
        versus: ratio(medianOf(cold)),
      }),
      resultOf('deploy over loopback ssh: redeploy of an unchanged release', redeploy, {
        versus: ratio(medianOf(redeploy)),
        'median step ms': stepSummary,
        'longest cutover gap ms': Math.max(...gaps),
        'requests without an answer during the redeploys': `${failed} of ${sent}`,
      }),
      resultOf('rollback over loopback ssh', rollback, { versus: ratio(medianOf(rollback)) }),
      resultOf('deploy on the local target: redeploy of an unchanged release', localRedeploy),
    ];
  } finally {
    for (const [target, name] of targets) await target.stop(name).catch(() => undefined);
    await sshd.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
