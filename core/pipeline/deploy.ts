import type { Intent } from '../intent/schema.js';
import type { DeployOutcome, RegistryEntry, ReleaseInfo } from '../ports/index.js';
import { requireDeployableBuild } from './build-stamp.js';
import { type DeployContext, startRecording } from './context.js';
import { type DeployJobResult, runDeployJob } from './deploy-job.js';
import { SERVICE_VERSION } from './policy.js';

/**
 * The deploy line of a built service as one ledger run: health-gated cutover, then registration. Only a
 * build whose stamp names this checkout's SPEC and intent is deployed (BuildStampError otherwise,
 * before anything is recorded). A failed deploy is a result; a target that cannot be reached throws.
 */
export async function deployService(context: DeployContext, intent: Intent): Promise<DeployJobResult> {
  const manifest = requireDeployableBuild(context.repoRoot, intent);
  const recording = startRecording(context, 'deploy', intent);
  let result: DeployJobResult;
  try {
    result = await runDeployJob({
      repoRoot: context.repoRoot,
      intent,
      target: context.target,
      registry: context.registry,
      reporter: recording.reporter,
      specHash: manifest.spec_hash,
      version: SERVICE_VERSION,
      ...(context.now ? { now: context.now } : {}),
    });
  } catch (error) {
    recording.run.finish('failed', (error as Error).message);
    throw error;
  }
  recording.run.finish(result.ok ? 'succeeded' : 'failed', result.ok ? undefined : result.message);
  return result;
}

/** What rollback, stop and ps need: the target and the registry, no repository. */
export type FleetContext = Pick<DeployContext, 'target' | 'registry' | 'reporter' | 'now'>;

export interface RollbackResult {
  outcome: DeployOutcome;
  /** Set when the rollback served but the registry could not be pointed at it. */
  registryProblem?: string;
}

/** Switches a service back to its previous release, then points the registry at it. */
export async function rollbackService(context: FleetContext, name: string): Promise<RollbackResult> {
  const { target, registry, reporter } = context;
  reporter.phaseStarted('rollback');
  const outcome = await target.rollback(name);
  reporter.phaseFinished('rollback', outcome.ok ? 'ok' : 'failed', outcome.message);
  if (!outcome.ok) return { outcome };
  try {
    const previous = await registry.get(name);
    await registry.register({
      name,
      url: outcome.release.url,
      version: previous?.version ?? SERVICE_VERSION,
      release_id: outcome.release.releaseId,
      registered_at: (context.now?.() ?? new Date()).toISOString(),
      health: 'active',
    });
  } catch (error) {
    return { outcome, registryProblem: (error as Error).message };
  }
  return { outcome };
}

/** Stops every release of a service and removes it from the registry. */
export async function stopService(context: FleetContext, name: string): Promise<void> {
  await context.target.stop(name);
  await context.registry.deregister(name);
}

export interface DeployedService {
  name: string;
  release: string;
  status: ReleaseInfo['status'];
  url: string;
  pid: number | null;
  /** How often its supervisor restarted it. */
  restarts: number;
  /** Why it is not running, when it is not. */
  note: string | null;
  /** The registry points at this release. */
  registered: boolean;
  /** The registry entry's health, as this listing left it; null when not registered. */
  health: RegistryEntry['health'] | null;
}

/** What the registry should say of a release in this state: only a running one is `active`. */
export function registryHealth(status: ReleaseInfo['status']): RegistryEntry['health'] {
  return status === 'running' ? 'active' : 'degraded';
}

/**
 * The current release of every service on the target, and whether the registry points at it. The
 * registry's health follows what the target reports: a registered release whose server is down
 * (restarting, given up on, stopped) becomes `degraded`, and `active` again once it serves; the
 * supervisor on the host cannot reach every registry (a file registry lives on the deploying machine).
 */
export async function deployedServices(context: FleetContext): Promise<DeployedService[]> {
  const [releases, entries] = await Promise.all([context.target.list(), context.registry.list()]);
  const registered = new Map(entries.map((e) => [e.name, e]));
  const rows: DeployedService[] = [];
  for (const r of releases.filter((release) => release.current)) {
    let entry = registered.get(r.name);
    if (entry?.release_id !== r.releaseId) entry = undefined;
    if (entry && entry.health !== registryHealth(r.status)) {
      entry = { ...entry, health: registryHealth(r.status) };
      await context.registry.register(entry);
    }
    rows.push({
      name: r.name,
      release: r.releaseId,
      status: r.status,
      url: r.url,
      pid: r.pid ?? null,
      restarts: r.restarts ?? 0,
      note: r.note ?? null,
      registered: entry !== undefined,
      health: entry?.health ?? null,
    });
  }
  return rows;
}
