import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A git failure, with the command and git's own message. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(`git ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
  }
}

interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (merge-tree exits 1 on a conflict). */
  okCodes?: number[];
}

/** Runs git in `gitDir` and returns stdout; a clean environment so the user's config cannot leak in. */
export function runGit(gitDir: string, args: string[], options: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: gitDir,
      GIT_CONFIG_NOSYSTEM: '1',
      LANG: 'C',
      GIT_DIR: gitDir,
      ...options.env,
    };
    // A clone names its own directory; GIT_DIR would point it elsewhere.
    if (env.GIT_DIR === '') delete env.GIT_DIR;
    const child = spawn('git', args, {
      cwd: gitDir,
      env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || (code !== null && options.okCodes?.includes(code))) resolve(Buffer.concat(out));
      else reject(new GitError(args, Buffer.concat(err).toString(), code));
    });
    if (child.stdin) {
      // git may exit (e.g. on a bad object) before it reads its input; its exit code tells the story.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

export interface Signature {
  name: string;
  email: string;
  /** ISO 8601. */
  date: string;
}

export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

/** A change to a tree: content or an existing blob at a path, or `sha: null` to delete it. */
export interface TreeChange {
  path: string;
  mode?: string;
  sha?: string | null;
  content?: string | Buffer;
}

export type MergeOutcome = { clean: true; tree: string } | { clean: false; conflicts: string[] };

const ZERO = '0'.repeat(40);

/** A bare repository, read and written only through git plumbing: every object is a real git object. */
export class GitStore {
  private constructor(readonly path: string) {}

  static async create(defaultBranch: string, dir?: string): Promise<GitStore> {
    const path = dir ?? mkdtempSync(join(tmpdir(), 'github-double-repo-'));
    await runGit(path, ['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`]);
    return new GitStore(path);
  }

  /** A second bare repository with this one's objects and branches (a fork). */
  async fork(): Promise<GitStore> {
    const path = mkdtempSync(join(tmpdir(), 'github-double-fork-'));
    await runGit(tmpdir(), ['clone', '--bare', '--quiet', this.path, path], { env: { GIT_DIR: '' } });
    return new GitStore(path);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }

  private git(args: string[], options?: RunOptions): Promise<Buffer> {
    return runGit(this.path, args, options);
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    const out = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okCodes: [1] });
    const sha = out.toString().trim();
    return sha || undefined;
  }

  /** What GitHub takes for a `ref` parameter: a branch name first, then any commit-ish (a SHA, a tag). */
  async resolveCommitish(ref: string): Promise<string | undefined> {
    return (await this.resolveRef(`refs/heads/${ref}`)) ?? (await this.resolveRef(ref));
  }

  /** Full ref names under `prefix` (e.g. refs/heads/) with their commit. */
  async listRefs(prefix = 'refs/'): Promise<Array<{ ref: string; sha: string }>> {
    const out = await this.git(['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
    return out
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [ref, sha] = line.split(' ');
        return { ref: ref!, sha: sha! };
      });
  }

  /** Moves `ref` to `sha`; `expected` makes it a compare-and-swap (ZERO/undefined = must not exist). */
  async updateRef(ref: string, sha: string, expected?: string | null): Promise<void> {
    const args = ['update-ref', ref, sha];
    if (expected !== undefined) args.push(expected ?? ZERO);
    await this.git(args);
  }

  async deleteRef(ref: string): Promise<void> {
    await this.git(['update-ref', '-d', ref]);
  }

  async objectType(sha: string): Promise<string | undefined> {
    const out = await this.git(['cat-file', '-t', sha], { okCodes: [1, 128] });
    return out.toString().trim() || undefined;
  }

  async writeBlob(content: string | Buffer): Promise<string> {
    return (await this.git(['hash-object', '-w', '--stdin'], { input: content })).toString().trim();
  }

  async readBlob(sha: string): Promise<Buffer> {
    return this.git(['cat-file', 'blob', sha]);
  }

  async readCommit(sha: string): Promise<CommitObject> {
    const raw = (await this.git(['cat-file', 'commit', sha])).toString();
    const split = raw.indexOf('\n\n');
    const headers = raw.slice(0, split).split('\n');
    const commit: CommitObject = {
      sha,
      tree: '',
      parents: [],
      author: parseSignature(''),
      committer: parseSignature(''),
      message: raw.slice(split + 2),
    };
    for (const line of headers) {
      const [key, ...rest] = line.split(' ');
      const value = rest.join(' ');
      if (key === 'tree') commit.tree = value;
      else if (key === 'parent') commit.parents.push(value);
      else if (key === 'author') commit.author = parseSignature(value);
      else if (key === 'committer') commit.committer = parseSignature(value);
    }
    return commit;
  }

  /** The entries of a tree (recursively with `recursive`), with blob sizes. */
  async readTree(treeish: string, recursive = false): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), treeish];
    const out = (await this.git(args)).toString();
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
        const entry: TreeEntry = {
          path: line.slice(tab + 1),
          mode: mode!,
          type: type as TreeEntry['type'],
          sha: sha!,
        };
        if (size && size !== '-') entry.size = Number(size);
        return entry;
      });
  }

  async treeOf(commitish: string): Promise<string> {
    return (await this.git(['rev-parse', `${commitish}^{tree}`])).toString().trim();
  }

  /** A new tree: `base` (a tree, or none) with `changes` applied. Uses a private index, never a work tree. */
  async writeTree(base: string | undefined, changes: TreeChange[]): Promise<string> {
    const index = join(mkdtempSync(join(tmpdir(), 'github-double-index-')), 'index');
    const env = { GIT_INDEX_FILE: index };
    try {
      if (base) await this.git(['read-tree', base], { env });
      else await this.git(['read-tree', '--empty'], { env });
      const lines: string[] = [];
      for (const change of changes) {
        if (change.sha === null) {
          lines.push(`0 ${ZERO}\t${change.path}`);
          continue;
        }
        const sha = change.content !== undefined ? await this.writeBlob(change.content) : change.sha!;
        if ((await this.objectType(sha)) === 'tree') {
          for (const entry of await this.readTree(sha, true))
            if (entry.type !== 'tree') lines.push(`${entry.mode} ${entry.sha}\t${change.path}/${entry.path}`);
        } else lines.push(`${change.mode ?? '100644'} ${sha}\t${change.path}`);
      }
      await this.git(['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
      return (await this.git(['write-tree'], { env })).toString().trim();
    } finally {
      rmSync(join(index, '..'), { recursive: true, force: true });
    }
  }

  async writeCommit(tree: string, parents: string[], message: string, author: Signature, committer = author) {
    const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p])];
    const out = await this.git(args, {
      input: message,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: author.date,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
        GIT_COMMITTER_DATE: committer.date,
      },
    });
    return out.toString().trim();
  }

  /** A real three-way merge of two commits (git merge-tree --write-tree), without a work tree. */
  async mergeTrees(ours: string, theirs: string): Promise<MergeOutcome> {
    if (!(await this.mergeBase(ours, theirs))) return { clean: false, conflicts: ['unrelated histories'] };
    const out = (
      await this.git(['merge-tree', '--write-tree', '--name-only', '-z', ours, theirs], { okCodes: [1] })
    ).toString();
    const [tree, ...rest] = out.split('\0');
    const conflicts = rest.filter((part) => part && !part.includes('\n') && !part.startsWith('Auto-merging'));
    const clean = !out.includes('CONFLICT') && conflicts.length === 0;
    return clean ? { clean, tree: tree!.trim() } : { clean, conflicts };
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const out = await this.git(['merge-base', a, b], { okCodes: [1] });
    return out.toString().trim() || undefined;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.mergeBase(ancestor, descendant)) === ancestor;
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  async commitsBetween(base: string | undefined, head: string): Promise<string[]> {
    const range = base ? [`${base}..${head}`] : [head];
    const out = (await this.git(['rev-list', '--reverse', ...range])).toString();
    return out.split('\n').filter(Boolean);
  }

  /** Files changed between two commits, with status letters A/M/D and line counts. */
  async diffFiles(
    base: string,
    head: string,
  ): Promise<Array<{ status: string; path: string; additions: number; deletions: number }>> {
    const status = (await this.git(['diff', '--name-status', '-z', '--no-renames', base, head])).toString();
    const parts = status.split('\0').filter(Boolean);
    const numstat = (await this.git(['diff', '--numstat', '-z', '--no-renames', base, head])).toString();
    const counts = new Map<string, [number, number]>();
    for (const line of numstat.split('\0').filter(Boolean)) {
      const [add, del, path] = line.split('\t');
      counts.set(path!, [Number(add) || 0, Number(del) || 0]);
    }
    const files = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const path = parts[i + 1]!;
      const [additions, deletions] = counts.get(path) ?? [0, 0];
      files.push({ status: parts[i]!, path, additions, deletions });
    }
    return files;
  }

  /** Fetches a ref of another store (a fork) into this one. */
  async fetchFrom(other: GitStore, sourceRef: string, targetRef: string): Promise<void> {
    await this.git(['fetch', '--quiet', '--no-tags', other.path, `+${sourceRef}:${targetRef}`]);
  }
}

/** Parses "Name <email> 1700000000 +0000". */
function parseSignature(value: string): Signature {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) return { name: '', email: '', date: new Date(0).toISOString() };
  return {
    name: match[1]!,
    email: match[2]!,
    date: `${new Date(Number(match[3]) * 1000).toISOString().slice(0, 19)}Z`,
  };
}
