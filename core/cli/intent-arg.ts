import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDiagnostic } from '../diagnostics.js';
import { InputError, validateIntentPaths } from '../intent/load.js';
import type { Intent } from '../intent/schema.js';
import { findRepositoryRoot } from '../repo-files.js';
import { UserError } from './io.js';

/** A validated intent named on the command line, judged with the intents beside it. */
export function loadIntentArgument(path: string, cwd: string): Intent {
  const absolute = resolve(cwd, path);
  if (existsSync(absolute) && !statSync(absolute).isFile()) {
    throw new UserError(`${path} is not a file; expected one intent file such as intents/<name>.yaml`);
  }
  let reports: ReturnType<typeof validateIntentPaths>;
  try {
    reports = validateIntentPaths([path], cwd);
  } catch (error) {
    if (error instanceof InputError) throw new UserError(error.message);
    throw error;
  }
  const [report] = reports;
  if (!report?.intent) {
    throw new UserError(
      `${path} is not a valid intent:\n${(report?.errors ?? []).map(formatDiagnostic).join('\n')}\n(run 'assembly-line validate ${path}')`,
    );
  }
  return report.intent;
}

/** The repository an intent belongs to: the nearest folder above it that has intents/. */
export function repositoryRootFor(path: string, cwd: string): string {
  const root = findRepositoryRoot(path.startsWith('/') ? path : `${cwd}/${path}`) ?? findRepositoryRoot(cwd);
  if (!root) throw new UserError(`no intents/ folder above ${path} or in ${cwd}; run inside a repository`);
  return root;
}
