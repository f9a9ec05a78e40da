/**
 * Interfaces to the outside systems of the build line's later phases. Phases receive implementations
 * through a context object and never import an adapter.
 */

export interface RegistryEntry {
  name: string;
  url: string;
  version: string;
  release_id: string;
  /** ISO-8601 */
  registered_at: string;
  health: 'active' | 'degraded' | 'unknown';
}

export interface Registry {
  /** e.g. `file:/path/registry.json`, `http://host:8000`, `etcd://127.0.0.1:2379` */
  readonly description: string;
  register(entry: RegistryEntry): Promise<void>;
  deregister(name: string): Promise<void>;
  get(name: string): Promise<RegistryEntry | undefined>;
  list(): Promise<RegistryEntry[]>;
}

export interface DeployRequest {
  name: string;
  /** Local directory with the service's files (services/<name>/). */
  sourceDir: string;
  /** Sorts by time: UTC timestamp plus a short SPEC hash, e.g. 20261125T041713Z-3f9a2c1. */
  releaseId: string;
  port: number;
  version: string;
  /** Environment for the service process (REGISTRY_URL, SERVICE_VERSION …); never secrets of the pipeline. */
  env: Record<string, string>;
}

export interface ReleaseInfo {
  name: string;
  releaseId: string;
  url: string;
  port: number;
  pid?: number;
  status: 'running' | 'stopped' | 'failed';
}

export interface DeployOutcome {
  ok: boolean;
  release: ReleaseInfo;
  /** The release serving after the deploy: the new one on success, the previous one (if any) on failure. */
  serving?: ReleaseInfo;
  /** Milliseconds during which the port answered nothing at cutover. */
  cutoverGapMs?: number;
  message: string;
  /** Last lines of the new release's log, for a failed deploy. */
  logTail?: string;
}

export interface DeployTarget {
  readonly description: string;
  deploy(request: DeployRequest): Promise<DeployOutcome>;
  rollback(name: string): Promise<DeployOutcome>;
  stop(name: string): Promise<void>;
  list(): Promise<ReleaseInfo[]>;
  logs(name: string, lines: number): Promise<string>;
}

/** Progress events every phase reports; the CLI prints them, the Action logs them. */
export interface ProgressReporter {
  phaseStarted(phase: string, detail?: string): void;
  phaseFinished(phase: string, outcome: 'ok' | 'failed' | 'skipped', detail?: string): void;
  info(message: string): void;
}

export const silentReporter: ProgressReporter = {
  phaseStarted() {},
  phaseFinished() {},
  info() {},
};
