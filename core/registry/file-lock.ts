import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { RegistryError } from './entry.js';

/** What a lock file records about its holder. */
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
  /** A lock older than this is abandoned and broken. Default 30 s; registry updates take milliseconds. */
  staleMs?: number;
  /** Pause between attempts while the lock is held. Default 20 ms, plus jitter. */
  pollMs?: number;
  /** Called once per acquisition when the lock is found held by someone else (e.g. to say "waiting"). */
  onContention?: (holder: LockHolder | undefined, lockPath: string) => void;
}

export interface FileLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Fails if the lock was broken (as stale) since it was taken: a write now could lose another's update. */
  assertHeld(): Promise<void>;
  /** Removes the lock file, if it is still this holder's. */
  release(): Promise<void>;
}

interface ObservedLock {
  raw: string;
  holder: LockHolder | undefined;
  mtimeMs: number;
  ino: number;
}

const DEFAULTS = { timeoutMs: 10_000, staleMs: 30_000, pollMs: 20 };

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
    // An empty or half-written lock file: its holder is still writing it, or crashed while doing so.
  }
  return undefined;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** `undefined` when there is no lock file (it was released between two looks). */
async function observe(lockPath: string): Promise<ObservedLock | undefined> {
  try {
    const [raw, stats] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { raw, holder: parseHolder(raw), mtimeMs: stats.mtimeMs, ino: stats.ino };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new RegistryError(`cannot read the lock file ${lockPath}: ${(error as Error).message}`);
  }
}

function processIsAlive(pid: number): boolean {
  // Signal 0 only checks existence; a pid <= 0 would address process groups, so never judge those.
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** Why the observed lock is abandoned, or `undefined` while it may still be in use. */
export function staleReason(lock: ObservedLock, staleMs: number, now = Date.now()): string | undefined {
  const recorded = lock.holder ? Date.parse(lock.holder.time) : Number.NaN;
  const takenAt = Number.isNaN(recorded) ? lock.mtimeMs : recorded;
  if (now - takenAt > staleMs) return `it is older than ${Math.round(staleMs / 1000)} s`;
  if (lock.holder && lock.holder.host === hostname() && !processIsAlive(lock.holder.pid))
    return `its process ${lock.holder.pid} is gone`;
  return undefined;
}

/**
 * Removes a stale lock without removing a live one: the lock is renamed aside (only one of several
 * breakers can win that), then compared with what was judged stale. If another process broke the stale
 * lock and took a fresh one in between, the fresh one is what was moved, so it is linked back (`link`
 * never overwrites a newer lock).
 */
async function breakStaleLock(lockPath: string, judged: ObservedLock): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw new RegistryError(`cannot remove the stale lock file ${lockPath}: ${(error as Error).message}`);
  }
  const moved = await observe(aside).catch(() => undefined);
  const same = moved?.raw === judged.raw && moved.ino === judged.ino && moved.mtimeMs === judged.mtimeMs;
  if (!same) {
    await link(aside, lockPath).catch((error) => {
      if (errorCode(error) !== 'EEXIST') throw error;
    });
  }
  await unlink(aside).catch(() => {});
}

async function tryCreate(lockPath: string, holder: LockHolder): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(lockPath, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw new RegistryError(`cannot create the lock file ${lockPath}: ${(error as Error).message}`);
  }
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(lockPath).catch(() => {});
    throw new RegistryError(`cannot write the lock file ${lockPath}: ${(error as Error).message}`);
  }
  await handle.close();
  return true;
}

function describeHolder(holder: LockHolder | undefined, now: number): string {
  if (!holder) return 'an unknown holder (the lock file is empty or unreadable)';
  const since = Date.parse(holder.time);
  const age = Number.isNaN(since) ? '' : ` (${Math.max(0, Math.round((now - since) / 1000))} s ago)`;
  return `pid ${holder.pid} on host ${holder.host} since ${holder.time}${age}`;
}

/**
 * Takes the exclusive lock `lockPath` (a file created with O_EXCL that records pid, host and time).
 * Waits for a live holder up to `timeoutMs`; breaks a stale one (too old, or its process is gone on
 * this host).
 */
export async function acquireFileLock(lockPath: string, options: LockOptions = {}): Promise<FileLock> {
  const { timeoutMs, staleMs, pollMs } = { ...DEFAULTS, ...options };
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    time: new Date().toISOString(),
    token: randomUUID(),
  };
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    holder.time = new Date().toISOString();
    if (await tryCreate(lockPath, holder)) return heldLock(lockPath, holder);
    const observed = await observe(lockPath);
    if (!observed) continue;
    if (staleReason(observed, staleMs)) {
      await breakStaleLock(lockPath, observed);
      continue;
    }
    if (!told) {
      told = true;
      options.onContention?.(observed.holder, lockPath);
    }
    const now = Date.now();
    if (now >= deadline)
      throw new RegistryError(
        `${lockPath} is held by ${describeHolder(observed.holder, now)}; gave up waiting after ` +
          `${(timeoutMs / 1000).toFixed(1)} s. If that process is no longer running, delete the lock file.`,
      );
    await sleep(Math.min(pollMs + Math.random() * pollMs, Math.max(1, deadline - now)));
  }
}

function heldLock(path: string, holder: LockHolder): FileLock {
  const isOurs = async () => (await observe(path))?.holder?.token === holder.token;
  return {
    path,
    holder,
    async assertHeld() {
      if (!(await isOurs()))
        throw new RegistryError(
          `lost the lock ${path}: another process broke it as stale while this one held it; nothing was written`,
        );
    },
    async release() {
      if (await isOurs()) await unlink(path).catch(() => {});
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
