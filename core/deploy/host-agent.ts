import { randomBytes } from 'node:crypto';
import { execa, type ResultPromise } from 'execa';
import { readDeployAsset } from './assets.js';
import { DeployError } from './errors.js';
import type { HttpGet } from './health.js';
import { shellCommand } from './shell.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** HTTP to one port on the deploy host's loopback, from here. */
export interface HostHttp {
  url(path: string): string;
  get: HttpGet;
  close(): Promise<void>;
}

/**
 * One session with a deploy host: the only thing that differs between the local and the ssh target. The
 * release and cutover logic (`HostDeployTarget`) talks to hosts only through this.
 */
export interface HostChannel {
  /** Runs host-agent.sh with these arguments on the host; resolves with any exit code. */
  runAgent(args: string[]): Promise<CommandResult>;
  /** Copies the contents of each local directory, in order, into `hostDir`; files unchanged from `linkDest` become hard links. */
  upload(localDirs: string[], hostDir: string, linkDest?: string): Promise<void>;
  openHttp(port: number): Promise<HostHttp>;
  close(): Promise<void>;
}

export interface HostConnector {
  /** `local:/path` or `ssh://user@host:port` (never a secret). */
  readonly description: string;
  /** The host name in the services' URLs. */
  readonly serviceHost: string;
  open(): Promise<HostChannel>;
}

/** The command line that runs host-agent.sh in serve mode, to be run by a local or a remote shell. */
export function agentServeCommand(boundary: string): string[] {
  return ['sh', '-c', readDeployAsset('host-agent.sh'), 'host-agent', 'serve', boundary];
}

const MAX_STDERR = 16 * 1024;

/**
 * One running host agent (`host-agent.sh serve`), locally or at the end of an ssh connection: commands go
 * in on its stdin one at a time, and each answer is framed by a random boundary on its stdout.
 */
export class AgentSession {
  readonly boundary = `@@host-agent-${randomBytes(12).toString('hex')}@@`;
  private readonly child: ResultPromise<{ buffer: false; reject: false; stdin: 'pipe' }>;
  private output = '';
  private processErrors = '';
  private pending?: { resolve: (result: CommandResult) => void; reject: (error: Error) => void };
  private queue: Promise<unknown> = Promise.resolve();
  private ended?: Error;

  /**
   * `launch(boundary)` gives the program and arguments that start the agent; `explain` turns the process's
   * own stderr (ssh's, say) into the error for a session that ended before answering.
   */
  constructor(
    launch: (boundary: string) => [string, string[]],
    env: Record<string, string>,
    private readonly explain: (stderr: string, exitCode: number | undefined) => Error,
  ) {
    const [file, args] = launch(this.boundary);
    this.child = execa(file, args, { buffer: false, reject: false, stdin: 'pipe', env, extendEnv: false });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.output += chunk;
      this.answer();
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      if (this.processErrors.length < MAX_STDERR) this.processErrors += chunk;
    });
    this.child.stdin.on('error', () => undefined); // a closed pipe shows up as the exit below
    void this.child.then((result) => {
      this.ended = this.explain(this.processErrors, result.exitCode);
      this.pending?.reject(this.ended);
      this.pending = undefined;
    });
  }

  run(args: string[]): Promise<CommandResult> {
    const next = this.queue.then(() => this.send(args));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await this.child;
  }

  /** Ends the agent's process now, whatever it is doing (a connection that hangs). */
  kill(): void {
    this.child.kill('SIGTERM');
  }

  private send(args: string[]): Promise<CommandResult> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      const text = shellCommand(args);
      this.child.stdin.write(`${text.split('\n').length}\n${text}\n`);
    });
  }

  /** Output: stdout, "\nBOUNDARY CODE\n", stderr, "\nBOUNDARY\n". */
  private answer(): void {
    if (!this.pending) return;
    const head = `\n${this.boundary} `;
    const start = this.output.indexOf(head);
    if (start < 0) return;
    const codeEnd = this.output.indexOf('\n', start + head.length);
    if (codeEnd < 0) return;
    const tail = `\n${this.boundary}\n`;
    const end = this.output.indexOf(tail, codeEnd);
    if (end < 0) return;
    const result: CommandResult = {
      exitCode: Number(this.output.slice(start + head.length, codeEnd)),
      stdout: this.output.slice(0, start),
      stderr: this.output.slice(codeEnd + 1, end),
    };
    this.output = this.output.slice(end + tail.length);
    const { resolve } = this.pending;
    this.pending = undefined;
    resolve(result);
  }
}

/** The `key=value` lines host-agent.sh prints; a key may repeat (`stopped=…`). */
export class AgentOutput {
  private readonly pairs: [string, string][] = [];

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      const match = /^([a-z_]+)=(.*)$/.exec(line);
      if (match) this.pairs.push([match[1]!, match[2]!]);
    }
  }

  get(key: string): string {
    return this.pairs.find(([k]) => k === key)?.[1] ?? '';
  }

  all(key: string): string[] {
    return this.pairs.filter(([k]) => k === key).map(([, v]) => v);
  }
}

const LOCK_BUSY = 75;
const LOCK_LOST = 76;

/** Calls host-agent.sh commands and turns their failures into `DeployError`s. */
export class HostAgent {
  constructor(
    private readonly channel: HostChannel,
    private readonly where: string,
  ) {}

  async run(command: string, args: (string | number)[]): Promise<AgentOutput> {
    const result = await this.channel.runAgent([command, ...args.map(String)]);
    if (result.exitCode === 0) return new AgentOutput(result.stdout);
    const detail = result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`;
    if (result.exitCode === LOCK_BUSY) throw new DeployError('locked', `${this.where}: ${detail}`);
    if (result.exitCode === LOCK_LOST) throw new DeployError('lock-lost', `${this.where}: ${detail}`);
    throw new DeployError('host', `${this.where}: ${command} failed: ${detail}`);
  }

  /** For output that is not key=value lines (log tails). */
  async text(command: string, args: (string | number)[]): Promise<string> {
    return (await this.run(command, args)).text;
  }
}
