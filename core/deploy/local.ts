import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { scrubbedEnv } from '../process-env.js';
import { DeployError } from './errors.js';
import { httpGet } from './health.js';
import {
  AgentSession,
  agentServeCommand,
  type CommandResult,
  type HostChannel,
  type HostConnector,
  type HostHttp,
} from './host-agent.js';
import { HostDeployTarget, type HostTargetOptions } from './host-target.js';

/** Files of a service folder that are build leftovers, not part of a release. */
export const UPLOAD_EXCLUDES = [
  '.venv/',
  '__pycache__/',
  '*.pyc',
  '.pytest_cache/',
  '.coverage',
  'htmlcov/',
  '.git/',
];

export const DEFAULT_LOCAL_ROOT = join(homedir(), '.assembly-line', 'deploy');

/** The host agent and rsync see only these variables: nothing of the pipeline's secrets. */
export function agentEnvironment(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return scrubbedEnv(base, {
    path: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    home: homedir(),
  });
}

export function rsyncArguments(localDirs: string[], destination: string, linkDest?: string): string[] {
  return [
    '-rlpt',
    ...UPLOAD_EXCLUDES.map((pattern) => `--exclude=${pattern}`),
    ...(linkDest ? [`--link-dest=${linkDest}`] : []),
    ...localDirs.map((dir) => `${dir.replace(/\/+$/, '')}/`),
    `${destination.replace(/\/+$/, '')}/`,
  ];
}

class LocalChannel implements HostChannel {
  private session?: AgentSession;

  constructor(private readonly probeHost: string) {}

  runAgent(args: string[]): Promise<CommandResult> {
    this.session ??= new AgentSession(
      (boundary) => {
        const [file, ...rest] = agentServeCommand(boundary);
        return [file!, rest];
      },
      agentEnvironment(),
      (stderr, exitCode) =>
        new DeployError(
          'host',
          `the host agent stopped (exit ${exitCode}): ${stderr.trim() || 'no message'}`,
        ),
    );
    return this.session.run(args);
  }

  async upload(localDirs: string[], hostDir: string, linkDest?: string): Promise<void> {
    const result = await execa('rsync', rsyncArguments(localDirs, hostDir, linkDest), {
      reject: false,
      env: agentEnvironment(),
      extendEnv: false,
    });
    if (result.exitCode !== 0)
      throw new DeployError(
        'transfer',
        `rsync to ${hostDir} failed: ${String(result.stderr).trim() || result.exitCode}`,
      );
  }

  async openHttp(port: number): Promise<HostHttp> {
    return {
      url: (path) =>
        `http://${this.probeHost.includes(':') ? `[${this.probeHost}]` : this.probeHost}:${port}${path}`,
      get: (url, timeoutMs) => httpGet(url, timeoutMs),
      close: async () => {},
    };
  }

  async close(): Promise<void> {
    await this.session?.close();
  }
}

export class LocalConnector implements HostConnector {
  readonly serviceHost: string;

  constructor(bindHost = '127.0.0.1') {
    this.serviceHost = bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost === '::' ? '::1' : bindHost;
  }

  readonly description = 'local';

  async open(): Promise<HostChannel> {
    return new LocalChannel(this.serviceHost);
  }
}

export type LocalTargetOptions = Omit<HostTargetOptions, 'root'> & { root?: string };

/** Deploys on this machine, with the same layout, lock and cutover as the ssh target. */
export function createLocalTarget(options: LocalTargetOptions = {}): HostDeployTarget {
  const root = options.root ?? DEFAULT_LOCAL_ROOT;
  return new HostDeployTarget(new LocalConnector(options.bindHost), { ...options, root });
}
