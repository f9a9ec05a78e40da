import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deployAssetPath } from '../deploy/assets.js';
import { serviceEnv } from '../process-env.js';

export interface StartLocalServiceOptions {
  /** A python with uvicorn and the service's requirements: a venv's, or /usr/bin/python3. */
  python: string;
  /** Default: a free port. */
  port?: number;
  /** The release's variables, as a deploy sets them; the parent's environment (and its secrets) is not passed on. */
  env?: Record<string, string>;
  /** SERVICE_NAME and SERVICE_VERSION the launcher sets when the variables do not, as in a deploy. */
  name?: string;
  version?: string;
  /** How long /health may take to answer at all; default 20000. */
  startupTimeoutMs?: number;
}

export interface LocalService {
  url: string;
  port: number;
  pid: number;
  /** Stops the whole process group; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
  /** Everything the process wrote so far (stdout and stderr interleaved; the last 256 KB). */
  logs(): string;
}

/** The service did not come up; the message carries the tail of its output. */
export class ServiceStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly pid: number | undefined,
  ) {
    super(message);
    this.name = 'ServiceStartError';
  }
}

export const DEFAULT_STARTUP_TIMEOUT_MS = 20000;
const LOG_LIMIT = 256 * 1024;
const TAIL_LINES = 20;
const STOP_GRACE_MS = 3000;

/** A port nobody listens on right now: the OS picks one for port 0, and we let it go. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('the OS gave no free port'))));
    });
  });
}

function tail(output: string, lines = TAIL_LINES): string {
  const all = output.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function answersHttp(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function startOnce(
  serviceDir: string,
  options: StartLocalServiceOptions,
  port: number,
): Promise<LocalService> {
  const timeoutMs = options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  const url = `http://127.0.0.1:${port}`;
  // Started as a deploy starts a release: core/deploy/launcher.py with a release file, from the service
  // folder, in the scrubbed environment of a deployed service. Only the release file lives elsewhere.
  const work = mkdtempSync(join(tmpdir(), 'assembly-line-udc-'));
  const releaseFile = join(work, 'release.json');
  const readyFile = join(work, 'port');
  writeFileSync(
    releaseFile,
    JSON.stringify({
      ...(options.name ? { name: options.name } : {}),
      ...(options.version ? { version: options.version } : {}),
      release_id: '',
      port,
      app: 'app.main:app',
      env: options.env ?? {},
    }),
  );
  const child = spawn(
    options.python,
    [
      // No .pyc files in the repository's services/ folder; a flag, so the environment stays a deploy's.
      '-B',
      deployAssetPath('launcher.py'),
      ...[
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--ready-file',
        readyFile,
        '--release-file',
        releaseFile,
      ],
    ],
    {
      cwd: serviceDir,
      // Its own process group, so stop() also ends anything the service started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The host agent's environment for a release (core/process-env.ts serviceEnv), nothing more.
      env: serviceEnv(process.env),
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > LOG_LIMIT) output = output.slice(-LOG_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      spawnError = error;
      resolve();
    });
    child.once('close', () => resolve());
  });
  let running = true;
  void exited.then(() => {
    running = false;
  });
  // A test run or CLI that ends abruptly must not leave the service behind.
  const onParentExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onParentExit);

  const stop = async () => {
    process.removeListener('exit', onParentExit);
    rmSync(work, { recursive: true, force: true });
    if (!running) return;
    killGroup(child, 'SIGTERM');
    const stopped = await Promise.race([
      exited.then(() => true),
      sleep(STOP_GRACE_MS, false, { ref: false }),
    ]);
    if (!stopped) {
      killGroup(child, 'SIGKILL');
      await exited;
    }
  };

  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (!running) {
      await stop();
      const reason = spawnError
        ? `could not run ${options.python}: ${spawnError.message}`
        : `exited with ${child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`} before answering /health`;
      throw new ServiceStartError(
        `service in ${serviceDir} ${reason}${output.trim() ? `; last output:\n${tail(output)}` : ''}`,
        output,
        child.pid,
      );
    }
    if (existsSync(readyFile) && (await answersHttp(`${url}/health`))) break;
    if (Date.now() >= deadline) {
      await stop();
      throw new ServiceStartError(
        `service in ${serviceDir} did not answer ${url}/health within ${timeoutMs} ms${
          output.trim() ? `; last output:\n${tail(output)}` : ''
        }`,
        output,
        child.pid,
      );
    }
    await sleep(100);
  }
  return { url, port, pid: child.pid!, stop, logs: () => output };
}

/**
 * Starts the service in `serviceDir` on 127.0.0.1 exactly as a deploy starts a release (the launcher
 * under uvicorn, the release's environment) and waits until it listens and GET /health gets any HTTP
 * answer (whether the answer is right is verifyUdc's job). Throws ServiceStartError with the
 * tail of the service's output when it exits early or stays silent past the timeout.
 */
export async function startLocalService(
  serviceDir: string,
  options: StartLocalServiceOptions,
): Promise<LocalService> {
  if (options.port !== undefined) return startOnce(serviceDir, options, options.port);
  // A free port can be taken by someone else between our probe and uvicorn's bind: try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(serviceDir, options, await findFreePort());
    } catch (error) {
      const raced =
        error instanceof ServiceStartError && /cannot bind|address already in use/i.test(error.output);
      if (!raced || attempt >= 3) throw error;
    }
  }
}
