/**
 * Interfaces to the outside systems of the build line's later phases. Phases receive implementations
 * through a context object and never import an adapter.
 */

export interface RegistryEntry {
  name: string;
  url: string;
  version: string;
  release_id: string;
  /** ISO-8601 */
  registered_at: string;
  health: 'active' | 'degraded' | 'unknown';
}

export interface Registry {
  /** e.g. `file:/path/registry.json`, `http://host:8000`, `etcd://127.0.0.1:2379` */
  readonly description: string;
  register(entry: RegistryEntry): Promise<void>;
  deregister(name: string): Promise<void>;
  get(name: string): Promise<RegistryEntry | undefined>;
  list(): Promise<RegistryEntry[]>;
}

export interface DeployRequest {
  name: string;
  /** Local directory with the service's files (services/<name>/). */
  sourceDir: string;
  /** Sorts by time: UTC timestamp plus a short SPEC hash, e.g. 20261125T041713Z-3f9a2c1. */
  releaseId: string;
  port: number;
  version: string;
  /** Environment for the service process (REGISTRY_URL, SERVICE_VERSION …); never secrets of the pipeline. */
  env: Record<string, string>;
}

export interface ReleaseInfo {
  name: string;
  releaseId: string;
  url: string;
  port: number;
  pid?: number;
  status: 'running' | 'stopped' | 'failed';
}

export interface DeployOutcome {
  ok: boolean;
  release: ReleaseInfo;
  /** The release serving after the deploy: the new one on success, the previous one (if any) on failure. */
  serving?: ReleaseInfo;
  /** Milliseconds during which the port answered nothing at cutover. */
  cutoverGapMs?: number;
  message: string;
  /** Last lines of the new release's log, for a failed deploy. */
  logTail?: string;
}

export interface DeployTarget {
  readonly description: string;
  deploy(request: DeployRequest): Promise<DeployOutcome>;
  rollback(name: string): Promise<DeployOutcome>;
  stop(name: string): Promise<void>;
  list(): Promise<ReleaseInfo[]>;
  logs(name: string, lines: number): Promise<string>;
}

/** Progress events every phase reports; the CLI prints them, the Action logs them. */
export interface ProgressReporter {
  phaseStarted(phase: string, detail?: string): void;
  phaseFinished(phase: string, outcome: 'ok' | 'failed' | 'skipped', detail?: string): void;
  info(message: string): void;
}

export const silentReporter: ProgressReporter = {
  phaseStarted() {},
  phaseFinished() {},
  info() {},
};

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

// ---------------------------------------------------------------------------------------------------
// Forge: where review and reporting happen (pull requests, check runs, labels, comments, issues,
// deployments, statuses). Named after GitHub's REST concepts but free of GitHub's types, so another
// forge (or the in-memory one of `plan` and the tests) fits the same shape.
// ---------------------------------------------------------------------------------------------------

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  number: number;
  title: string;
  body: string;
  /** The branch with the changes. */
  head: string;
  /** The commit id the head branch pointed at when the forge last saw it. */
  headSha: string;
  /** The branch the changes go into. */
  base: string;
  state: PullRequestState;
  labels: string[];
  url: string;
}

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
  labels?: string[];
}

export type MergeMethod = 'merge' | 'squash' | 'rebase';

export interface Review {
  user: string;
  state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
  /** The head commit the review was given on: an approval counts only for the commit it saw. */
  commit: string;
  /** Whether the reviewer may write to the repository. */
  canWrite: boolean;
}

export interface Comment {
  id: number;
  body: string;
  user: string;
}

export interface Annotation {
  path: string;
  startLine: number;
  endLine: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled' | 'action_required';

export interface CheckRunFields {
  status: CheckStatus;
  conclusion?: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  /** All of them: an adapter sends them in the batches its forge accepts (GitHub: 50 per request). */
  annotations?: Annotation[];
}

export interface CheckRun extends CheckRunFields {
  id: number;
  name: string;
  headSha: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
}

export interface Deployment {
  id: number;
  /** The commit or branch deployed. */
  ref: string;
  environment: string;
  description: string;
}

export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface DeploymentStatus {
  state: DeploymentState;
  description?: string;
  environmentUrl?: string;
  logUrl?: string;
}

export interface CommitStatus {
  /** e.g. `assembly-line/validate` */
  context: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  description: string;
  targetUrl?: string;
}

export interface Forge {
  /** e.g. `github:owner/repo` or `memory` */
  readonly description: string;

  /** The open pull request from `head`, or the newest closed or merged one with `state: 'all'`. */
  findPullRequest(head: string, state?: 'open' | 'all'): Promise<PullRequest | undefined>;
  /** Open pull requests whose head branch starts with `headPrefix` (e.g. `assembly-line/spec/`). */
  listPullRequests(headPrefix: string): Promise<PullRequest[]>;
  /** Fails when an open pull request from the same head exists: find it first. */
  createPullRequest(request: NewPullRequest): Promise<PullRequest>;
  updatePullRequest(
    number: number,
    fields: Partial<Pick<PullRequest, 'title' | 'body' | 'base'>>,
  ): Promise<PullRequest>;
  closePullRequest(number: number): Promise<void>;
  /** Merges only when the head is still `expectedHeadSha`, so a late push is never merged unseen. */
  mergePullRequest(
    number: number,
    options: { method: MergeMethod; expectedHeadSha: string; title?: string },
  ): Promise<{ sha: string }>;
  listReviews(number: number): Promise<Review[]>;

  /** Labels on an issue or pull request (they share numbers); missing labels are created. */
  addLabels(number: number, labels: readonly string[]): Promise<void>;
  removeLabel(number: number, label: string): Promise<void>;
  createComment(number: number, body: string): Promise<Comment>;
  updateComment(id: number, body: string): Promise<Comment>;
  listComments(number: number): Promise<Comment[]>;

  createCheckRun(name: string, headSha: string, fields: CheckRunFields): Promise<CheckRun>;
  /** Edits the run in place; annotations given here are added to those already on it. */
  updateCheckRun(id: number, fields: Partial<CheckRunFields>): Promise<CheckRun>;

  /** The open issue with exactly this title, e.g. the one "Assembly Line Dashboard" per repository. */
  findIssue(title: string): Promise<Issue | undefined>;
  createIssue(issue: { title: string; body: string; labels?: string[] }): Promise<Issue>;
  updateIssue(number: number, fields: Partial<Pick<Issue, 'title' | 'body' | 'state'>>): Promise<Issue>;

  createDeployment(deployment: Omit<Deployment, 'id'>): Promise<Deployment>;
  setDeploymentStatus(id: number, status: DeploymentStatus): Promise<void>;
  setCommitStatus(sha: string, status: CommitStatus): Promise<void>;
}
