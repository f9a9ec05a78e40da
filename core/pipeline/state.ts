import { join } from 'node:path';
import { DEFAULT_LEDGER_DIR } from '../ledger/recorder.js';

/**
 * Where the pipeline keeps machine-local state in a repository: `.assembly-line/` (git-ignored) holds
 * the ledger, the build venvs and, for the embedded default, the local deploy root and file registry.
 */
export function stateDir(repoRoot: string): string {
  return join(repoRoot, DEFAULT_LEDGER_DIR);
}

export function buildVenvDir(repoRoot: string, name: string): string {
  return join(stateDir(repoRoot), 'venvs', name);
}

/** `services/<name>/` of the repository: one definition, kept where the service files are written. */
export { serviceDir } from '../build/write-service.js';
