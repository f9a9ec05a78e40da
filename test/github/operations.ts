/**
 * What changes GitHub's state, shared by the REST handlers and a test acting as a person: every change
 * lands in git or in State and raises the webhook GitHub would send.
 */
import { GitStore, type Signature, type TreeChange } from './git-store.js';
import type { Urls } from './resources.js';
import {
  type App,
  type CheckRun,
  type Comment,
  type Installation,
  type Issue,
  now,
  type Repo,
  type Review,
  type State,
  type User,
} from './state.js';
import {
  checkRunPayload,
  installationPayload,
  installationRepositoriesPayload,
  issueCommentPayload,
  pullRequestPayload,
  pushPayload,
  reviewPayload,
} from './webhook-payloads.js';
import type { Webhooks } from './webhooks.js';

/** GitHub's answer to a request it understands but refuses (422, 409, 405 ...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

const ZERO = '0'.repeat(40);

export function signatureOf(user: User, date = now()): Signature {
  return { name: user.login, email: user.email, date };
}

export class Operations {
  constructor(
    private readonly state: State,
    private readonly urls: Urls,
    private readonly app: App,
    private readonly webhooks: Webhooks,
  ) {}

  /** GitHub sends an app a repository's events only where the app is installed (not to a fork, say). */
  private emitFor(repo: Repo, event: string, payload: Record<string, unknown>): void {
    if (this.installationFor(repo)) this.webhooks.emit(event, payload);
  }

  /** The installation of the app that covers `repo`, if any (webhooks name it). */
  installationFor(repo: Repo): Installation | undefined {
    return [...this.state.installations.values()].find((i) => i.repositories.includes(repo));
  }

  async createRepo(owner: User, name: string, options: { defaultBranch?: string; private?: boolean } = {}) {
    const defaultBranch = options.defaultBranch ?? 'main';
    const repo: Repo = {
      id: this.state.nextId(),
      owner,
      name,
      fullName: `${owner.login}/${name}`,
      defaultBranch,
      private: options.private ?? false,
      createdAt: now(),
      store: await GitStore.create(defaultBranch),
      collaborators: new Map(),
      labels: new Map(),
      issues: new Map(),
      checkRuns: [],
      deployments: [],
      statuses: [],
      workflowRuns: [],
    };
    this.state.repos.set(repo.fullName.toLowerCase(), repo);
    return repo;
  }

  async forkRepo(source: Repo, owner: User): Promise<Repo> {
    const existing = this.state.repo(`${owner.login}/${source.name}`);
    if (existing) return existing;
    const repo: Repo = {
      ...(await this.createRepo(owner, source.name, { defaultBranch: source.defaultBranch })),
      forkOf: source,
    };
    repo.store.remove();
    repo.store = await source.store.fork();
    this.state.repos.set(repo.fullName.toLowerCase(), repo);
    return repo;
  }

  /** A commit of `files` (path → content, or null to delete) on `branch`, then the push it makes. */
  async commitFiles(
    repo: Repo,
    branch: string,
    files: Record<string, string | null>,
    message: string,
    author: User,
  ): Promise<string> {
    const ref = `refs/heads/${branch}`;
    const before = await repo.store.resolveRef(ref);
    const changes: TreeChange[] = Object.entries(files).map(([path, content]) =>
      content === null ? { path, sha: null } : { path, content },
    );
    // A new branch starts from the default branch, as one made in GitHub's UI does.
    const parent = before ?? (await repo.store.resolveRef(`refs/heads/${repo.defaultBranch}`));
    const tree = await repo.store.writeTree(parent ? await repo.store.treeOf(parent) : undefined, changes);
    const sha = await repo.store.writeCommit(tree, parent ? [parent] : [], message, signatureOf(author));
    await repo.store.updateRef(ref, sha, before ?? null);
    await this.refMoved(repo, ref, before ?? ZERO, sha, author);
    return sha;
  }

  /**
   * After a ref moved: the push webhook, and the pull requests whose head is that branch follow it
   * (refs/pull/N/head in the base repository, and a `synchronize` event).
   */
  async refMoved(repo: Repo, ref: string, before: string, after: string, pusher: User): Promise<void> {
    const store = repo.store;
    const shas =
      after === ZERO ? [] : await store.commitsBetween(before === ZERO ? undefined : before, after);
    const commits = [];
    for (const sha of shas.slice(-20)) {
      const commit = await store.readCommit(sha);
      const files = commit.parents[0] ? await store.diffFiles(commit.parents[0], sha) : [];
      commits.push({
        commit,
        added: files.filter((f) => f.status === 'A').map((f) => f.path),
        removed: files.filter((f) => f.status === 'D').map((f) => f.path),
        modified: files.filter((f) => f.status === 'M').map((f) => f.path),
      });
    }
    const forced = before !== ZERO && after !== ZERO && !(await store.isAncestor(before, after));
    this.emitFor(
      repo,
      'push',
      pushPayload(
        this.urls,
        repo,
        { ref, before, after, commits, forced },
        pusher,
        this.installationFor(repo),
      ),
    );
    if (!ref.startsWith('refs/heads/') || after === ZERO) return;
    const branch = ref.slice('refs/heads/'.length);
    const baseRepo = repo.forkOf ?? repo;
    for (const issue of baseRepo.issues.values()) {
      const pull = issue.pull;
      if (!pull || issue.state !== 'open' || pull.head.repo !== repo || pull.head.ref !== branch) continue;
      await this.trackHead(baseRepo, issue, after);
      issue.updatedAt = now();
      await this.emitPull(baseRepo, issue, 'synchronize', pusher, { before, after });
    }
  }

  private async trackHead(baseRepo: Repo, issue: Issue, sha: string): Promise<void> {
    const pull = issue.pull!;
    pull.head.sha = sha;
    if (pull.head.repo !== baseRepo)
      await baseRepo.store.fetchFrom(
        pull.head.repo.store,
        `refs/heads/${pull.head.ref}`,
        `refs/pull/${issue.number}/head`,
      );
    else await baseRepo.store.updateRef(`refs/pull/${issue.number}/head`, sha);
  }

  /** Counts and mergeability for GET /pulls/{n}: computed with a real merge of base into head. */
  async pullDetail(repo: Repo, issue: Issue) {
    const pull = issue.pull!;
    const headRef = `refs/pull/${issue.number}/head`;
    const baseSha = (await repo.store.resolveRef(`refs/heads/${pull.base.ref}`)) ?? pull.base.sha;
    if (issue.state === 'open') pull.base.sha = baseSha;
    const forkPoint = (await repo.store.mergeBase(baseSha, headRef)) ?? baseSha;
    const files = await repo.store.diffFiles(forkPoint, headRef);
    const commits = await repo.store.commitsBetween(forkPoint, headRef);
    let mergeable: boolean | null = null;
    if (!pull.merged && issue.state === 'open')
      mergeable = (await repo.store.mergeTrees(baseSha, pull.head.sha)).clean;
    return {
      mergeable,
      commits: commits.length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: files.length,
    };
  }

  async emitPull(
    repo: Repo,
    issue: Issue,
    action: string,
    sender: User,
    extra: Record<string, unknown> = {},
  ) {
    const detail = await this.pullDetail(repo, issue);
    this.emitFor(
      repo,
      'pull_request',
      pullRequestPayload(this.urls, repo, issue, action, detail, sender, this.installationFor(repo), extra),
    );
  }

  /** Opens a pull request; `head` is "branch" or, from a fork, "owner:branch". */
  async openPull(
    repo: Repo,
    request: { head: string; base: string; title?: string; body?: string | null; draft?: boolean },
    user: User,
  ): Promise<Issue> {
    const [headOwner, headBranch] = request.head.includes(':')
      ? (request.head.split(':', 2) as [string, string])
      : [repo.owner.login, request.head];
    const headRepo = headOwner === repo.owner.login ? repo : this.state.repo(`${headOwner}/${repo.name}`);
    const headSha = headRepo && (await headRepo.store.resolveRef(`refs/heads/${headBranch}`));
    const baseSha = await repo.store.resolveRef(`refs/heads/${request.base}`);
    const invalid = (field: string) =>
      new HttpError(422, 'Validation Failed', [{ resource: 'PullRequest', field, code: 'invalid' }]);
    if (!headRepo || !headSha) throw invalid('head');
    if (!baseSha) throw invalid('base');
    const duplicate = [...repo.issues.values()].find(
      (i) =>
        i.state === 'open' &&
        i.pull?.head.repo === headRepo &&
        i.pull.head.ref === headBranch &&
        i.pull.base.ref === request.base,
    );
    if (duplicate)
      throw new HttpError(422, 'Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${headOwner}:${headBranch}.`,
        },
      ]);
    if (headRepo === repo && (await repo.store.isAncestor(headSha, baseSha)))
      throw new HttpError(422, 'Validation Failed', [
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${request.base} and ${headBranch}`,
        },
      ]);
    const created = now();
    const issue: Issue = {
      id: this.state.nextId(),
      number: this.state.nextNumber(repo),
      title: request.title ?? headBranch,
      body: request.body ?? null,
      state: 'open',
      user,
      labels: [],
      comments: [],
      createdAt: created,
      updatedAt: created,
      closedAt: null,
      pull: {
        head: { ref: headBranch, sha: headSha, repo: headRepo },
        base: { ref: request.base, sha: baseSha },
        draft: request.draft ?? false,
        merged: false,
        mergedAt: null,
        mergedBy: null,
        mergeCommitSha: null,
        reviews: [],
      },
    };
    repo.issues.set(issue.number, issue);
    await this.trackHead(repo, issue, headSha);
    await this.emitPull(repo, issue, 'opened', user);
    return issue;
  }

  async setIssueState(repo: Repo, issue: Issue, state: 'open' | 'closed', user: User): Promise<void> {
    if (issue.state === state) return;
    if (issue.pull?.merged && state === 'open')
      throw new HttpError(422, 'Cannot reopen a merged pull request');
    issue.state = state;
    issue.closedAt = state === 'closed' ? now() : null;
    issue.updatedAt = now();
    if (issue.pull) await this.emitPull(repo, issue, state === 'closed' ? 'closed' : 'reopened', user);
  }

  /** A real merge (or squash) of the pull request's head into its base branch, then the push it makes. */
  async mergePull(
    repo: Repo,
    issue: Issue,
    request: { merge_method?: string; sha?: string; commit_title?: string; commit_message?: string },
    user: User,
  ): Promise<string> {
    const pull = issue.pull!;
    if (issue.state !== 'open' || pull.merged) throw new HttpError(405, 'Pull Request is not mergeable');
    if (request.sha && request.sha !== pull.head.sha)
      throw new HttpError(409, 'Head branch was modified. Review and try the merge again.');
    const method = request.merge_method ?? 'merge';
    if (method === 'rebase') throw new HttpError(501, 'the GitHub double does not implement rebase merges');
    const baseRef = `refs/heads/${pull.base.ref}`;
    const baseSha = (await repo.store.resolveRef(baseRef))!;
    const merge = await repo.store.mergeTrees(baseSha, pull.head.sha);
    if (!merge.clean) throw new HttpError(405, 'Pull Request is not mergeable');
    const title =
      request.commit_title ??
      (method === 'squash'
        ? `${issue.title} (#${issue.number})`
        : `Merge pull request #${issue.number} from ${pull.head.repo.owner.login}/${pull.head.ref}`);
    const message = request.commit_message ? `${title}\n\n${request.commit_message}` : title;
    const parents = method === 'squash' ? [baseSha] : [baseSha, pull.head.sha];
    const sha = await repo.store.writeCommit(merge.tree, parents, `${message}\n`, signatureOf(user));
    await repo.store.updateRef(baseRef, sha, baseSha);
    pull.merged = true;
    pull.mergedAt = now();
    pull.mergedBy = user;
    pull.mergeCommitSha = sha;
    issue.state = 'closed';
    issue.closedAt = pull.mergedAt;
    issue.updatedAt = pull.mergedAt;
    await this.refMoved(repo, baseRef, baseSha, sha, user);
    await this.emitPull(repo, issue, 'closed', user);
    return sha;
  }

  async submitReview(
    repo: Repo,
    issue: Issue,
    request: { event?: string; body?: string; commit_id?: string },
    user: User,
  ): Promise<Review> {
    const pull = issue.pull!;
    const event = request.event ?? 'COMMENT';
    if (event === 'PENDING' || !request.event)
      throw new HttpError(501, 'the GitHub double does not implement pending reviews: pass event');
    if (user === issue.user && event !== 'COMMENT')
      throw new HttpError(422, 'Unprocessable Entity', [
        `Review Can not ${event === 'APPROVE' ? 'approve' : 'request changes on'} your own pull request`,
      ]);
    if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && !request.body)
      throw new HttpError(422, 'Unprocessable Entity', [`Review body is required for ${event}`]);
    const state = (
      { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' } as const
    )[event as 'APPROVE'];
    const review: Review = {
      id: this.state.nextId(),
      user,
      state,
      body: request.body ?? '',
      commitId: request.commit_id ?? pull.head.sha,
      submittedAt: now(),
    };
    pull.reviews.push(review);
    const detail = await this.pullDetail(repo, issue);
    this.emitFor(
      repo,
      'pull_request_review',
      reviewPayload(this.urls, repo, issue, review, detail, this.installationFor(repo)),
    );
    return review;
  }

  addComment(repo: Repo, issue: Issue, body: string, user: User): Comment {
    const created = now();
    const comment: Comment = {
      id: this.state.nextId(),
      body,
      user,
      createdAt: created,
      updatedAt: created,
      reactions: [],
    };
    issue.comments.push(comment);
    issue.updatedAt = created;
    this.emitFor(
      repo,
      'issue_comment',
      issueCommentPayload(this.urls, repo, issue, comment, this.installationFor(repo)),
    );
    return comment;
  }

  checkRunChanged(
    repo: Repo,
    run: CheckRun,
    action: 'created' | 'completed' | 'rerequested',
    sender: User,
  ): void {
    this.emitFor(
      repo,
      'check_run',
      checkRunPayload(this.urls, repo, this.app, run, action, sender, this.installationFor(repo)),
    );
  }

  install(account: User, repositories: Repo[], sender: User): Installation {
    const installation: Installation = {
      id: this.state.nextId(),
      account,
      repositories,
      permissions: { ...this.app.permissions },
      events: [...this.app.events],
      createdAt: now(),
    };
    this.state.installations.set(installation.id, installation);
    this.webhooks.emit('installation', installationPayload(this.urls, this.app, installation, sender));
    return installation;
  }

  addToInstallation(installation: Installation, repos: Repo[], sender: User): void {
    installation.repositories.push(...repos);
    this.webhooks.emit(
      'installation_repositories',
      installationRepositoriesPayload(this.urls, this.app, installation, repos, sender),
    );
  }
}
