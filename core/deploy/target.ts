import { isIP } from 'node:net';
import { DeployError } from './errors.js';
import type { HostDeployTarget, HostTargetOptions } from './host-target.js';
import { createLocalTarget } from './local.js';
import { createSshTarget, SSH_KEY_ENV } from './ssh.js';

export type TargetSpec = { kind: 'local' } | { kind: 'ssh'; user?: string; host: string; port: number };

const TARGET_FORMS = "'local' or 'ssh://user@host[:port]'";

/** `local`, or `ssh://[user@]host[:port]` (an IPv6 host in brackets). */
export function parseTarget(text: string): TargetSpec {
  const value = text.trim();
  if (value === 'local') return { kind: 'local' };
  if (!value.startsWith('ssh://'))
    throw new DeployError('usage', `deploy target '${text}' is not understood; expected ${TARGET_FORMS}`);
  const match = /^ssh:\/\/(?:([^@/\s:]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d*))?(\/.*)?$/.exec(
    value,
  );
  if (!match)
    throw new DeployError(
      'usage',
      `deploy target '${text}' is not a valid ssh address; expected ${TARGET_FORMS}`,
    );
  const [, user, rawHost, rawPort, path] = match;
  if (path && path !== '/')
    throw new DeployError(
      'usage',
      `deploy target '${text}' has a path; give the directory with --root instead`,
    );
  if (rawPort === '') throw new DeployError('usage', `deploy target '${text}' has a ':' but no port`);
  const port = rawPort === undefined ? 22 : Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new DeployError('usage', `deploy target '${text}': port ${rawPort} is not between 1 and 65535`);
  const host = rawHost!.replace(/^\[|\]$/g, '');
  return { kind: 'ssh', host, port, ...(user ? { user } : {}) };
}

export interface DeployTargetOptions extends Omit<HostTargetOptions, 'root'> {
  root?: string;
  /** Required for ssh targets. */
  knownHostsFile?: string;
  identityFile?: string;
  /** Where ASSEMBLY_LINE_SSH_KEY is looked up when no identity file is given. */
  env?: Record<string, string | undefined>;
  serviceHost?: string;
}

/** The target a CLI flag or Action input names, e.g. `--target ssh://deploy@10.0.0.5:2222 --known-hosts FILE`. */
export function createDeployTarget(
  target: string | TargetSpec,
  options: DeployTargetOptions = {},
): HostDeployTarget {
  const spec = typeof target === 'string' ? parseTarget(target) : target;
  // Checked before anything starts: a name or a bad address would fail only at launch, in a log file.
  if (options.bindHost !== undefined && isIP(options.bindHost) === 0)
    throw new DeployError(
      'usage',
      `--bind must be an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::), not '${options.bindHost}'`,
    );
  const { knownHostsFile, identityFile, env, ...rest } = options;
  if (spec.kind === 'local') return createLocalTarget(rest);
  if (!knownHostsFile)
    throw new DeployError(
      'usage',
      `deploying to ssh://${spec.host}:${spec.port} needs --known-hosts FILE with the host's key (host keys are never trusted on first use)`,
    );
  const identityKey = identityFile ? undefined : env?.[SSH_KEY_ENV] || undefined;
  return createSshTarget({
    ...rest,
    host: spec.host,
    port: spec.port,
    ...(spec.user ? { user: spec.user } : {}),
    knownHostsFile,
    ...(identityFile ? { identityFile } : {}),
    ...(identityKey ? { identityKey } : {}),
  });
}
