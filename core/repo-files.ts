import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';

// The command line's paths on this machine: where the checkout is, which named files are intents and
// whether their links stay inside it. The files themselves are read through the Workspace port
// (core/workspace/intents.ts) and written through it (core/build/write-service.ts).

/** A path given or found that cannot be used as an intent, with a message for the user. */
export class InputError extends Error {}

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

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Whether the symlink `path` leads to a regular file; it must stay inside the repository that holds it
 * (the nearest folder above with intents/, else its own folder), so one set of intents is one set
 * whichever file or folder is named. Throws InputError for a link that leads outside or nowhere.
 */
export function followIntentLink(path: string): boolean {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    throw new InputError(`${path}: a symlink to a file that does not exist`);
  }
  const home = realpathSync(findRepositoryRoot(dirname(path)) ?? dirname(path));
  if (!isInside(target, home))
    throw new InputError(
      `${path}: a symlink to ${target}, outside the repository ${home}; copy the intent into the repository`,
    );
  return statSync(target).isFile();
}

/** Intent files directly inside `dir`, sorted by name; symlinks are followed inside the repository. */
export function listIntentFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) =>
        isIntentFile(entry.name) &&
        (entry.isFile() || (entry.isSymbolicLink() && followIntentLink(join(dir, entry.name)))),
    )
    .map((entry) => join(dir, entry.name))
    .sort();
}

/** Whether `path` is a symlink (not followed). */
export function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A path as the user should see it: relative to the working directory unless the absolute one is shorter. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && rel.length <= path.length ? rel : path;
}
