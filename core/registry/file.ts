import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Registry, RegistryEntry } from '../ports/index.js';
import {
  checkEntry,
  checkName,
  defaultWarn,
  keepValidEntries,
  RegistryError,
  type RegistryWarn,
  readEntry,
} from './entry.js';
import { type FileLock, type LockOptions, withFileLock } from './file-lock.js';

export interface FileRegistryOptions {
  /** How writers wait for each other; the lock file is `<path>.lock`. */
  lock?: LockOptions;
  /** Told about entries in the file that are not valid (they are skipped on read and kept on write). */
  warn?: RegistryWarn;
}

/** The file's content. Entries are kept as found, so a foreign or broken entry survives a rewrite. */
interface RegistryDocument {
  [key: string]: unknown;
  services: Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The embedded default registry: one JSON file `{"services": {"<name>": RegistryEntry}}`. Writers take
 * an exclusive lock (flock on `<path>.lock`) and replace the file atomically (temporary file in the same directory, fsync,
 * rename), so readers never see half a file and concurrent writers lose no entry.
 */
export class FileRegistry implements Registry {
  readonly path: string;
  readonly description: string;
  private readonly lockPath: string;
  private readonly warn: RegistryWarn;

  constructor(
    path: string,
    private readonly options: FileRegistryOptions = {},
  ) {
    this.path = resolve(path);
    this.description = `file:${this.path}`;
    this.lockPath = `${this.path}.lock`;
    this.warn = options.warn ?? defaultWarn;
  }

  async register(entry: RegistryEntry): Promise<void> {
    const checked = checkEntry(entry, this.description);
    await this.update((services) => {
      services[checked.name] = checked;
      return true;
    });
  }

  /** Removing a name that is not registered is not an error: the outcome is the same. */
  async deregister(name: string): Promise<void> {
    checkName(name, this.description);
    await this.update((services) => {
      if (!Object.hasOwn(services, name)) return false;
      delete services[name];
      return true;
    });
  }

  async get(name: string): Promise<RegistryEntry | undefined> {
    checkName(name, this.description);
    const { services } = await this.read();
    if (!Object.hasOwn(services, name)) return undefined;
    const reading = readEntry(services[name], `${this.path}: services.${name}`, name);
    if (reading.ok) return reading.entry;
    this.warn(reading.problem);
    return undefined;
  }

  async list(): Promise<RegistryEntry[]> {
    const { services } = await this.read();
    return keepValidEntries(
      Object.entries(services).map(([name, value]) => ({
        value,
        source: `${this.path}: services.${name}`,
        expectedName: name,
      })),
      this.warn,
    );
  }

  /** A missing file is an empty registry; anything that is not a registry document is an error. */
  private async read(): Promise<RegistryDocument> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { services: {} };
      throw new RegistryError(`cannot read the registry file ${this.path}: ${(error as Error).message}`);
    }
    if (text.trim() === '') return { services: {} };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RegistryError(
        `the registry file ${this.path} is not valid JSON (${(error as Error).message}); ` +
          'fix or move it away — it is left untouched',
      );
    }
    if (!isPlainObject(value) || !isPlainObject(value.services))
      throw new RegistryError(
        `the registry file ${this.path} is not a registry: expected {"services": {"<name>": entry, ...}}; ` +
          'fix or move it away — it is left untouched',
      );
    return value as RegistryDocument;
  }

  /** Read, change and replace the file under the lock; `change` returns false when nothing changed. */
  private async update(change: (services: Record<string, unknown>) => boolean): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true }).catch((error: Error) => {
      throw new RegistryError(`cannot create the directory of ${this.path}: ${error.message}`);
    });
    await withFileLock(this.lockPath, this.options.lock ?? {}, async (lock) => {
      const document = await this.read();
      if (!change(document.services)) return;
      const services = Object.fromEntries(
        Object.keys(document.services)
          .sort()
          .map((name) => [name, document.services[name]]),
      );
      await this.replaceFile(`${JSON.stringify({ ...document, services }, null, 2)}\n`, lock);
    });
  }

  private async replaceFile(text: string, lock: FileLock): Promise<void> {
    const dir = dirname(this.path);
    const temp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await lock.assertHeld();
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => {});
      if (error instanceof RegistryError) throw error;
      throw new RegistryError(`cannot write the registry file ${this.path}: ${(error as Error).message}`);
    }
    await syncDirectory(dir);
  }
}

/** Makes the rename durable; some file systems cannot open a directory for this, which is harmless. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}
