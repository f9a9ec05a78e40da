import {
  type Dirent,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { writeFileAtomic } from '../fs-atomic.js';
import {
  type CommitRequest,
  type CommitResult,
  type FileChange,
  RefConflict,
  WORKING_TREE,
  type Workspace,
} from '../ports/index.js';
import { checkRepositoryPath, checkRepositoryPrefix } from './paths.js';

const NO_COMMIT = '0'.repeat(40);
const DEFAULT_AUTHOR = { name: 'Assembly Line', email: 'assembly-line@users.noreply.github.com' };
/** Command lines stay well below the OS limit however many files a commit has. */
const BATCH = 200;

/**
 * A Workspace over a local checkout. Reads at a ref and commits go through git's object database
 * only — blobs, a tree built in a private index, a commit, a compare-and-swap on the ref — the same
 * steps as GitHub's git data API, and they never touch the user's index or working tree. The
 * `WORKING_TREE` ref and `writeFiles` work on the files as they are, so a folder that is not (yet) a
 * git repository still serves the CLI.
 */
export class GitWorkspace implements Workspace {
  readonly description: string;
  private prefixPromise?: Promise<string>;

  constructor(readonly root: string) {
    this.description = `git:${root}`;
  }

  private async git(extraEnv: Record<string, string> = {}): Promise<SimpleGit> {
    // A fixed environment: no GIT_DIR or GIT_INDEX_FILE of a calling hook leaks in, messages are English.
    const env: Record<string, string> = { LANG: 'C', LC_ALL: 'C', ...extraEnv };
    for (const key of ['PATH', 'HOME', 'TMPDIR']) if (process.env[key]) env[key] = process.env[key]!;
    const simpleGit = await loadSimpleGit();
    return simpleGit({ baseDir: this.root }).env(env);
  }

  /** Where `root` lies inside the git repository (`` at its top), for plumbing that wants full names. */
  private repoPrefix(): Promise<string> {
    this.prefixPromise ??= this.git()
      .then((git) => git.raw(['rev-parse', '--show-prefix']))
      .then((out) => out.trim())
      .catch((error: Error) => {
        this.prefixPromise = undefined;
        throw new Error(`${this.root} is not a git repository: ${firstLine(error.message)}`);
      });
    return this.prefixPromise;
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    checkRef(ref);
    try {
      const out = await (await this.git()).raw([
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${ref}^{commit}`,
      ]);
      return out.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async defaultBranch(): Promise<string> {
    await this.repoPrefix();
    const git = await this.git();
    const remoteHead = await git
      .raw(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'])
      .catch(() => '');
    if (remoteHead.trim()) return remoteHead.trim().replace(/^origin\//, '');
    for (const name of ['main', 'master']) if (await this.resolveRef(`refs/heads/${name}`)) return name;
    const current = await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '');
    if (current.trim()) return current.trim();
    throw new Error(`${this.root}: no default branch (no origin/HEAD, main, master or checked-out branch)`);
  }

  async listFiles(ref: string, prefix: string): Promise<string[]> {
    const folder = checkRepositoryPrefix(prefix);
    if (ref === WORKING_TREE) return walk(this.root, folder).sort();
    const commit = await this.commitOf(ref);
    const out = await (await this.git()).raw([
      'ls-tree',
      '-r',
      '-z',
      '--name-only',
      commit,
      '--',
      folder || '.',
    ]);
    return out
      .split('\0')
      .filter((path) => path !== '')
      .sort();
  }

  async readFile(ref: string, path: string): Promise<Uint8Array | undefined> {
    checkRepositoryPath(path);
    if (ref === WORKING_TREE) {
      try {
        const full = join(this.root, path);
        const stats = lstatSync(full);
        if (!stats.isFile() && !(stats.isSymbolicLink() && linkedFileInside(this.root, full)))
          return undefined;
        return new Uint8Array(readFileSync(full));
      } catch {
        return undefined;
      }
    }
    const commit = await this.commitOf(ref);
    try {
      // `<commit>:./path` is relative to root, which may be a folder inside the git repository.
      const content: Buffer = await (await this.git()).binaryCatFile(['blob', `${commit}:./${path}`]);
      return new Uint8Array(content);
    } catch {
      return undefined;
    }
  }

  async writeFiles(changes: readonly FileChange[]): Promise<void> {
    for (const change of changes) checkRepositoryPath(change.path);
    for (const change of changes) {
      const full = join(this.root, change.path);
      if ('delete' in change) rmSync(full, { force: true });
      else writeFileAtomic(full, change.content);
    }
  }

  localPath(path: string): string {
    return path === '' ? this.root : join(this.root, checkRepositoryPath(path));
  }

  async commitFiles(request: CommitRequest): Promise<CommitResult> {
    const { branch, changes } = request;
    const ref = `refs/heads/${branch}`;
    for (const change of changes) checkRepositoryPath(change.path);
    const prefix = await this.repoPrefix();
    // git exits 1 without a message for a bad name, which simple-git does not count as a failure.
    const normalized = await (await this.git()).raw(['check-ref-format', '--normalize', ref]).catch(() => '');
    if (normalized.trim() !== ref) throw new Error(`'${branch}' is not a valid branch name`);
    const checkedOut = (
      await (await this.git()).raw(['symbolic-ref', '--quiet', 'HEAD']).catch(() => '')
    ).trim();
    if (checkedOut === ref) {
      // Moving the checked-out branch behind git's back would make its working tree look reverted.
      throw new Error(`branch ${branch} is checked out in ${this.root}; commit to another branch`);
    }
    const base = await this.commitOf(request.base);

    const scratch = mkdtempSync(join(tmpdir(), 'assembly-line-commit-'));
    try {
      const git = await this.git({ GIT_INDEX_FILE: join(scratch, 'index') });
      await git.raw(['read-tree', base]);
      const writes = changes.filter((c): c is Extract<FileChange, { content: unknown }> => !('delete' in c));
      const deletes = changes.filter((c) => 'delete' in c).map((c) => prefix + c.path);
      for (let i = 0; i < writes.length; i += BATCH) {
        const batch = writes.slice(i, i + BATCH);
        const files = batch.map((change, j) => {
          const file = join(scratch, `blob-${i + j}`);
          writeFileSync(file, change.content);
          return file;
        });
        const blobs = (await git.raw(['hash-object', '-w', '--', ...files])).trim().split('\n');
        const entries = batch.flatMap((change, j) => [
          '--cacheinfo',
          `100644,${blobs[j]},${prefix}${change.path}`,
        ]);
        await git.raw(['update-index', '--add', ...entries]);
      }
      for (let i = 0; i < deletes.length; i += BATCH)
        await git.raw(['update-index', '--force-remove', '--', ...deletes.slice(i, i + BATCH)]);
      const tree = (await git.raw(['write-tree'])).trim();

      const author = request.author ?? DEFAULT_AUTHOR;
      const committer = await this.git({
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_COMMITTER_NAME: author.name,
        GIT_COMMITTER_EMAIL: author.email,
      });
      const commit = (await committer.raw(['commit-tree', tree, '-p', base, '-m', request.message])).trim();
      try {
        await (await this.git()).raw([
          'update-ref',
          '-m',
          `assembly-line: ${firstLine(request.message)}`,
          ref,
          commit,
          request.expectedHead ?? NO_COMMIT,
        ]);
      } catch {
        throw new RefConflict(branch, request.expectedHead, (await this.resolveRef(ref)) ?? null);
      }
      return { commit, tree };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  private async commitOf(ref: string): Promise<string> {
    await this.repoPrefix();
    const commit = await this.resolveRef(ref);
    if (!commit) throw new Error(`${this.root}: no commit or branch named '${ref}'`);
    return commit;
  }
}

function checkRef(ref: string): void {
  if (ref === WORKING_TREE) throw new Error('the working tree is not a commit; name a branch or commit');
  if (ref === '' || ref.startsWith('-') || /[\s\0]/.test(ref)) throw new Error(`invalid ref '${ref}'`);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** Whether the symlink `full` leads to a regular file inside `root` (a link out is not the repository's). */
function linkedFileInside(root: string, full: string): boolean {
  try {
    const target = realpathSync(full);
    const rel = relative(realpathSync(root), target);
    return !rel.startsWith('..') && !isAbsolute(rel) && statSync(target).isFile();
  } catch {
    return false;
  }
}

/**
 * Regular files under `folder` of the working tree, and symlinks to files inside the root (as a
 * checkout shows them); `.git` is not part of the repository's content.
 */
function walk(root: string, folder: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, folder), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = `${folder}${entry.name}`;
    if (entry.isDirectory()) return entry.name === '.git' ? [] : walk(root, `${path}/`);
    if (entry.isSymbolicLink()) return linkedFileInside(root, join(root, path)) ? [path] : [];
    return entry.isFile() ? [path] : [];
  });
}

type SimpleGitFactory = (options: { baseDir: string }) => SimpleGit;
let simpleGitModule: Promise<SimpleGitFactory> | undefined;

/** simple-git loads on the first git command: reading the working tree (validate, run) never needs it. */
function loadSimpleGit(): Promise<SimpleGitFactory> {
  simpleGitModule ??= import('simple-git').then((module) => module.simpleGit as SimpleGitFactory);
  return simpleGitModule;
}
