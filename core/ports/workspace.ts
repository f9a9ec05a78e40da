// ---------------------------------------------------------------------------------------------------
// Workspace: the repository the pipeline reads intents, SPECs and services from and writes them to.
// Shaped so that two adapters fit: a local checkout (git plumbing) and GitHub's git data API (trees,
// blobs, commits, refs). Paths are repository-relative with `/` separators; refs are branch names,
// tags or commit ids.
// ---------------------------------------------------------------------------------------------------

/** The ref of the files as they are in a local checkout, committed or not. Remote adapters refuse it. */
export const WORKING_TREE = ':working-tree';

export type FileContent = string | Uint8Array;

/** One change of a commit: new content for a path, or its removal. */
export type FileChange = { path: string; content: FileContent } | { path: string; delete: true };

export interface CommitRequest {
  /** The branch to point at the new commit; created when `expectedHead` is null. */
  branch: string;
  /** The commit (or ref) whose tree the changes apply to; it becomes the new commit's only parent. */
  base: string;
  /**
   * Compare-and-swap: the commit id `branch` must point at now, or null when it must not exist yet.
   * Anything else fails with `RefConflict` and changes nothing, so two writers never lose each other's work.
   */
  expectedHead: string | null;
  changes: readonly FileChange[];
  message: string;
  author?: { name: string; email: string };
}

export interface CommitResult {
  /** The new commit's id. */
  commit: string;
  /** Its tree's id: equal trees mean equal content. */
  tree: string;
}

/** `commitFiles` lost the compare-and-swap: the branch moved since the caller read it. */
export class RefConflict extends Error {
  constructor(
    readonly branch: string,
    readonly expected: string | null,
    readonly actual: string | null,
  ) {
    super(
      `branch ${branch} moved: expected ${expected ?? 'no branch'}, found ${actual ?? 'no branch'}; ` +
        'read it again and retry',
    );
  }
}

export interface Workspace {
  /** e.g. `git:/path/to/checkout` or `github:owner/repo` */
  readonly description: string;
  /** The commit id a ref names, or undefined when there is no such ref. */
  resolveRef(ref: string): Promise<string | undefined>;
  /** The branch pushes are planned against (`main`, or whatever the repository calls it). */
  defaultBranch(): Promise<string>;
  /** Every file under `prefix` (a folder such as `intents/`, or `` for all), recursively, sorted. */
  listFiles(ref: string, prefix: string): Promise<string[]>;
  /** A file's bytes at `ref`, or undefined when it does not exist there. Unknown refs throw. */
  readFile(ref: string, path: string): Promise<Uint8Array | undefined>;
  /** Writes (or deletes) files in the working copy; adapters without one throw. */
  writeFiles(changes: readonly FileChange[]): Promise<void>;
  /** One commit of `changes` on top of `base`, moved onto `branch` with a compare-and-swap. */
  commitFiles(request: CommitRequest): Promise<CommitResult>;
  /**
   * The local directory of a repository folder in the working copy, for tools that need files on disk
   * (venv, pytest, the deploy target). Undefined for adapters without a working copy.
   */
  localPath?(path: string): string;
}
