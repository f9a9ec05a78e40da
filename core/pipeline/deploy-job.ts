import { makeReleaseId } from '../deploy/index.js';
import type { Intent } from '../intent/schema.js';
import type {
  DeployOutcome,
  DeployTarget,
  ProgressReporter,
  Registry,
  RegistryEntry,
} from '../ports/index.js';
import { serviceDir } from './state.js';

export interface DeployJobOptions {
  repoRoot: string;
  intent: Intent;
  target: DeployTarget;
  registry: Registry;
  reporter: ProgressReporter;
  /** The SPEC's hash: its first 7 characters name the release with the time. */
  specHash: string;
  version: string;
  now?: () => Date;
}

export interface DeployJobResult {
  ok: boolean;
  outcome: DeployOutcome;
  /** The registry entry written; on a failed deploy, the one pointing at the release still serving. */
  registered?: RegistryEntry;
  message: string;
}

function entryFor(intent: Intent, url: string, releaseId: string, version: string, now: Date): RegistryEntry {
  return {
    name: intent.service_name,
    url,
    version,
    release_id: releaseId,
    registered_at: now.toISOString(),
    health: 'active',
  };
}

/** The environment a deployed service gets: its identity, and where to probe its dependencies. */
export function serviceEnvironment(
  registry: Registry,
  version: string,
  releaseId: string,
): Record<string, string> {
  const env: Record<string, string> = { SERVICE_VERSION: version, ASSEMBLY_LINE_RELEASE_ID: releaseId };
  // The service probes the registry for /dependencies, but does not register itself: the pipeline
  // registers it only after the health gate, so a staging instance is never announced.
  if (registry.serviceUrl) env.DEPENDENCY_REGISTRY_URL = registry.serviceUrl;
  return env;
}

/**
 * Phases 5-7 of the build line: health-gated deploy, then registration. The registry is written only
 * after health passes, and after a failed deploy it points at the release that still serves.
 */
export async function runDeployJob(options: DeployJobOptions): Promise<DeployJobResult> {
  const { intent, target, registry, reporter } = options;
  const now = options.now ?? (() => new Date());
  const name = intent.service_name;
  const releaseId = makeReleaseId(now(), options.specHash.slice(0, 7));

  reporter.phaseStarted('deployment', `${target.description}, release ${releaseId}`);
  const outcome = await target.deploy({
    name,
    sourceDir: serviceDir(options.repoRoot, name),
    releaseId,
    port: intent.port,
    version: options.version,
    env: serviceEnvironment(registry, options.version, releaseId),
  });
  const health = outcome.timingsMs.health;
  reporter.phaseFinished(
    'deployment',
    outcome.ok ? 'ok' : 'failed',
    outcome.ok
      ? `release ${releaseId} serves ${outcome.release.url}${outcome.cutoverGapMs !== undefined ? `, cutover gap ${outcome.cutoverGapMs} ms` : ''}`
      : outcome.message,
  );
  // The target ran the health gate inside deploy(); its own timing is the phase's true time.
  reporter.phaseStarted('health_check');
  reporter.phaseFinished(
    'health_check',
    outcome.ok ? 'ok' : 'failed',
    outcome.ok
      ? `GET /health active${health !== undefined ? ` after ${Math.round(health)} ms` : ''}`
      : outcome.message,
    health,
  );

  if (!outcome.ok) {
    const serving = outcome.serving;
    let registered: RegistryEntry | undefined;
    let registryProblem = '';
    if (serving) {
      try {
        const current = await registry.get(name);
        if (current?.release_id !== serving.releaseId) {
          registered = entryFor(
            intent,
            serving.url,
            serving.releaseId,
            current?.version ?? options.version,
            now(),
          );
          await registry.register(registered);
        } else registered = current;
      } catch (error) {
        registryProblem = `; the registry could not be pointed at it: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    return {
      ok: false,
      outcome,
      ...(registered ? { registered } : {}),
      message: `${outcome.message}${serving ? `; release ${serving.releaseId} keeps serving ${serving.url}` : ''}${registryProblem}`,
    };
  }
  reporter.phaseStarted('registration', registry.description);
  const registered = entryFor(intent, outcome.release.url, outcome.release.releaseId, options.version, now());
  try {
    await registry.register(registered);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    reporter.phaseFinished('registration', 'failed', reason);
    return {
      ok: false,
      outcome,
      message: `release ${registered.release_id} serves ${registered.url} but is not registered: ${reason}`,
    };
  }
  reporter.phaseFinished('registration', 'ok', `${name} → ${registered.url}`);
  return { ok: true, outcome, registered, message: outcome.message };
}
