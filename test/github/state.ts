import type { GitStore } from './git-store.js';

/** A repository permission level, as in app.yml and in a GITHUB_TOKEN's `permissions`. */
export type Access = 'read' | 'write';
export type PermissionSet = Record<string, Access>;
export type Role = 'admin' | 'write' | 'read' | 'none';

export interface User {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
  email: string;
}

export interface Label {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface Comment {
  id: number;
  body: string;
  user: User;
  createdAt: string;
  updatedAt: string;
  reactions: Array<{ id: number; content: string; user: User; createdAt: string }>;
}

export interface Review {
  id: number;
  user: User;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface PullFields {
  head: { ref: string; sha: string; repo: Repo };
  base: { ref: string; sha: string };
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: User | null;
  mergeCommitSha: string | null;
  reviews: Review[];
}

/** An issue or, with `pull`, a pull request: GitHub numbers both from one sequence. */
export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: User;
  labels: string[];
  comments: Comment[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  pull?: PullFields;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: string;
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: CheckAnnotation[];
  /** The id of the app whose token created it. */
  appId: number;
}

export interface DeploymentStatus {
  id: number;
  state: string;
  description: string;
  environmentUrl: string;
  logUrl: string;
  creator: User;
  createdAt: string;
}

export interface Deployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: Record<string, unknown> | string;
  creator: User;
  createdAt: string;
  updatedAt: string;
  transient: boolean;
  production: boolean;
  statuses: DeploymentStatus[];
}

/** A run of a GitHub Actions workflow, as a test records it (the double runs no workflow). */
export interface WorkflowRun {
  id: number;
  /** The workflow's name, e.g. `assembly-line`. */
  name: string;
  /** The workflow file, e.g. `.github/workflows/assembly-line.yml`. */
  path: string;
  workflowId: number;
  runNumber: number;
  runAttempt: number;
  event: string;
  headBranch: string;
  headSha: string;
  /** For a push, the head commit's first line (what GitHub shows as the run's title). */
  displayTitle: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped' | 'timed_out' | null;
  actor: User;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
}

export interface CommitStatus {
  id: number;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: User;
  createdAt: string;
}

export interface Repo {
  id: number;
  owner: User;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  createdAt: string;
  store: GitStore;
  forkOf?: Repo;
  collaborators: Map<string, Role>;
  labels: Map<string, Label>;
  issues: Map<number, Issue>;
  checkRuns: CheckRun[];
  deployments: Deployment[];
  statuses: CommitStatus[];
  workflowRuns: WorkflowRun[];
}

export interface Installation {
  id: number;
  account: User;
  repositories: Repo[];
  permissions: PermissionSet;
  events: string[];
  createdAt: string;
}

export interface App {
  id: number;
  slug: string;
  name: string;
  owner: User;
  permissions: PermissionSet;
  events: string[];
  /** The app's bot user, the actor of everything an installation token does. */
  bot: User;
}

/** GitHub's timestamps have whole seconds. */
export function now(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

/** Every object the double holds, and one id sequence for all of them (ids are unique across kinds). */
export class State {
  private lastId = 1000;
  readonly users = new Map<string, User>();
  readonly repos = new Map<string, Repo>();
  readonly installations = new Map<number, Installation>();

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  user(login: string, type: User['type'] = 'User'): User {
    let user = this.users.get(login);
    if (!user) {
      user = {
        login,
        id: this.nextId(),
        type,
        email: `${login.replace(/\[bot\]$/, '')}@users.noreply.github.test`,
      };
      this.users.set(login, user);
    }
    return user;
  }

  repo(fullName: string): Repo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  nextNumber(repo: Repo): number {
    return repo.issues.size + 1;
  }

  /** The role GitHub's collaborator-permission endpoint reports: the owner is admin, strangers read. */
  roleOf(repo: Repo, login: string): Role {
    if (login === repo.owner.login) return 'admin';
    return repo.collaborators.get(login) ?? (repo.private ? 'none' : 'read');
  }
}
