import { HttpError, type Operations } from './operations.js';
import type { Issue, Repo, Review, State, User } from './state.js';

/**
 * A test acting as a person on GitHub's web UI or with git: pushes, forks, pull requests, reviews and
 * comments. These change state and raise webhooks exactly as the REST path does, but are not counted
 * as REST calls, so a test's counters show only what the code under test did.
 */
export class Person {
  constructor(
    readonly user: User,
    private readonly repo: Repo,
    private readonly state: State,
    private readonly ops: Operations,
    private readonly mintToken: () => string,
  ) {}

  get login(): string {
    return this.user.login;
  }

  /** A personal token for REST calls made as this person (e.g. through Octokit). */
  get token(): string {
    return this.mintToken();
  }

  /** One commit of `files` (content, or null to delete) on `branch`, pushed, with its push webhook. */
  async push(options: {
    files: Record<string, string | null>;
    branch?: string;
    message?: string;
    repo?: Repo;
  }): Promise<string> {
    const repo = options.repo ?? this.repo;
    if (
      repo === this.repo &&
      !['admin', 'write'].includes(this.state.roleOf(repo, this.login)) &&
      repo.owner !== this.user
    )
      throw new HttpError(403, `${this.login} has no push access to ${repo.fullName}`);
    return this.ops.commitFiles(
      repo,
      options.branch ?? repo.defaultBranch,
      options.files,
      options.message ?? `Edit ${Object.keys(options.files).join(', ')}`,
      this.user,
    );
  }

  /** This person's fork of the repository (created on first call). */
  fork(): Promise<Repo> {
    return this.ops.forkRepo(this.repo, this.user);
  }

  /** Opens a pull request; `fromFork` takes the head branch from this person's fork. */
  async openPullRequest(options: {
    head: string;
    base?: string;
    title?: string;
    body?: string;
    fromFork?: boolean;
  }): Promise<Issue> {
    const head = options.fromFork ? `${this.login}:${options.head}` : options.head;
    return this.ops.openPull(
      this.repo,
      {
        head,
        base: options.base ?? this.repo.defaultBranch,
        title: options.title ?? options.head,
        body: options.body ?? null,
      },
      this.user,
    );
  }

  private pull(number: number): Issue {
    const issue = this.repo.issues.get(number);
    if (!issue) throw new Error(`${this.repo.fullName} has no issue or pull request #${number}`);
    return issue;
  }

  review(number: number, event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT', body = ''): Promise<Review> {
    const issue = this.pull(number);
    if (!issue.pull) throw new Error(`#${number} is an issue, not a pull request`);
    return this.ops.submitReview(
      this.repo,
      issue,
      { event, body: body || (event === 'APPROVE' ? '' : 'Please change this.') },
      this.user,
    );
  }

  /** A comment on an issue or pull request; anyone may comment on a public repository. */
  comment(number: number, body: string) {
    return this.ops.addComment(this.repo, this.pull(number), body, this.user);
  }

  /** "Re-run" on a check run in the UI: a check_run `rerequested` webhook. */
  rerequestCheckRun(id: number): void {
    const run = this.repo.checkRuns.find((r) => r.id === id);
    if (!run) throw new Error(`${this.repo.fullName} has no check run ${id}`);
    this.ops.checkRunChanged(this.repo, run, 'rerequested', this.user);
  }
}
