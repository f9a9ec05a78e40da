/**
 * How the supervisor of a release on the service port (the launcher, core/deploy/launcher.py) restarts
 * its server when it dies: after `delayMs`, doubling up to `maxDelayMs`; it gives up (status `failed`)
 * after `limit` restarts in a row of a server that died within `fastMs` of its start.
 */
export interface RestartPolicy {
  delayMs: number;
  maxDelayMs: number;
  limit: number;
  fastMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  delayMs: 1000,
  maxDelayMs: 30000,
  limit: 5,
  fastMs: 60000,
};

/** The launcher's `--restart DELAY,MAX_DELAY,LIMIT,FAST`, in seconds. */
export function restartPolicyArgument(policy: RestartPolicy): string {
  const s = (ms: number) => String(Math.max(0, ms) / 1000);
  return [
    s(policy.delayMs),
    s(policy.maxDelayMs),
    Math.max(0, Math.floor(policy.limit)),
    s(policy.fastMs),
  ].join(',');
}
