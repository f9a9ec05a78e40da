import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type Diagnostic, formatDiagnostic } from '../diagnostics.js';
import { type IntentSource, validateIntentRepository } from '../intent/repository.js';
import type { Intent } from '../intent/schema.js';
import type { IntentFileReport } from '../intent/validate.js';
import { WORKING_TREE, type Workspace } from '../ports/index.js';
import {
  displayPath,
  findRepositoryRoot,
  followIntentLink,
  InputError,
  isIntentFile,
  isSymlink,
  listIntentFiles,
} from '../repo-files.js';
import { GitWorkspace } from './git.js';

export { InputError };

// Intents read through the Workspace port (any adapter), and the command line's named intent files on
// this machine read through a GitWorkspace over the working tree. Here, not in intent/, because the
// ports name intent's types: intent/ itself stays free of I/O.

/**
 * The intent files directly in `folder` (`intents/`, or `` for the top) of a repository at `ref`, as
 * the validator takes them. Paths stay repository-relative; anything deeper is not an intent.
 */
export async function readIntentSources(
  workspace: Workspace,
  ref: string,
  folder: string,
): Promise<IntentSource[]> {
  const prefix = folder === '' || folder.endsWith('/') ? folder : `${folder}/`;
  const depth = prefix.split('/').length;
  const paths = (await workspace.listFiles(ref, prefix)).filter(
    (path) => path.split('/').length === depth && isIntentFile(path),
  );
  return Promise.all(
    paths.map(async (path) => ({ path, bytes: (await workspace.readFile(ref, path)) ?? new Uint8Array() })),
  );
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
 * The intent at the repository path `path` at `ref`, judged with the intent files beside it (unique
 * names and ports, dependencies): how any Workspace — a checkout, GitHub at a commit — loads one intent.
 * `display` turns repository paths into what messages name. Throws InputError when there is no such
 * intent file, InvalidIntentError when it does not validate.
 */
export async function loadIntentAt(
  workspace: Workspace,
  ref: string,
  path: string,
  display: (path: string) => string = (p) => p,
): Promise<Intent> {
  const folder = path.slice(0, path.lastIndexOf('/') + 1);
  const sources = await readIntentSources(workspace, ref, folder);
  const index = sources.findIndex((source) => source.path === path);
  if (index < 0) throw new InputError(`${display(path)}: no such intent file at ${ref}`);
  const report = validateIntentRepository(sources.map((s) => ({ ...s, path: display(s.path) })))[index]!;
  if (!report.intent) throw new InvalidIntentError(display(path), report.errors);
  return report.intent;
}

/**
 * A folder of intents on this machine as a Workspace folder: rooted at the repository that holds it
 * (the nearest folder above with intents/), or at its parent, so that listing it never walks more than
 * the folder itself, and symlinks that stay in the repository are followed as the CLI always has.
 */
function localFolder(dir: string): { workspace: GitWorkspace; root: string; folder: string } {
  const home = findRepositoryRoot(dirname(dir)) ?? dir;
  const root = home === dir || relative(home, dir).startsWith('..') ? dirname(dir) : home;
  const folder = relative(root, dir);
  return { workspace: new GitWorkspace(root), root, folder: folder === '' ? '' : `${folder}/` };
}

/**
 * Validates the intent files named by `targets` (files or directories, on this machine). Each file is
 * judged in the context of every intent beside it, so repository rules (ports, dependencies, cycles)
 * apply, but only the named files are reported. The files are read through a Workspace over the
 * working tree; the checks of the paths themselves are the command line's.
 */
export async function validateIntentPaths(
  targets: readonly string[],
  cwd: string,
): Promise<IntentFileReport[]> {
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
    // The links of the folder are checked (and refused) as the CLI always has, before anything is read.
    listIntentFiles(dir);
    const { workspace, root, folder } = localFolder(dir);
    const sources = await readIntentSources(workspace, WORKING_TREE, folder);
    const files = sources.map((source) => join(root, source.path));
    const results = validateIntentRepository(
      sources.map((source, i) => ({ path: displayPath(files[i]!, cwd), bytes: source.bytes })),
    );
    files.forEach((file, i) => {
      reports.set(file, results[i]!);
    });
  }
  return [...new Set(wanted)].map((file) => {
    const report = reports.get(file);
    if (!report) throw new InputError(`${displayPath(file, cwd)}: could not be read`);
    return report;
  });
}

/**
 * The one intent in the file `path` (relative to `cwd`), judged with the intents beside it (unique
 * names and ports). What the CLI and the Action load a named intent with. Throws InputError for a path
 * that is not one intent file, InvalidIntentError for an intent that does not validate.
 */
export async function loadIntentFile(path: string, cwd: string): Promise<Intent> {
  const absolute = resolve(cwd, path);
  if (existsSync(absolute) && !statSync(absolute).isFile())
    throw new InputError(`${path} is not a file; expected one intent file such as intents/<name>.yaml`);
  const [report] = await validateIntentPaths([path], cwd);
  if (!report?.intent) throw new InvalidIntentError(path, report?.errors ?? []);
  return report.intent;
}
