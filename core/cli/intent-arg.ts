import type { Intent } from '../intent/schema.js';
import { findRepositoryRoot } from '../repo-files.js';
import { InputError, InvalidIntentError, loadIntentFile } from '../workspace/intents.js';
import { UserError } from './io.js';

/** A validated intent named on the command line, judged with the intents beside it. */
export async function loadIntentArgument(path: string, cwd: string): Promise<Intent> {
  try {
    return await loadIntentFile(path, cwd);
  } catch (error) {
    if (error instanceof InvalidIntentError)
      throw new UserError(`${error.message}\n(run 'assembly-line validate ${path}')`);
    if (error instanceof InputError) throw new UserError(error.message);
    throw error;
  }
}

/** The repository an intent belongs to: the nearest folder above it that has intents/. */
export function repositoryRootFor(path: string, cwd: string): string {
  const root = findRepositoryRoot(path.startsWith('/') ? path : `${cwd}/${path}`) ?? findRepositoryRoot(cwd);
  if (!root) throw new UserError(`no intents/ folder above ${path} or in ${cwd}; run inside a repository`);
  return root;
}
