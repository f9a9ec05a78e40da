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
  /** The app's own reference for the run, handed back when a person asks for a re-run. */
  externalId?: string;
}

export interface CheckRun extends CheckRunFields {
  id: number;
  name: string;
  headSha: string;
  /** How many annotations the run shows, where the forge says (GitHub: `output.annotations_count`). */
  annotationsCount?: number;
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
