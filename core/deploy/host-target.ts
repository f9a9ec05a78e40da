import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { onInterrupt } from '../interrupt.js';
import type {
  DeployOutcome,
  DeployRequest,
  DeployTarget,
  ProgressReporter,
  ReleaseInfo,
} from '../ports/index.js';
import { silentReporter } from '../ports/index.js';
import { readDeployAsset } from './assets.js';
import { DeployError } from './errors.js';
import { type HealthResult, waitForHealthy, watchAvailability } from './health.js';
import { type AgentOutput, HostAgent, type HostChannel, type HostConnector } from './host-agent.js';
import { isEnvName, isReleaseId, isServiceName } from './release-id.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy, restartPolicyArgument } from './restart-policy.js';
import { renderSystemdUnit } from './systemd.js';

export interface HostTargetOptions {
  /** The deploy root on the host; `~/…` is the deploy user's home there. */
  root: string;
  /** The interpreter that creates each release's venv, on the host. Default `/usr/bin/python3`. */
  python?: string;
  /** Releases kept per service (the current one is never pruned). Default 5. */
  keepReleases?: number;
  /** The address services listen on. Default `127.0.0.1`. */
  bindHost?: string;
  healthPath?: string;
  /** Polling for "active" before the cutover. Default 30000. */
  healthTimeoutMs?: number;
  healthIntervalMs?: number;
  /** After the health timeout: wait this long, then ask once more. Default 60000. */
  healthRetryAfterMs?: number;
  /** How long a release may take to listen at all. Default: the health timeout. */
  startTimeoutMs?: number;
  /** TERM, then KILL after this long. Default 10000. */
  stopTimeoutMs?: number;
  /** How long a deploy waits for another deploy of the same service. Default 60000. */
  lockWaitMs?: number;
  /** A lock whose holder did nothing for this long is broken. Default 600000. */
  lockStaleMs?: number;
  logTailLines?: number;
  /**
   * How the supervisor of a release on the service port restarts its server when it dies: after
   * `delayMs`, doubling up to `maxDelayMs`; it gives up (status `failed`) after `limit` restarts in a row
   * of a server that died within `fastMs` of its start. Default 1 s, 30 s, 5, 60 s.
   */
  restart?: RestartPolicy;
  /** `auto`: write a boot unit where systemd runs (needs root on the host). Default `off`. */
  systemd?: 'auto' | 'off';
  /** Where this machine's temporary files of an operation go (release metadata, ssh key and socket). Default: the OS's. */
  tmpDir?: string;
  /** Who deploys, for the lock and the audit log. Default `user@hostname` of this machine. */
  who?: string;
  reporter?: ProgressReporter;
}

type Settings = Required<Omit<HostTargetOptions, 'reporter' | 'startTimeoutMs'>> & { startTimeoutMs: number };

function settingsFrom(options: HostTargetOptions): Settings {
  const healthTimeoutMs = options.healthTimeoutMs ?? 30000;
  return {
    root: options.root,
    python: options.python ?? '/usr/bin/python3',
    keepReleases: options.keepReleases ?? 5,
    bindHost: options.bindHost ?? '127.0.0.1',
    healthPath: options.healthPath ?? '/health',
    healthTimeoutMs,
    healthIntervalMs: options.healthIntervalMs ?? 250,
    healthRetryAfterMs: options.healthRetryAfterMs ?? 60000,
    startTimeoutMs: options.startTimeoutMs ?? healthTimeoutMs,
    stopTimeoutMs: options.stopTimeoutMs ?? 10000,
    lockWaitMs: options.lockWaitMs ?? 60000,
    lockStaleMs: options.lockStaleMs ?? 600000,
    logTailLines: options.logTailLines ?? 40,
    restart: { ...DEFAULT_RESTART_POLICY, ...options.restart },
    systemd: options.systemd ?? 'off',
    tmpDir: options.tmpDir ?? tmpdir(),
    // One line: it goes into the lock file and the tab-separated audit log.
    who: (options.who ?? `${userInfo().username}@${hostname()}`).replace(/\s+/g, ' ').trim(),
  };
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Step timings of one deploy. */
class StepClock {
  readonly timings: Record<string, number> = {};

  async time<T>(step: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.timings[step] = Math.round((this.timings[step] ?? 0) + performance.now() - started);
    }
  }
}

/** What one cutover moves to, and what was serving before. */
interface CutoverPlan {
  action: 'deploy' | 'rollback';
  name: string;
  releaseId: string;
  port: number;
  /** The release `current` pointed at before, or ''. */
  before: string;
  beforePid?: number;
  /** A release that fails a deploy goes to archive/; one that fails a rollback stays. */
  archiveOnFailure: boolean;
  systemd: boolean;
  serviceDir: string;
}

/**
 * Where an interrupted operation waits while the signal handler cleans up and then ends the process: it
 * must neither finish on its own (it would record `failed` and unlock) nor throw (and crash first).
 */
function parkedForever(): Promise<never> {
  return new Promise(() => {});
}

interface HeldLock {
  name: string;
  token: string;
  released: boolean;
  /** A signal handler took over: the interrupted operation must not finish (or unlock) on its own. */
  interrupted?: boolean;
}

/**
 * The release and health-gated cutover logic of both deploy targets. A deploy: lock the service, upload
 * the release beside the others, install its venv, start it on a free port, poll /health until "active",
 * switch `current`, start it on the service port while the old release still serves there (SO_REUSEPORT),
 * stop the old one, check /health on the service port. The service that was serving keeps serving when
 * any step fails: a release that never turns healthy is stopped and archived before it sees traffic, and
 * one that fails on the service port is replaced by the old release again.
 */
export class HostDeployTarget implements DeployTarget {
  private readonly settings: Settings;
  private readonly reporter: ProgressReporter;

  constructor(
    private readonly connector: HostConnector,
    options: HostTargetOptions,
  ) {
    this.settings = settingsFrom(options);
    this.reporter = options.reporter ?? silentReporter;
  }

  get description(): string {
    return `${this.connector.description} (root ${this.settings.root})`;
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    checkRequest(request);
    const clock = new StepClock();
    const { name, releaseId } = request;
    return this.session(async (agent, channel) => {
      const lock: HeldLock = { name, token: randomUUID(), released: false };
      const begin = await clock.time('lock', () => this.begin(agent, lock, releaseId, request.port));
      // Interrupted from here on: stop and archive the half-started release, note it, give the lock back.
      // A fresh session, since a terminal's Ctrl-C also ends the agent (or ssh) this one runs through.
      const forget = onInterrupt(() => this.interrupted(lock, releaseId));
      try {
        const serviceDir = begin.get('dir');
        const before = begin.get('current');
        this.reporter.info(`uploading release ${releaseId} of ${name} to ${this.connector.description}`);
        await clock.time('upload', () => this.upload(channel, request, serviceDir, before));
        return await this.cutover(agent, channel, lock, clock, {
          action: 'deploy',
          name,
          releaseId,
          port: request.port,
          before,
          beforePid: numberOrUndefined(begin.get('current_pid')),
          archiveOnFailure: true,
          systemd: begin.get('systemd') === '1',
          serviceDir,
        });
      } finally {
        forget();
        await this.unlockIfHeld(agent, lock);
      }
    });
  }

  async rollback(name: string): Promise<DeployOutcome> {
    checkName(name);
    const clock = new StepClock();
    return this.session(async (agent, channel) => {
      const lock: HeldLock = { name, token: randomUUID(), released: false };
      const begin = await clock.time('lock', () => this.begin(agent, lock, '-'));
      try {
        const current = begin.get('current');
        const previous = begin.get('previous');
        const port = numberOrUndefined(begin.get('current_port'));
        const beforePid = numberOrUndefined(begin.get('current_pid'));
        if (!current || !previous || port === undefined) {
          const message = current
            ? `cannot roll back ${name}: no release older than the current ${current} on ${this.connector.description}`
            : `cannot roll back ${name}: it has no current release on ${this.connector.description}`;
          await this.finish(agent, lock, 'rollback', current || '-', 'failed', message);
          return {
            ok: false,
            release: this.releaseInfo(name, current || '-', port ?? 0, current ? 'stopped' : 'failed'),
            serving:
              current && beforePid
                ? this.releaseInfo(name, current, port ?? 0, 'running', beforePid)
                : undefined,
            message,
            timingsMs: clock.timings,
          };
        }
        return await this.cutover(agent, channel, lock, clock, {
          action: 'rollback',
          name,
          releaseId: previous,
          port,
          before: current,
          beforePid,
          archiveOnFailure: false,
          systemd: false,
          serviceDir: begin.get('dir'),
        });
      } finally {
        await this.unlockIfHeld(agent, lock);
      }
    });
  }

  async stop(name: string): Promise<void> {
    checkName(name);
    const s = this.settings;
    await this.session(async (agent) => {
      await agent.run('stop', [
        s.root,
        name,
        randomUUID(),
        s.who,
        process.pid,
        s.who,
        seconds(s.lockWaitMs),
        seconds(s.lockStaleMs),
        seconds(s.stopTimeoutMs),
      ]);
    });
  }

  async list(): Promise<ReleaseInfo[]> {
    const output = await this.session((agent) => agent.text('list', [this.settings.root]));
    const releases: ReleaseInfo[] = [];
    const statuses: ReleaseInfo['status'][] = ['running', 'restarting', 'stopped', 'failed'];
    for (const line of output.split('\n')) {
      const [kind, name, releaseId, state, port, pid, current, restarts, note] = line.split('\t');
      if (kind !== 'release' || !name || !releaseId) continue;
      const status = statuses.find((s) => s === state) ?? 'stopped';
      releases.push({
        ...this.releaseInfo(name, releaseId, Number(port) || 0, status, numberOrUndefined(pid ?? '')),
        current: current === '1',
        restarts: Number(restarts) || 0,
        ...(note ? { note } : {}),
      });
    }
    return releases;
  }

  /** The last `lines` lines of the current release's log (stdout and stderr of the service). */
  async logs(name: string, lines: number): Promise<string> {
    checkName(name);
    const count = Math.max(1, Math.floor(lines));
    return this.session((agent) => agent.text('logs', [this.settings.root, name, count]));
  }

  private async session<T>(work: (agent: HostAgent, channel: HostChannel) => Promise<T>): Promise<T> {
    const channel = await this.connector.open();
    // Interrupted: the agent gets its end of input and removes its scratch folder before this process
    // ends (after the clean-up of the operation itself, which works through a session of its own).
    const forget = onInterrupt(() => channel.close(), { last: true });
    try {
      return await work(new HostAgent(channel, this.connector.description), channel);
    } finally {
      forget();
      await channel.close();
    }
  }

  /** Takes the deploy lock; with `port`, fails unless that port is free or served by this service. */
  private async begin(
    agent: HostAgent,
    lock: HeldLock,
    releaseId: string,
    port?: number,
  ): Promise<AgentOutput> {
    const s = this.settings;
    const output = await agent.run('begin', [
      s.root,
      lock.name,
      lock.token,
      s.who,
      process.pid,
      releaseId,
      seconds(s.lockWaitMs),
      seconds(s.lockStaleMs),
      port ?? '-',
      hostname(),
    ]);
    const broke = output.get('broke');
    if (broke) this.reporter.info(`broke the stale deploy lock of ${lock.name} held by ${broke}`);
    return output;
  }

  private async upload(channel: HostChannel, request: DeployRequest, serviceDir: string, before: string) {
    const meta = mkdtempSync(join(this.settings.tmpDir, 'assembly-line-release-'));
    const forget = onInterrupt(() => rmSync(meta, { recursive: true, force: true }), { last: true });
    try {
      const dir = join(meta, '.assembly-line');
      mkdirSync(dir);
      const release = {
        name: request.name,
        release_id: request.releaseId,
        version: request.version,
        port: request.port,
        app: 'app.main:app',
        env: request.env,
      };
      writeFileSync(join(dir, 'release.json'), `${JSON.stringify(release, null, 2)}\n`);
      writeFileSync(join(dir, 'port'), `${request.port}\n`);
      writeFileSync(join(dir, 'launch.py'), readDeployAsset('launcher.py'));
      const linkDest = before ? `${serviceDir}/releases/${before}` : undefined;
      await channel.upload(
        [request.sourceDir, meta],
        `${serviceDir}/releases/${request.releaseId}`,
        linkDest,
      );
    } finally {
      forget();
      rmSync(meta, { recursive: true, force: true });
    }
  }

  private async cutover(
    agent: HostAgent,
    channel: HostChannel,
    lock: HeldLock,
    clock: StepClock,
    plan: CutoverPlan,
  ): Promise<DeployOutcome> {
    const s = this.settings;
    const { name, releaseId, port } = plan;
    const serving =
      plan.beforePid !== undefined
        ? this.releaseInfo(name, plan.before, port, 'running', plan.beforePid)
        : undefined;
    const keepsServing = serving
      ? `${name} keeps serving release ${plan.before}`
      : `no release of ${name} was serving before`;
    const failed = (message: string) => this.fail(agent, lock, clock, plan, message, serving);

    let stagingPort: number;
    try {
      this.reporter.info(`starting release ${releaseId} of ${name} on a staging port`);
      // The instance standing by on the service port waits at most through the gate and its retry.
      const standbyMs = s.startTimeoutMs + s.healthTimeoutMs + s.healthRetryAfterMs + 60000;
      const prepared = await clock.time('start', () =>
        agent.run('prepare', [
          s.root,
          name,
          lock.token,
          releaseId,
          s.python,
          seconds(s.startTimeoutMs),
          port,
          s.bindHost,
          seconds(standbyMs),
          restartPolicyArgument(s.restart),
        ]),
      );
      stagingPort = Number(prepared.get('staging_port'));
    } catch (error) {
      if (!isHostFailure(error)) throw error;
      return failed(`release ${releaseId} of ${name} did not start: ${error.message}; ${keepsServing}`);
    }

    const gate = await clock.time('health', () => this.gate(channel, stagingPort));
    if (!gate.healthy) {
      const retried = gate.attempts > 1 ? `, nor after ${seconds(s.healthRetryAfterMs)} s more` : '';
      return failed(
        `release ${releaseId} of ${name} did not report "active" on ${s.healthPath} within ` +
          `${seconds(s.healthTimeoutMs)} s${retried} (last: ${gate.last}); ${keepsServing}`,
      );
    }

    const live = await channel.openHttp(port);
    try {
      const monitor = serving ? watchAvailability(live.url(s.healthPath), live.get) : undefined;
      let promoted: AgentOutput;
      try {
        this.reporter.info(`moving ${name} to release ${releaseId} on port ${port}`);
        promoted = await clock.time('cutover', () =>
          agent.run('promote', [
            s.root,
            name,
            lock.token,
            releaseId,
            seconds(s.startTimeoutMs),
            seconds(s.stopTimeoutMs),
          ]),
        );
      } catch (error) {
        await monitor?.stop();
        if (!isHostFailure(error)) throw error;
        return failed(
          `release ${releaseId} of ${name} could not take over port ${port}: ${error.message}; ${keepsServing}`,
        );
      }
      const verify = await clock.time('verify', () =>
        waitForHealthy(live.url(s.healthPath), {
          timeoutMs: s.healthTimeoutMs,
          intervalMs: s.healthIntervalMs,
          fetch: live.get,
        }),
      );
      const availability = await monitor?.stop();
      if (!verify.healthy) {
        const problem = `release ${releaseId} of ${name} was healthy on its staging port but not on port ${port} (last: ${verify.last})`;
        try {
          const restored = await clock.time('restore', () =>
            agent.run('restore', [
              s.root,
              name,
              lock.token,
              releaseId,
              plan.before,
              serving ? 1 : 0,
              port,
              s.bindHost,
              seconds(s.startTimeoutMs),
              seconds(s.stopTimeoutMs),
              restartPolicyArgument(s.restart),
            ]),
          );
          const pid = numberOrUndefined(restored.get('pid'));
          const back = serving ? { ...serving, ...(pid ? { pid } : {}) } : undefined;
          const after = serving
            ? `restored release ${plan.before}`
            : `nothing of ${name} serves on port ${port}, as before`;
          return this.fail(agent, lock, clock, plan, `${problem}; ${after}`, back);
        } catch (error) {
          if (!isHostFailure(error)) throw error;
          return this.fail(
            agent,
            lock,
            clock,
            plan,
            `${problem}; restoring release ${plan.before || '(none)'} failed too: ${error.message}`,
            undefined,
          );
        }
      }

      const pid = numberOrUndefined(promoted.get('pid'));
      const release = this.releaseInfo(name, releaseId, port, 'running', pid);
      const gap = availability
        ? `, replacing ${plan.before} (the port answered nothing for ${availability.longestGapMs} ms)`
        : '';
      const message = `release ${releaseId} of ${name} is serving at ${release.url}${gap}`;
      await clock.time('finish', () => this.finish(agent, lock, plan.action, releaseId, 'ok', message, true));
      if (plan.systemd && s.systemd === 'auto') await this.writeUnit(agent, plan);
      return {
        ok: true,
        release,
        serving: release,
        ...(availability ? { cutoverGapMs: availability.longestGapMs } : {}),
        message,
        timingsMs: clock.timings,
      };
    } finally {
      await live.close();
    }
  }

  /** Polls /health on the staging port: the timeout, then one more try after the retry wait. */
  private async gate(channel: HostChannel, stagingPort: number): Promise<HealthResult> {
    const s = this.settings;
    const staging = await channel.openHttp(stagingPort);
    try {
      return await waitForHealthy(staging.url(s.healthPath), {
        timeoutMs: s.healthTimeoutMs,
        intervalMs: s.healthIntervalMs,
        retryAfterMs: s.healthRetryAfterMs,
        fetch: staging.get,
      });
    } finally {
      await staging.close();
    }
  }

  private async fail(
    agent: HostAgent,
    lock: HeldLock,
    clock: StepClock,
    plan: CutoverPlan,
    message: string,
    serving: ReleaseInfo | undefined,
  ): Promise<DeployOutcome> {
    const s = this.settings;
    if (lock.interrupted) await parkedForever();
    let logTail = '';
    await clock.time('finish', async () => {
      logTail = await agent.text('abort', [
        s.root,
        plan.name,
        lock.token,
        plan.releaseId,
        s.logTailLines,
        seconds(s.stopTimeoutMs),
        plan.archiveOnFailure ? 1 : 0,
      ]);
      await this.finish(agent, lock, plan.action, plan.releaseId, 'failed', message);
    });
    return {
      ok: false,
      release: this.releaseInfo(plan.name, plan.releaseId, plan.port, 'failed'),
      serving,
      message,
      logTail,
      timingsMs: clock.timings,
    };
  }

  private async finish(
    agent: HostAgent,
    lock: HeldLock,
    action: string,
    releaseId: string,
    outcome: 'ok' | 'failed' | 'interrupted',
    detail: string,
    prune = false,
    fromSignal = false,
  ): Promise<void> {
    const s = this.settings;
    if (lock.interrupted && !fromSignal) await parkedForever();
    await agent.run('finish', [
      s.root,
      lock.name,
      lock.token,
      prune ? s.keepReleases : 0,
      releaseId,
      s.who,
      action,
      releaseId,
      outcome,
      detail,
    ]);
    lock.released = true;
  }

  private async interrupted(lock: HeldLock, releaseId: string): Promise<void> {
    if (lock.released) return;
    lock.interrupted = true;
    const s = this.settings;
    await this.session(async (agent) => {
      // Stopped and archived, unless the interrupted operation got there first.
      await agent
        .text('abort', [s.root, lock.name, lock.token, releaseId, 1, seconds(s.stopTimeoutMs), 1])
        .catch(() => undefined);
      await this.finish(
        agent,
        lock,
        'deploy',
        releaseId,
        'interrupted',
        'interrupted by a signal',
        false,
        true,
      );
    });
  }

  private async unlockIfHeld(agent: HostAgent, lock: HeldLock): Promise<void> {
    if (lock.released || lock.interrupted) return;
    await agent.run('unlock', [this.settings.root, lock.name, lock.token]).catch(() => undefined);
  }

  private async writeUnit(agent: HostAgent, plan: CutoverPlan): Promise<void> {
    try {
      const unit = renderSystemdUnit({
        name: plan.name,
        serviceDir: plan.serviceDir,
        port: plan.port,
        bindHost: this.settings.bindHost,
      });
      const output = await agent.run('write-unit', [plan.name, unit]);
      this.reporter.info(`wrote ${output.get('unit')} so that ${plan.name} starts at boot`);
    } catch (error) {
      this.reporter.info(`no boot unit for ${plan.name}: ${error instanceof Error ? error.message : error}`);
    }
  }

  private releaseInfo(
    name: string,
    releaseId: string,
    port: number,
    status: ReleaseInfo['status'],
    pid?: number,
  ): ReleaseInfo {
    const host = this.connector.serviceHost.includes(':')
      ? `[${this.connector.serviceHost}]`
      : this.connector.serviceHost;
    return { name, releaseId, url: `http://${host}:${port}`, port, ...(pid ? { pid } : {}), status };
  }
}

function isHostFailure(error: unknown): error is DeployError {
  return error instanceof DeployError && error.code === 'host';
}

function numberOrUndefined(text: string): number | undefined {
  const value = Number(text);
  return text !== '' && text !== '-' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function checkName(name: string): void {
  if (!isServiceName(name))
    throw new DeployError(
      'usage',
      `'${name}' is not a service name (2-63 of a-z, 0-9 and -, starting with a letter)`,
    );
}

function checkRequest(request: DeployRequest): void {
  checkName(request.name);
  if (!isReleaseId(request.releaseId))
    throw new DeployError(
      'usage',
      `release id '${request.releaseId}' is not of the form 20261125T041713Z-3f9a2c1 (see makeReleaseId)`,
    );
  if (!Number.isInteger(request.port) || request.port < 1 || request.port > 65535)
    throw new DeployError('usage', `port ${request.port} of ${request.name} is not a TCP port (1-65535)`);
  for (const [key, value] of Object.entries(request.env)) {
    if (!isEnvName(key)) throw new DeployError('usage', `environment variable name '${key}' is not valid`);
    if (typeof value !== 'string' || value.includes('\0'))
      throw new DeployError('usage', `environment variable ${key} must be text without NUL characters`);
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(request.sourceDir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory)
    throw new DeployError('usage', `source directory ${request.sourceDir} of ${request.name} does not exist`);
}
