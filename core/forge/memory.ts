import type {
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
} from '../ports/index.js';

/** One call made to the forge, in order: what `plan` would have done, what a test asserts on. */
export interface ForgeCall {
  method: keyof Forge;
  args: unknown[];
}

/** A forge refusal, shaped like the HTTP answers a real forge gives (404, 409, 422). */
export class ForgeError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 422,
  ) {
    super(message);
  }
}

/**
 * A forge in memory that records every call. It keeps the rules a caller can trip over on GitHub —
 * one open pull request per head, issues and pull requests share numbers, a merge needs the head the
 * caller saw — so code tested against it behaves the same against the real one.
 */
export class MemoryForge implements Forge {
  readonly description = 'memory';
  readonly calls: ForgeCall[] = [];
  readonly pullRequests: PullRequest[] = [];
  readonly issues: Issue[] = [];
  readonly checkRuns: CheckRun[] = [];
  readonly comments = new Map<number, Comment[]>();
  readonly reviews = new Map<number, Review[]>();
  readonly deployments: Array<Deployment & { statuses: DeploymentStatus[] }> = [];
  readonly commitStatuses: Array<CommitStatus & { sha: string }> = [];
  readonly labels = new Set<string>();
  private nextNumber = 1;
  private nextId = 1;

  constructor(
    private readonly options: {
      url?: string;
      user?: string;
      /** Where head branches live (e.g. a Workspace's resolveRef), so pull requests know their head commit. */
      resolveHead?: (branch: string) => Promise<string | undefined>;
    } = {},
  ) {}

  /** Like a real forge, a pull request's head commit is always the branch's current one. */
  private async refresh(prs: PullRequest[]): Promise<void> {
    if (!this.options.resolveHead) return;
    for (const pr of prs)
      if (pr.state === 'open') pr.headSha = (await this.options.resolveHead(pr.head)) ?? pr.headSha;
  }

  private record(method: keyof Forge, ...args: unknown[]): void {
    this.calls.push({ method, args: structuredClone(args) });
  }

  /** Calls that change something: what a run would have written. */
  writes(): ForgeCall[] {
    const reads = new Set<keyof Forge>([
      'findPullRequest',
      'listPullRequests',
      'listReviews',
      'listComments',
      'findIssue',
    ]);
    return this.calls.filter((call) => !reads.has(call.method));
  }

  /** A person's action, not a call of the code under test: a push moves a pull request's head. */
  pushed(head: string, sha: string): void {
    for (const pr of this.pullRequests) if (pr.head === head && pr.state === 'open') pr.headSha = sha;
  }

  /** A person's review, as the forge would list it. */
  addReview(number: number, review: Review): void {
    this.reviews.set(number, [...(this.reviews.get(number) ?? []), review]);
  }

  async findPullRequest(head: string, state: 'open' | 'all' = 'open') {
    this.record('findPullRequest', head, state);
    await this.refresh(this.pullRequests);
    const matches = this.pullRequests.filter(
      (pr) => pr.head === head && (state === 'all' || pr.state === 'open'),
    );
    const found = matches.find((pr) => pr.state === 'open') ?? matches.at(-1);
    return found && copy(found);
  }

  async listPullRequests(headPrefix: string) {
    this.record('listPullRequests', headPrefix);
    await this.refresh(this.pullRequests);
    return this.pullRequests.filter((pr) => pr.state === 'open' && pr.head.startsWith(headPrefix)).map(copy);
  }

  async createPullRequest(request: NewPullRequest) {
    this.record('createPullRequest', request);
    if (this.pullRequests.some((pr) => pr.head === request.head && pr.state === 'open'))
      throw new ForgeError(`a pull request from ${request.head} is already open`, 422);
    const headSha = this.options.resolveHead ? await this.options.resolveHead(request.head) : '';
    if (headSha === undefined)
      throw new ForgeError(`no branch ${request.head} to open a pull request from`, 422);
    const number = this.nextNumber++;
    const pr: PullRequest = {
      number,
      title: request.title,
      body: request.body,
      head: request.head,
      headSha,
      base: request.base,
      state: 'open',
      labels: [...new Set(request.labels ?? [])],
      url: `${this.options.url ?? 'memory://forge'}/pull/${number}`,
    };
    for (const label of pr.labels) this.labels.add(label);
    this.pullRequests.push(pr);
    return copy(pr);
  }

  async updatePullRequest(number: number, fields: Partial<Pick<PullRequest, 'title' | 'body' | 'base'>>) {
    this.record('updatePullRequest', number, fields);
    const pr = this.pull(number);
    Object.assign(pr, definedOnly(fields));
    return copy(pr);
  }

  async closePullRequest(number: number) {
    this.record('closePullRequest', number);
    const pr = this.pull(number);
    if (pr.state === 'merged') throw new ForgeError(`pull request #${number} is already merged`, 422);
    pr.state = 'closed';
  }

  async mergePullRequest(
    number: number,
    options: { method: MergeMethod; expectedHeadSha: string; title?: string },
  ) {
    this.record('mergePullRequest', number, options);
    const pr = this.pull(number);
    await this.refresh([pr]);
    if (pr.state !== 'open') throw new ForgeError(`pull request #${number} is ${pr.state}`, 422);
    if (pr.headSha !== options.expectedHeadSha)
      throw new ForgeError(`pull request #${number}'s head moved to ${pr.headSha || 'nothing'}`, 409);
    pr.state = 'merged';
    return { sha: `merge-of-${pr.headSha}` };
  }

  async listReviews(number: number) {
    this.record('listReviews', number);
    this.pull(number);
    return (this.reviews.get(number) ?? []).map((review) => ({ ...review }));
  }

  async addLabels(number: number, labels: readonly string[]) {
    this.record('addLabels', number, labels);
    const target = this.labelled(number);
    for (const label of labels) {
      this.labels.add(label);
      if (!target.labels.includes(label)) target.labels.push(label);
    }
  }

  async removeLabel(number: number, label: string) {
    this.record('removeLabel', number, label);
    const target = this.labelled(number);
    if (!target.labels.includes(label)) throw new ForgeError(`#${number} has no label ${label}`, 404);
    target.labels = target.labels.filter((l) => l !== label);
  }

  async createComment(number: number, body: string) {
    this.record('createComment', number, body);
    this.labelled(number);
    const comment: Comment = { id: this.nextId++, body, user: this.options.user ?? 'assembly-line[bot]' };
    this.comments.set(number, [...(this.comments.get(number) ?? []), comment]);
    return { ...comment };
  }

  async updateComment(id: number, body: string) {
    this.record('updateComment', id, body);
    const comment = [...this.comments.values()].flat().find((c) => c.id === id);
    if (!comment) throw new ForgeError(`no comment ${id}`, 404);
    comment.body = body;
    return { ...comment };
  }

  async listComments(number: number) {
    this.record('listComments', number);
    this.labelled(number);
    return (this.comments.get(number) ?? []).map((c) => ({ ...c }));
  }

  async createCheckRun(name: string, headSha: string, fields: CheckRunFields) {
    this.record('createCheckRun', name, headSha, fields);
    const run: CheckRun = { id: this.nextId++, name, headSha, ...structuredClone(fields) };
    this.checkRuns.push(run);
    return structuredClone(run);
  }

  async updateCheckRun(id: number, fields: Partial<CheckRunFields>) {
    this.record('updateCheckRun', id, fields);
    const run = this.checkRuns.find((r) => r.id === id);
    if (!run) throw new ForgeError(`no check run ${id}`, 404);
    const { annotations, ...rest } = structuredClone(fields);
    Object.assign(run, definedOnly(rest));
    if (annotations) run.annotations = [...(run.annotations ?? []), ...annotations];
    return structuredClone(run);
  }

  async findIssue(title: string) {
    this.record('findIssue', title);
    const issue = this.issues.find((i) => i.title === title && i.state === 'open');
    return issue && { ...issue, labels: [...issue.labels] };
  }

  async createIssue(issue: { title: string; body: string; labels?: string[] }) {
    this.record('createIssue', issue);
    const created: Issue = {
      number: this.nextNumber++,
      title: issue.title,
      body: issue.body,
      state: 'open',
      labels: [...new Set(issue.labels ?? [])],
    };
    this.issues.push(created);
    return { ...created, labels: [...created.labels] };
  }

  async updateIssue(number: number, fields: Partial<Pick<Issue, 'title' | 'body' | 'state'>>) {
    this.record('updateIssue', number, fields);
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) throw new ForgeError(`no issue #${number}`, 404);
    Object.assign(issue, definedOnly(fields));
    return { ...issue, labels: [...issue.labels] };
  }

  async createDeployment(deployment: Omit<Deployment, 'id'>) {
    this.record('createDeployment', deployment);
    const created = { id: this.nextId++, ...deployment };
    this.deployments.push({ ...created, statuses: [] });
    return created;
  }

  async setDeploymentStatus(id: number, status: DeploymentStatus) {
    this.record('setDeploymentStatus', id, status);
    const deployment = this.deployments.find((d) => d.id === id);
    if (!deployment) throw new ForgeError(`no deployment ${id}`, 404);
    deployment.statuses.push({ ...status });
  }

  async setCommitStatus(sha: string, status: CommitStatus) {
    this.record('setCommitStatus', sha, status);
    this.commitStatuses.push({ sha, ...status });
  }

  private pull(number: number): PullRequest {
    const pr = this.pullRequests.find((p) => p.number === number);
    if (!pr) throw new ForgeError(`no pull request #${number}`, 404);
    return pr;
  }

  /** Issues and pull requests share one series of numbers, and both carry labels and comments. */
  private labelled(number: number): { labels: string[] } {
    const target: { labels: string[] } | undefined =
      this.pullRequests.find((p) => p.number === number) ?? this.issues.find((i) => i.number === number);
    if (!target) throw new ForgeError(`no issue or pull request #${number}`, 404);
    return target;
  }
}

function copy(pr: PullRequest): PullRequest {
  return { ...pr, labels: [...pr.labels] };
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
