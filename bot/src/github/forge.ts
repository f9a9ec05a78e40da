import type {
  Annotation,
  CheckRun,
  CheckRunFields,
  Comment,
  CommitStatus,
  Deployment,
  DeploymentStatus,
  Forge,
  Issue,
  MergeMethod,
  NewPullRequest,
  PullRequest,
  Review,
} from '../core.js';
import type { Octokit, RepoRef } from './workspace.js';

/** GitHub takes at most 50 annotations per create or update of a check run. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** An annotation that may also point at columns (allowed when it spans one line). */
export interface ColumnAnnotation extends Annotation {
  startColumn?: number;
  endColumn?: number;
}

export type ReactionContent = '+1' | 'eyes' | 'rocket' | 'confused';

type GitHubPull = {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  merged_at?: string | null;
  html_url: string;
  labels: Array<{ name?: string } | string>;
  head: { ref: string; sha: string; repo?: { full_name: string } | null };
  base: { ref: string };
};

const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);

function toPull(pr: GitHubPull): PullRequest {
  return {
    number: pr.number,
    title: pr.title,
    body: pr.body ?? '',
    head: pr.head.ref,
    headSha: pr.head.sha,
    base: pr.base.ref,
    state: pr.merged_at ? 'merged' : pr.state === 'open' ? 'open' : 'closed',
    labels: pr.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
    url: pr.html_url,
  };
}

function toAnnotation(a: ColumnAnnotation) {
  const columns =
    a.startLine === a.endLine && a.startColumn !== undefined
      ? { start_column: a.startColumn, end_column: a.endColumn ?? a.startColumn }
      : {};
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    message: a.message,
    ...(a.title ? { title: a.title } : {}),
    ...columns,
  };
}

/**
 * The Forge port over GitHub's REST API (octokit.rest only). Pull requests of forks are never taken
 * for the repository's own: listings keep heads in this repository.
 */
export class GitHubForge implements Forge {
  readonly description: string;
  private readonly writers = new Map<string, Promise<boolean>>();

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
  ) {
    this.description = `github:${repo.owner}/${repo.repo}`;
  }

  private get fullName(): string {
    return `${this.repo.owner}/${this.repo.repo}`;
  }

  private own(pr: GitHubPull): boolean {
    return !pr.head.repo || pr.head.repo.full_name === this.fullName;
  }

  async findPullRequest(head: string, state: 'open' | 'all' = 'open'): Promise<PullRequest | undefined> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.repo,
      head: `${this.repo.owner}:${head}`,
      state,
      per_page: 100,
    });
    const pulls = (data as GitHubPull[]).filter((pr) => pr.head.ref === head && this.own(pr)).map(toPull);
    return pulls.find((pr) => pr.state === 'open') ?? pulls[0];
  }

  async listPullRequests(headPrefix: string): Promise<PullRequest[]> {
    const pulls = (await this.octokit.paginate(this.octokit.rest.pulls.list, {
      ...this.repo,
      state: 'open',
      per_page: 100,
    })) as GitHubPull[];
    return pulls.filter((pr) => pr.head.ref.startsWith(headPrefix) && this.own(pr)).map(toPull);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    const { data } = await this.octokit.rest.pulls.get({ ...this.repo, pull_number: number });
    return toPull(data as GitHubPull);
  }

  /** The paths a pull request changes. */
  async listPullRequestFiles(number: number): Promise<string[]> {
    const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
      ...this.repo,
      pull_number: number,
      per_page: 100,
    });
    return files.map((f) => f.filename);
  }

  async createPullRequest(request: NewPullRequest): Promise<PullRequest> {
    const { data } = await this.octokit.rest.pulls.create({
      ...this.repo,
      head: request.head,
      base: request.base,
      title: request.title,
      body: request.body,
    });
    const pr = toPull(data as GitHubPull);
    if (request.labels?.length) {
      await this.addLabels(pr.number, request.labels);
      pr.labels = [...new Set([...pr.labels, ...request.labels])];
    }
    return pr;
  }

  async updatePullRequest(
    number: number,
    fields: Partial<Pick<PullRequest, 'title' | 'body' | 'base'>>,
  ): Promise<PullRequest> {
    const { data } = await this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, ...fields });
    return toPull(data as GitHubPull);
  }

  async closePullRequest(number: number): Promise<void> {
    await this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, state: 'closed' });
  }

  async mergePullRequest(
    number: number,
    options: { method: MergeMethod; expectedHeadSha: string; title?: string },
  ): Promise<{ sha: string }> {
    const { data } = await this.octokit.rest.pulls.merge({
      ...this.repo,
      pull_number: number,
      merge_method: options.method,
      sha: options.expectedHeadSha,
      ...(options.title ? { commit_title: options.title } : {}),
    });
    return { sha: data.sha };
  }

  /** Whether `login` may write to the repository (admin, maintain or write). */
  canWrite(login: string): Promise<boolean> {
    let known = this.writers.get(login);
    if (!known) {
      known = this.octokit.rest.repos
        .getCollaboratorPermissionLevel({ ...this.repo, username: login })
        .then(({ data }) => WRITE_ROLES.has(data.role_name ?? '') || WRITE_ROLES.has(data.permission))
        .catch((error: { status?: number }) => {
          if (error.status === 404) return false;
          this.writers.delete(login);
          throw error;
        });
      this.writers.set(login, known);
    }
    return known;
  }

  async listReviews(number: number): Promise<Review[]> {
    const reviews = await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
      ...this.repo,
      pull_number: number,
      per_page: 100,
    });
    const result: Review[] = [];
    for (const review of reviews) {
      const user = review.user?.login;
      if (!user) continue;
      const state = review.state.toLowerCase();
      if (!['approved', 'changes_requested', 'commented', 'dismissed'].includes(state)) continue;
      result.push({
        user,
        state: state as Review['state'],
        commit: review.commit_id ?? '',
        canWrite: await this.canWrite(user),
      });
    }
    return result;
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.octokit.rest.issues.addLabels({ ...this.repo, issue_number: number, labels: [...labels] });
  }

  async removeLabel(number: number, label: string): Promise<void> {
    await this.octokit.rest.issues.removeLabel({ ...this.repo, issue_number: number, name: label });
  }

  async createComment(number: number, body: string): Promise<Comment> {
    const { data } = await this.octokit.rest.issues.createComment({
      ...this.repo,
      issue_number: number,
      body,
    });
    return { id: data.id, body: data.body ?? '', user: data.user?.login ?? '' };
  }

  async updateComment(id: number, body: string): Promise<Comment> {
    const { data } = await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: id, body });
    return { id: data.id, body: data.body ?? '', user: data.user?.login ?? '' };
  }

  async listComments(number: number): Promise<Comment[]> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
      ...this.repo,
      issue_number: number,
      per_page: 100,
    });
    return comments.map((c) => ({ id: c.id, body: c.body ?? '', user: c.user?.login ?? '' }));
  }

  async react(commentId: number, content: ReactionContent): Promise<void> {
    await this.octokit.rest.reactions.createForIssueComment({
      ...this.repo,
      comment_id: commentId,
      content,
    });
  }

  /** The check run of this name on `headSha`, newest first, so a re-run edits it in place. */
  async findCheckRun(name: string, headSha: string): Promise<CheckRun | undefined> {
    const { data } = await this.octokit.rest.checks.listForRef({
      ...this.repo,
      ref: headSha,
      check_name: name,
      filter: 'latest',
      per_page: 1,
    });
    const run = data.check_runs[0];
    if (!run) return undefined;
    return {
      id: run.id,
      name: run.name,
      headSha: run.head_sha,
      status: run.status as CheckRun['status'],
      ...(run.conclusion ? { conclusion: run.conclusion as NonNullable<CheckRun['conclusion']> } : {}),
      title: run.output.title ?? '',
      summary: run.output.summary ?? '',
      annotationsCount: run.output.annotations_count,
    };
  }

  /** The annotations a check run shows (GitHub keeps every one sent, across updates). */
  async listCheckRunAnnotations(id: number): Promise<Annotation[]> {
    const annotations = await this.octokit.paginate(this.octokit.rest.checks.listAnnotations, {
      ...this.repo,
      check_run_id: id,
      per_page: 100,
    });
    return annotations.map((a) => ({
      path: a.path,
      startLine: a.start_line,
      endLine: a.end_line,
      level: a.annotation_level as Annotation['level'],
      message: a.message ?? '',
      ...(a.title ? { title: a.title } : {}),
    }));
  }

  private output(fields: Partial<CheckRunFields>, annotations: ColumnAnnotation[]) {
    if (fields.title === undefined || fields.summary === undefined) return undefined;
    return {
      title: fields.title,
      summary: fields.summary,
      ...(fields.text !== undefined ? { text: fields.text } : {}),
      ...(annotations.length ? { annotations: annotations.map(toAnnotation) } : {}),
    };
  }

  private batches(fields: Partial<CheckRunFields>): ColumnAnnotation[][] {
    const all = (fields.annotations ?? []) as ColumnAnnotation[];
    const batches: ColumnAnnotation[][] = [];
    for (let i = 0; i < all.length; i += ANNOTATIONS_PER_REQUEST)
      batches.push(all.slice(i, i + ANNOTATIONS_PER_REQUEST));
    return batches.length ? batches : [[]];
  }

  async createCheckRun(name: string, headSha: string, fields: CheckRunFields): Promise<CheckRun> {
    const [first, ...rest] = this.batches(fields);
    const output = this.output(fields, first!);
    const { data } = await this.octokit.rest.checks.create({
      ...this.repo,
      name,
      head_sha: headSha,
      status: fields.status,
      ...(fields.conclusion ? { conclusion: fields.conclusion } : {}),
      ...(fields.externalId !== undefined ? { external_id: fields.externalId } : {}),
      ...(output ? { output } : {}),
    });
    for (const batch of rest) await this.sendAnnotations(data.id, fields, batch);
    return { id: data.id, name, headSha, ...fields };
  }

  async updateCheckRun(id: number, fields: Partial<CheckRunFields>): Promise<CheckRun> {
    const [first, ...rest] = this.batches(fields);
    const output = this.output(fields, first!);
    const { data } = await this.octokit.rest.checks.update({
      ...this.repo,
      check_run_id: id,
      ...(fields.status ? { status: fields.status } : {}),
      ...(fields.conclusion ? { conclusion: fields.conclusion } : {}),
      ...(fields.externalId !== undefined ? { external_id: fields.externalId } : {}),
      ...(output ? { output } : {}),
    });
    for (const batch of rest) await this.sendAnnotations(id, fields, batch);
    return {
      id,
      name: data.name,
      headSha: data.head_sha,
      status: data.status as CheckRun['status'],
      title: fields.title ?? data.output.title ?? '',
      summary: fields.summary ?? data.output.summary ?? '',
      ...(fields.conclusion ? { conclusion: fields.conclusion } : {}),
    };
  }

  private async sendAnnotations(id: number, fields: Partial<CheckRunFields>, batch: ColumnAnnotation[]) {
    const output = this.output(fields, batch);
    if (!output) throw new Error('annotations beyond the first 50 need the title and summary to resend');
    await this.octokit.rest.checks.update({ ...this.repo, check_run_id: id, output });
  }

  async findIssue(title: string): Promise<Issue | undefined> {
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
      ...this.repo,
      state: 'open',
      per_page: 100,
    });
    const found = issues.find((i) => !i.pull_request && i.title === title);
    return found && toIssue(found);
  }

  async createIssue(issue: { title: string; body: string; labels?: string[] }): Promise<Issue> {
    const { data } = await this.octokit.rest.issues.create({ ...this.repo, ...issue });
    return toIssue(data);
  }

  async updateIssue(
    number: number,
    fields: Partial<Pick<Issue, 'title' | 'body' | 'state'>>,
  ): Promise<Issue> {
    const { data } = await this.octokit.rest.issues.update({ ...this.repo, issue_number: number, ...fields });
    return toIssue(data);
  }

  async createDeployment(deployment: Omit<Deployment, 'id'>): Promise<Deployment> {
    const { data } = await this.octokit.rest.repos.createDeployment({
      ...this.repo,
      ref: deployment.ref,
      environment: deployment.environment,
      description: deployment.description,
      auto_merge: false,
      required_contexts: [],
    });
    if (!('id' in data)) throw new Error(`GitHub refused the deployment: ${data.message ?? 'no reason'}`);
    return { id: data.id, ...deployment };
  }

  async setDeploymentStatus(id: number, status: DeploymentStatus): Promise<void> {
    await this.octokit.rest.repos.createDeploymentStatus({
      ...this.repo,
      deployment_id: id,
      state: status.state,
      ...(status.description ? { description: status.description } : {}),
      ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
      ...(status.logUrl ? { log_url: status.logUrl } : {}),
    });
  }

  async setCommitStatus(sha: string, status: CommitStatus): Promise<void> {
    await this.octokit.rest.repos.createCommitStatus({
      ...this.repo,
      sha,
      state: status.state,
      context: status.context,
      description: status.description,
      ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    });
  }
}

function toIssue(data: {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  labels: Array<{ name?: string } | string>;
}): Issue {
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? '',
    state: data.state === 'closed' ? 'closed' : 'open',
    labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
  };
}
