import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';

export const INTENT_EXTENSIONS = ['.yaml', '.yml'];

/** The nearest directory at or above `start` that has an `intents/` folder. */
export function findRepositoryRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'intents')) && statSync(join(dir, 'intents')).isDirectory()) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function isIntentFile(path: string): boolean {
  return INTENT_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** Intent files directly inside `dir`, sorted by name. */
export function listIntentFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && isIntentFile(entry.name))
    .map((entry) => join(dir, entry.name))
    .sort();
}

export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** A path as the user should see it: relative to the working directory unless the absolute one is shorter. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && rel.length <= path.length ? rel : path;
}
