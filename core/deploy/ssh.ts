/**
 * The ssh target: plain OpenSSH and rsync, run through execa. One operation (deploy, rollback, stop, list,
 * logs) opens one connection in a private temporary directory and sends everything through it: the host
 * agent's session, rsync (`-e "ssh -o ControlPath=…"`), and the health checks. The connection is the
 * agent's session itself, run as the ControlMaster with no ControlPersist: it lives exactly as long as
 * the session's input, so it ends with this process however that ends (a SIGKILL included) instead of
 * lingering in the background. Health is
 * polled from here through a forward of a local Unix socket to the port on the host's loopback
 * (`ssh -O forward -L SOCKET:127.0.0.1:PORT`), so the same TypeScript polling serves both targets, needs
 * nothing on the host (no curl), and takes no local TCP port that another process could race for.
 */

import {
  accessSync,
  chmodSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { onInterrupt } from '../interrupt.js';
import { redactSecrets } from '../redact.js';
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
import { agentEnvironment, rsyncArguments } from './local.js';
import { shellCommand } from './shell.js';
import { explainSshFailure, type SshEndpoint } from './ssh-errors.js';

/** The variable that may hold the deploy key's text (a CI secret), instead of a key file. */
export const SSH_KEY_ENV = 'ASSEMBLY_LINE_SSH_KEY';

export const DEFAULT_SSH_ROOT = '~/.assembly-line/deploy';

export interface SshTargetOptions extends Omit<HostTargetOptions, 'root'> {
  host: string;
  /** Default 22. */
  port?: number;
  /** Default: the local user's name. */
  user?: string;
  /** Required: the host's key must be in it (StrictHostKeyChecking=yes; never added on the fly). */
  knownHostsFile: string;
  identityFile?: string;
  /**
   * The private key's text (e.g. from ASSEMBLY_LINE_SSH_KEY). Written to a 0600 file for the length of one
   * operation and removed after; never logged, and removed from every error message.
   */
  identityKey?: string;
  /** Default `~/.assembly-line/deploy` on the host. */
  root?: string;
  /** The host name in service URLs; default `host`. */
  serviceHost?: string;
  /** Default 10. */
  connectTimeoutSeconds?: number;
}

/** A path inside an `-o Name=value` option: ssh splits option values on spaces unless quoted. */
function sshOptionPath(path: string): string {
  return /\s/.test(path) ? `"${path}"` : path;
}

/** One rsync `-e` argument: rsync splits the command on spaces and honours quotes, but not backslashes. */
function rsyncShellWord(word: string): string {
  if (!/[\s'"]/.test(word)) return word;
  if (!word.includes('"')) return `"${word}"`;
  if (!word.includes("'")) return `'${word}'`;
  throw new DeployError('usage', `cannot pass ${word} to rsync: it holds both kinds of quote`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How long a closed connection may take to end before it is ended. */
const CLOSE_WAIT_MS = 5000;

class SshChannel implements HostChannel {
  private forwards = 0;
  private session?: AgentSession;
  private closing?: Promise<void>;
  private readonly forgetCleanup: () => void;

  /**
   * `masterArgs` open the connection (the agent's session, as ControlMaster); `muxArgs` send rsync and
   * the port forwards through it.
   */
  constructor(
    private readonly connector: SshConnector,
    private readonly workDir: string,
    private readonly masterArgs: string[],
    private readonly muxArgs: string[],
  ) {
    // Interrupted: the same as a close, in this order: the agent, the connection, then its folder (key
    // file and control socket). Removing the folder first would leave the connection without its socket.
    this.forgetCleanup = onInterrupt(() => this.close(), { last: true });
  }

  private get destination(): string {
    return this.connector.destination;
  }

  private scrub(text: string): string {
    return this.connector.scrub(text);
  }

  /** Connects: starts the agent's session (the connection) and waits for its first answer. */
  async connect(timeoutMs: number): Promise<void> {
    const session = new AgentSession(
      (boundary) => [
        'ssh',
        [...this.masterArgs, this.destination, shellCommand(agentServeCommand(boundary))],
      ],
      agentEnvironment(),
      (stderr, exitCode) =>
        exitCode === 255
          ? explainSshFailure(this.scrub(stderr), this.connector.endpoint)
          : new DeployError(
              'host',
              `the host agent on ${this.connector.description} stopped (exit ${exitCode}): ${this.scrub(stderr).trim() || 'no message'}`,
            ),
    );
    this.session = session;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        session.kill();
        reject(
          new DeployError(
            'connect',
            `ssh to ${this.connector.description} did not finish connecting in time`,
          ),
        );
      }, timeoutMs);
    });
    try {
      await Promise.race([session.run(['ping']), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async runAgent(args: string[]): Promise<CommandResult> {
    if (!this.session) throw new Error('the ssh channel is not connected');
    const result = await this.session.run(args);
    return {
      exitCode: result.exitCode,
      stdout: this.scrub(result.stdout),
      stderr: this.scrub(result.stderr),
    };
  }

  async upload(localDirs: string[], hostDir: string, linkDest?: string): Promise<void> {
    const transport = ['ssh', ...this.muxArgs].map(rsyncShellWord).join(' ');
    const result = await execa(
      'rsync',
      ['-e', transport, ...rsyncArguments(localDirs, `${this.connector.rsyncHost}:${hostDir}`, linkDest)],
      { reject: false, env: agentEnvironment(), extendEnv: false },
    );
    if (result.exitCode === 0) return;
    const stderr = this.scrub(String(result.stderr));
    if (result.exitCode === 255 || /connection unexpectedly closed|Host key|Permission denied/.test(stderr))
      throw explainSshFailure(stderr, this.connector.endpoint);
    throw new DeployError(
      'transfer',
      `rsync to ${this.connector.description}:${hostDir} failed (exit ${result.exitCode}): ${stderr.trim()}` +
        (/command not found|rsync: not found/.test(stderr) ? ' — is rsync installed on the host?' : ''),
    );
  }

  /** A Unix socket here forwarded (through the one ssh connection) to the port on the host's loopback. */
  async openHttp(port: number): Promise<HostHttp> {
    const socketPath = join(this.workDir, `f${port}-${++this.forwards}`);
    const host = this.connector.probeHost;
    const spec = `${socketPath}:${host.includes(':') ? `[${host}]` : host}:${port}`;
    const control = this.muxArgs.slice(0, 2);
    const opened = await execa('ssh', [...control, '-O', 'forward', '-L', spec, this.destination], {
      reject: false,
      env: agentEnvironment(),
      extendEnv: false,
    });
    if (opened.exitCode !== 0)
      throw new DeployError(
        'connect',
        `cannot forward port ${port} of ${this.connector.description}: ${this.scrub(String(opened.stderr)).trim()}`,
      );
    return {
      url: (path) => `http://127.0.0.1:${port}${path}`,
      get: (url, timeoutMs) => httpGet(url, timeoutMs, socketPath),
      close: async () => {
        await execa('ssh', [...control, '-O', 'cancel', '-L', spec, this.destination], {
          reject: false,
          env: agentEnvironment(),
          extendEnv: false,
        });
        rmSync(socketPath, { force: true });
      },
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const session = this.session;
    if (session) {
      // The connection ends with the agent's session; one kept open (a forwarded connection) is ended.
      const ended = session.close().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), CLOSE_WAIT_MS);
      });
      if ((await Promise.race([ended, waited])) === 'late') session.kill();
      clearTimeout(timer);
      await ended;
    }
    rmSync(this.workDir, { recursive: true, force: true });
    this.forgetCleanup();
  }
}

/**
 * Opens one ssh connection per operation (a ControlMaster in a private temporary directory) and runs every
 * command, rsync and HTTP probe of that operation through it.
 */
export class SshConnector implements HostConnector {
  readonly endpoint: SshEndpoint;
  readonly serviceHost: string;
  /** Where services are probed from the host's side of the forward. */
  readonly probeHost: string;

  constructor(private readonly options: SshTargetOptions) {
    const user = options.user ?? userInfo().username;
    this.endpoint = {
      host: options.host,
      port: options.port ?? 22,
      user,
      knownHostsFile: options.knownHostsFile,
      identityLabel: options.identityKey
        ? `the key given in ${SSH_KEY_ENV}`
        : (options.identityFile ?? 'ssh’s default identity'),
    };
    this.serviceHost = options.serviceHost ?? options.host;
    const bind = options.bindHost ?? '127.0.0.1';
    this.probeHost = bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
  }

  get description(): string {
    const { user, host, port } = this.endpoint;
    return `ssh://${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  get destination(): string {
    return `${this.endpoint.user}@${this.endpoint.host}`;
  }

  get rsyncHost(): string {
    const { user, host } = this.endpoint;
    return `${user}@${host.includes(':') ? `[${host}]` : host}`;
  }

  scrub(text: string): string {
    return redactSecrets(text, this.options.identityKey ? [this.options.identityKey] : []);
  }

  private checkFiles(): void {
    const { knownHostsFile, identityFile } = this.options;
    if (!knownHostsFile)
      throw new DeployError(
        'usage',
        'an ssh target needs a known_hosts file with the host’s key (--known-hosts FILE)',
      );
    try {
      accessSync(knownHostsFile, constants.R_OK);
      if (!statSync(knownHostsFile).isFile()) throw new Error('not a file');
    } catch {
      throw new DeployError(
        'usage',
        `known_hosts file ${knownHostsFile} cannot be read; it must hold the key of ${this.endpoint.host}:${this.endpoint.port}`,
      );
    }
    if (identityFile && !this.options.identityKey) {
      try {
        accessSync(identityFile, constants.R_OK);
      } catch {
        throw new DeployError('usage', `ssh identity file ${identityFile} cannot be read`);
      }
    }
  }

  async open(): Promise<HostChannel> {
    this.checkFiles();
    const base = this.options.tmpDir ?? tmpdir();
    removeAbandonedWorkDirs(base);
    const workDir = mkdtempSync(join(base, WORK_DIR_PREFIX));
    // The key written below must not outlive an interrupted run.
    const forget = onInterrupt(() => rmSync(workDir, { recursive: true, force: true }), { last: true });
    let channel: SshChannel | undefined;
    try {
      chmodSync(workDir, 0o700);
      writeFileSync(join(workDir, OWNER_FILE), ownerLine(hostname(), process.pid));
      let identity = this.options.identityFile;
      if (this.options.identityKey) {
        identity = join(workDir, 'id');
        writeFileSync(identity, normalizeKey(this.options.identityKey), { mode: 0o600 });
      }
      const { port, knownHostsFile } = this.endpoint;
      const common = [
        '-p',
        String(port),
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${sshOptionPath(knownHostsFile)}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'UpdateHostKeys=no',
        '-o',
        'CheckHostIP=no',
        '-o',
        `ConnectTimeout=${this.options.connectTimeoutSeconds ?? 10}`,
        '-o',
        'ServerAliveInterval=15',
        '-o',
        'LogLevel=ERROR',
        ...(identity ? ['-o', 'IdentitiesOnly=yes', '-i', identity] : []),
      ];
      const controlPath = `ControlPath=${sshOptionPath(join(workDir, 'c'))}`;
      channel = new SshChannel(
        this,
        workDir,
        ['-o', controlPath, '-o', 'ControlMaster=yes', '-o', 'ControlPersist=no', ...common],
        ['-o', controlPath, '-o', 'ControlMaster=no', ...common],
      );
      forget(); // the channel's own clean-up covers the folder from here on
      await channel.connect(((this.options.connectTimeoutSeconds ?? 10) + 20) * 1000);
      return channel;
    } catch (error) {
      forget();
      await channel?.close();
      rmSync(workDir, { recursive: true, force: true });
      if (error instanceof DeployError) throw error;
      throw new DeployError('connect', `ssh to ${this.description} failed: ${this.scrub(errorText(error))}`);
    }
  }
}

const WORK_DIR_PREFIX = 'al-ssh-';
const OWNER_FILE = 'owner';

/** Who made a work folder: the host (os.hostname()) and the pid there. */
interface WorkDirOwner {
  host: string;
  pid: number;
}

/**
 * The owner file's text. The host is there because a pid alone names a process only within one pid
 * namespace: two runs under one UID that share /tmp but not their pids (containers, some CI runners)
 * would each take the other's live pid for a dead one and remove its key and control socket mid-deploy.
 * (Containers that share the host's name but not its pids are still mixed up; they are rare, as most
 * runtimes give each container a hostname of its own.)
 */
export function ownerLine(host: string, pid: number): string {
  return `${host} ${pid}\n`;
}

/**
 * Reads an owner file's text: `<host> <pid>`, or a bare `<pid>` as versions before the host was recorded
 * wrote it. A bare pid is taken as `thisHost`'s: its writer knew of no other host and its reader checked
 * the pid here, so that is the rule it was written under. Taking it as another host's would keep the key
 * file of every older run killed on this machine on disk for good; the mix-up the host guards against
 * stays possible only for such old folders, exactly as before. (An older version that reads a new line
 * finds no number in it and leaves the folder alone.)
 * Anything else is undefined, and so is a text without its final newline: the write may still be under
 * way, and a pid cut short ("12" of "1234") could name a dead process for a live one.
 */
export function parseOwner(text: string, thisHost: string): WorkDirOwner | undefined {
  if (!text.endsWith('\n')) return undefined;
  // The host may be empty (os.hostname() of a machine with no name): ` 1234` is that host's pid 1234.
  const match = /^(?:(\S*) )?([1-9]\d*)$/.exec(text.slice(0, -1));
  if (!match) return undefined;
  const pid = Number(match[2]);
  if (!Number.isSafeInteger(pid)) return undefined;
  return { host: match[1] ?? thisHost, pid };
}

/**
 * Removes the work folders of earlier operations whose process is gone: one killed with SIGKILL cleans up
 * nothing, and its folder may hold a key file. Only a folder made on this host is judged, since a pid
 * means something only here; another host's is left to its own runs. A folder whose owner cannot be read
 * (another user's, one being created) or makes no sense to this version (a half-written line, a later
 * format) is left alone too, at any age, as before: removing it could pull the key and socket out from
 * under a run that is still setting up, and one killed before writing its owner wrote no key either
 * (the owner comes first).
 */
function removeAbandonedWorkDirs(base: string): void {
  let entries: string[];
  try {
    entries = readdirSync(base).filter((entry) => entry.startsWith(WORK_DIR_PREFIX));
  } catch {
    return;
  }
  const here = hostname();
  for (const entry of entries) {
    const dir = join(base, entry);
    let owner: WorkDirOwner | undefined;
    try {
      owner = parseOwner(readFileSync(join(dir, OWNER_FILE), 'utf8'), here);
    } catch {
      continue;
    }
    if (!owner || owner.host !== here || processExists(owner.pid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** ssh refuses a key without its final newline; CI secrets often lose it, or carry `\n` escapes instead. */
export function normalizeKey(text: string): string {
  const unescaped = text.includes('\n') ? text : text.replace(/\\n/g, '\n');
  return `${unescaped.replace(/\r\n/g, '\n').trim()}\n`;
}

/** Deploys over OpenSSH and rsync, host key pinned; the same layout, lock and cutover as the local target. */
export function createSshTarget(options: SshTargetOptions): HostDeployTarget {
  const root = options.root ?? DEFAULT_SSH_ROOT;
  return new HostDeployTarget(new SshConnector(options), { ...options, root });
}
