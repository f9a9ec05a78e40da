/** The deploy targets: `createDeployTarget('local' | 'ssh://user@host[:port]', options)` is the usual way in. */
export { DeployError, type DeployErrorCode } from './errors.js';
export { type HealthOptions, type HealthResult, waitForHealthy } from './health.js';
export type { HostTargetOptions } from './host-target.js';
export { HostDeployTarget } from './host-target.js';
export { createLocalTarget, DEFAULT_LOCAL_ROOT, type LocalTargetOptions } from './local.js';
export { isReleaseId, makeReleaseId } from './release-id.js';
export { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.js';
export { createSshTarget, DEFAULT_SSH_ROOT, SSH_KEY_ENV, type SshTargetOptions } from './ssh.js';
export { renderSystemdUnit } from './systemd.js';
export { createDeployTarget, type DeployTargetOptions, parseTarget, type TargetSpec } from './target.js';
