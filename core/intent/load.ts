import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  displayPath,
  followIntentLink,
  InputError,
  isIntentFile,
  isSymlink,
  listIntentFiles,
  readBytes,
} from '../repo-files.js';
import { type IntentSource, validateIntentRepository } from './repository.js';
import type { IntentFileReport } from './validate.js';

export { InputError };

/**
 * Validates the intent files named by `targets` (files or directories). Each file is judged in the
 * context of every intent beside it, so repository rules (ports, dependencies, cycles) apply, but
 * only the named files are reported.
 */
export function validateIntentPaths(targets: readonly string[], cwd: string): IntentFileReport[] {
  const wanted: string[] = [];
  for (const target of targets) {
    const absolute = resolve(cwd, target);
    if (target.trim() === '') throw new InputError('an empty path was given; name an intent file or folder');
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(absolute);
    } catch {
      throw new InputError(`${target}: no such file or directory`);
    }
    if (stats.isDirectory()) {
      const files = listIntentFiles(absolute);
      if (files.length === 0)
        throw new InputError(`${target}: no intent files (*.yaml, *.yml) in this directory`);
      wanted.push(...files);
    } else if (!stats.isFile()) {
      throw new InputError(`${target}: not a regular file`);
    } else if (isIntentFile(absolute)) {
      if (isSymlink(absolute)) followIntentLink(absolute);
      wanted.push(absolute);
    } else {
      throw new InputError(`${target}: not an intent file; expected a .yaml or .yml file`);
    }
  }
  const reports = new Map<string, IntentFileReport>();
  for (const dir of new Set(wanted.map((file) => dirname(file)))) {
    const context = new Set(listIntentFiles(dir));
    for (const file of wanted) if (dirname(file) === dir) context.add(file);
    const sources: IntentSource[] = [...context].map((file) => ({
      path: displayPath(file, cwd),
      bytes: readBytes(file),
    }));
    const results = validateIntentRepository(sources);
    [...context].forEach((file, i) => {
      reports.set(file, results[i]!);
    });
  }
  return [...new Set(wanted)].map((file) => reports.get(file)!);
}
