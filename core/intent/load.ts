import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Diagnostic, formatDiagnostic } from '../diagnostics.js';
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
import type { Intent } from './schema.js';
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

/** The file holds no valid intent; `diagnostics` say where and why (file:line:col). */
export class InvalidIntentError extends InputError {
  constructor(
    readonly path: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(`${path} is not a valid intent:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  }
}

/**
 * The one intent in the file `path` (relative to `cwd`), judged with the intents beside it (unique
 * names and ports). What the CLI, the Action and the bot load a named intent with. Throws InputError
 * for a path that is not one intent file, InvalidIntentError for an intent that does not validate.
 */
export function loadIntentFile(path: string, cwd: string): Intent {
  const absolute = resolve(cwd, path);
  if (existsSync(absolute) && !statSync(absolute).isFile())
    throw new InputError(`${path} is not a file; expected one intent file such as intents/<name>.yaml`);
  const [report] = validateIntentPaths([path], cwd);
  if (!report?.intent) throw new InvalidIntentError(path, report?.errors ?? []);
  return report.intent;
}
