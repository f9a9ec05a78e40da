import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { RegistryError } from './entry.js';

/** What a lock file records about its (last) holder, for messages. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO-8601, when the lock was taken. */
  time: string;
  /** Tells this holder's lock apart from a later one by the same process. */
  token: string;
}

export interface LockOptions {
  /** How long to wait for a live holder before failing. Default 10 s. */
  timeoutMs?: number;
  /** Called once per acquisition when the lock is found held by someone else (e.g. to say "waiting"). */
  onContention?: (holder: LockHolder | undefined, lockPath: string) => void;
}

export interface FileLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Fails if the lock is no longer held (its lock file was removed or its keeper ended). */
  assertHeld(): Promise<void>;
  /** Lets the lock go. The lock file stays: removing it would let two holders lock two different files. */
  release(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** flock(1) exits with this when the lock stays busy (-E); 1 would be ambiguous. */
const BUSY = 75;

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (
      typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.time === 'string' &&
      typeof value.token === 'string'
    )
      return value as LockHolder;
  } catch {
    // Empty after a release, or written by hand: no holder to name.
  }
  return undefined;
}

async function readHolder(lockPath: string): Promise<LockHolder | undefined> {
  return parseHolder(await readFile(lockPath, 'utf8').catch(() => ''));
}

function describeHolder(holder: LockHolder | undefined, now: number): string {
  if (!holder) return 'an unknown holder (the lock file names none)';
  const since = Date.parse(holder.time);
  const age = Number.isNaN(since) ? '' : ` (${Math.max(0, Math.round((now - since) / 1000))} s ago)`;
  return `pid ${holder.pid} on host ${holder.host} since ${holder.time}${age}`;
}

type Attempt = { kind: 'held'; keeper: ChildProcess } | { kind: 'busy' } | { kind: 'failed'; why: string };

/**
 * Asks flock(1) for the kernel's exclusive lock on `lockPath` and keeps it in that child process until
 * its stdin closes: on release, or when this process dies however it dies. So no lock outlives its
 * holder and none is ever broken by guesswork (the old stale-lock breaking raced with third processes).
 */
function tryLock(lockPath: string, waitSeconds: number | undefined): Promise<Attempt> {
  return new Promise((resolve) => {
    const wait = waitSeconds === undefined ? ['--nonblock'] : ['--wait', waitSeconds.toFixed(3)];
    const keeper = spawn(
      'flock',
      [
        '--exclusive',
        ...wait,
        '--conflict-exit-code',
        String(BUSY),
        '--close',
        lockPath,
        '-c',
        'echo locked; exec cat >/dev/null',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    keeper.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    keeper.stdout?.once('data', () => resolve({ kind: 'held', keeper }));
    keeper.once('error', (error) => resolve({ kind: 'failed', why: `cannot run flock: ${error.message}` }));
    keeper.once('exit', (code) =>
      resolve(
        code === BUSY ? { kind: 'busy' } : { kind: 'failed', why: stderr.trim() || `flock exited ${code}` },
      ),
    );
  });
}

/**
 * Takes the exclusive lock `lockPath` (created if missing), waiting for a live holder up to `timeoutMs`.
 * The lock file records pid, host and time of the holder, for the messages of those who wait.
 */
export async function acquireFileLock(lockPath: string, options: LockOptions = {}): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let attempt = await tryLock(lockPath, undefined);
  if (attempt.kind === 'busy') {
    options.onContention?.(await readHolder(lockPath), lockPath);
    attempt = await tryLock(lockPath, timeoutMs / 1000);
  }
  if (attempt.kind === 'busy')
    throw new RegistryError(
      `${lockPath} is held by ${describeHolder(await readHolder(lockPath), Date.now())}; gave up waiting after ` +
        `${(timeoutMs / 1000).toFixed(1)} s.`,
    );
  if (attempt.kind === 'failed') throw new RegistryError(`cannot lock ${lockPath}: ${attempt.why}`);
  const { keeper } = attempt;
  // The keeper must not keep this process alive; if this process ends, the keeper's stdin closes.
  keeper.unref();
  for (const stream of [keeper.stdin, keeper.stdout, keeper.stderr])
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    time: new Date().toISOString(),
    token: randomUUID(),
  };
  try {
    await writeFile(lockPath, `${JSON.stringify(holder)}\n`);
    const { ino } = await stat(lockPath);
    return heldLock(lockPath, holder, keeper, ino);
  } catch (error) {
    keeper.stdin?.end();
    throw new RegistryError(`cannot write the lock file ${lockPath}: ${(error as Error).message}`);
  }
}

function heldLock(path: string, holder: LockHolder, keeper: ChildProcess, ino: number): FileLock {
  let released = false;
  const exited = new Promise<void>((done) => {
    if (keeper.exitCode !== null || keeper.signalCode !== null) done();
    else keeper.once('exit', () => done());
  });
  return {
    path,
    holder,
    async assertHeld() {
      const alive = !released && keeper.exitCode === null && keeper.signalCode === null;
      const sameFile = await stat(path).then(
        (now) => now.ino === ino,
        () => false,
      );
      if (!alive || !sameFile)
        throw new RegistryError(
          `lost the lock ${path}: ${alive ? 'its lock file was removed or replaced' : 'its keeper process ended'} while this process held it; nothing was written`,
        );
    },
    async release() {
      if (released) return;
      released = true;
      // Empty again, so nobody is named as holding a free lock.
      if ((await readHolder(path))?.token === holder.token) await writeFile(path, '').catch(() => {});
      keeper.ref(); // until it has let go, or this process could end before the lock is free
      keeper.stdin?.end();
      await exited;
    },
  };
}

export async function withFileLock<T>(
  lockPath: string,
  options: LockOptions,
  work: (lock: FileLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireFileLock(lockPath, options);
  try {
    return await work(lock);
  } finally {
    await lock.release();
  }
}
