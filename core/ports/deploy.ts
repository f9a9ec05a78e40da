/** Where a built service runs: health-gated releases on a host. Adapters: local and ssh (core/deploy/). */

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
  /** The process that serves the release (under its supervisor, on a host target). */
  pid?: number;
  /**
   * `restarting`: its server died and its supervisor starts it again after a pause; `failed`: it failed
   * its deploy, or its server kept dying and the supervisor gave up (see `note`).
   */
  status: 'running' | 'restarting' | 'stopped' | 'failed';
  /** The release the target's `current` link points at: the one that serves, or that a start would start. */
  current?: boolean;
  /** How often its supervisor restarted its server since it was deployed. */
  restarts?: number;
  /** Why it is not running, in words: "crashed and was given up on after 5 restarts (last: exit code 1)". */
  note?: string;
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
  /**
   * Milliseconds per step the target took, in the order they ran (the host targets: lock, upload, start,
   * health, cutover, verify, finish); `health` is the wait for GET /health to answer "active".
   */
  timingsMs: Record<string, number>;
}

export interface DeployTarget {
  readonly description: string;
  deploy(request: DeployRequest): Promise<DeployOutcome>;
  rollback(name: string): Promise<DeployOutcome>;
  stop(name: string): Promise<void>;
  list(): Promise<ReleaseInfo[]>;
  logs(name: string, lines: number): Promise<string>;
}
