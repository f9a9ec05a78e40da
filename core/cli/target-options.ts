import { join, resolve } from 'node:path';
import { createDeployTarget, DeployError } from '../deploy/index.js';
import { stateDir } from '../pipeline/state.js';
import type { DeployTarget, ProgressReporter, Registry } from '../ports/index.js';
import { createRegistry } from '../registry/index.js';
import type { CommandContext, OptionSpec } from './command.js';
import { UsageError, UserError } from './io.js';

/** The flags every command that deploys or inspects deployed services takes. */
export const TARGET_OPTIONS: Record<string, OptionSpec> = {
  target: {
    type: 'string',
    valueName: 'local|ssh://user@host[:port]',
    description: 'Where services run (default: local, this machine).',
  },
  identity: {
    type: 'string',
    valueName: 'FILE',
    description: 'SSH private key for an ssh target (or the key text in ASSEMBLY_LINE_SSH_KEY).',
  },
  'known-hosts': {
    type: 'string',
    valueName: 'FILE',
    description: 'Pinned host keys for an ssh target (required; StrictHostKeyChecking=yes).',
  },
  root: {
    type: 'string',
    valueName: 'DIR',
    description: 'Deploy root on the target (<root>/<name>/releases/...).',
  },
  registry: {
    type: 'string',
    valueName: 'file:PATH|http(s)://…|etcd://host:port',
    description: 'Where services are registered (default: a file registry beside the local deploy root).',
  },
  'health-timeout': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'How long a new release has to answer GET /health "active" (default: 30).',
  },
  'health-retry-after': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'Wait before the one health retry (default: 60).',
  },
  bind: {
    type: 'string',
    valueName: 'ADDRESS',
    description: 'Address services listen on (default: 127.0.0.1; 0.0.0.0 to serve other hosts).',
  },
};

export interface ResolvedTarget {
  target: DeployTarget;
  registry: Registry;
  /** Where the defaults put things, to tell the user. */
  notes: string[];
}

function seconds(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 3600) {
    throw new UsageError(`--${flag} must be a number of seconds from 0 to 3600, not '${String(value)}'`);
  }
  return n * 1000;
}

/** The deploy target and registry named by the flags, with the embedded default where none are given. */
export function resolveTarget(
  values: CommandContext['values'],
  context: {
    cwd: string;
    env: Record<string, string | undefined>;
    repoRoot?: string;
    reporter?: ProgressReporter;
    warn?: (message: string) => void;
  },
): ResolvedTarget {
  const notes: string[] = [];
  const targetText = typeof values.target === 'string' ? values.target : 'local';
  const home = context.repoRoot
    ? stateDir(context.repoRoot)
    : join(context.env.HOME ?? '/tmp', '.assembly-line');
  let root = typeof values.root === 'string' ? resolve(context.cwd, values.root) : undefined;
  if (targetText === 'local' && !root) {
    root = join(home, 'deploy');
    notes.push(`local target: deploy root ${root}`);
  }
  const healthTimeoutMs = seconds(values['health-timeout'], 'health-timeout');
  const healthRetryAfterMs = seconds(values['health-retry-after'], 'health-retry-after');
  let target: DeployTarget;
  try {
    target = createDeployTarget(targetText, {
      ...(root ? { root: targetText === 'local' ? root : (values.root as string) } : {}),
      ...(typeof values['known-hosts'] === 'string'
        ? { knownHostsFile: resolve(context.cwd, values['known-hosts']) }
        : {}),
      ...(typeof values.identity === 'string' ? { identityFile: resolve(context.cwd, values.identity) } : {}),
      ...(typeof values.bind === 'string' ? { bindHost: values.bind } : {}),
      ...(healthTimeoutMs !== undefined ? { healthTimeoutMs } : {}),
      ...(healthRetryAfterMs !== undefined ? { healthRetryAfterMs } : {}),
      ...(context.reporter ? { reporter: context.reporter } : {}),
      env: context.env,
    });
  } catch (error) {
    if (error instanceof DeployError && error.code === 'usage') throw new UsageError(error.message);
    throw new UserError((error as Error).message);
  }
  let registrySpec = typeof values.registry === 'string' ? values.registry : undefined;
  if (!registrySpec) {
    registrySpec = `file:${join(home, 'registry.json')}`;
    notes.push(`registry: ${registrySpec}`);
  }
  let registry: Registry;
  try {
    registry = createRegistry(registrySpec, {
      cwd: context.cwd,
      ...(context.warn ? { warn: context.warn } : {}),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { target, registry, notes };
}
