/**
 * The GitHub double: GitHub's REST contract on 127.0.0.1, over real bare git repositories, with
 * signed webhooks, app auth and faults on demand. A test helper only; the product never imports it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Auth } from './auth.js';
import { Counters } from './counters.js';
import { Faults } from './faults.js';
import { Operations } from './operations.js';
import { Person } from './person.js';
import { RestContract } from './rest-contract.js';
import { Router } from './router.js';
import { actionRoutes } from './routes/actions.js';
import { appRoutes } from './routes/apps.js';
import { checkRoutes } from './routes/checks.js';
import { deploymentRoutes } from './routes/deployments.js';
import { gitRoutes } from './routes/git.js';
import { issueRoutes } from './routes/issues.js';
import { pullRoutes } from './routes/pulls.js';
import { repoRoutes } from './routes/repos.js';
import { statusRoutes } from './routes/statuses.js';
import { API_PREFIX, DoubleServer, type Problem } from './server.js';
import {
  type App,
  type Installation,
  now,
  type PermissionSet,
  type Repo,
  type Role,
  State,
  type User,
  type WorkflowRun,
} from './state.js';
import { WebhookContract } from './webhook-contract.js';
import { Webhooks } from './webhooks.js';

export interface GitHubDoubleOptions {
  /** The repository the app is installed on: "owner/name" (default octo-org/demo). */
  repository?: string;
  defaultBranch?: string;
  /** Files of the first commit on the default branch (none: an empty repository). */
  files?: Record<string, string>;
  app?: {
    id?: number;
    slug?: string;
    /** app.yml's default_permissions (see permissionsFromAppYml). */
    permissions?: PermissionSet;
    events?: string[];
    /** PEM; generated when absent. */
    privateKey?: string;
  };
  /** Where webhooks go; can also be set later with `double.webhooks.target = { url, secret }`. */
  webhook?: { url: string; secret: string };
}

const DEFAULT_PERMISSIONS: PermissionSet = {
  metadata: 'read',
  contents: 'write',
  pull_requests: 'write',
  issues: 'write',
  checks: 'write',
};

export class GitHubDouble {
  readonly problems: Problem[] = [];
  readonly counters = new Counters();
  readonly faults = new Faults();
  /** Shared by every double in the process: an endpoint's validators are compiled once. */
  readonly contract = RestContract.shared();
  readonly webhooks: Webhooks;
  readonly state = new State();
  readonly app: App;
  readonly auth: Auth;
  readonly ops: Operations;
  /** The repository under test; `installation` covers it. */
  repo!: Repo;
  installation!: Installation;
  private readonly server: DoubleServer;
  private keys: { privateKey: string; publicKey: string } | undefined;

  private constructor(readonly options: GitHubDoubleOptions) {
    const appOptions = options.app ?? {};
    const slug = appOptions.slug ?? 'assembly-line-test';
    this.app = {
      id: appOptions.id ?? 4242,
      slug,
      name: slug,
      owner: this.state.user('octo-org', 'Organization'),
      permissions: { metadata: 'read', ...(appOptions.permissions ?? DEFAULT_PERMISSIONS) },
      events: appOptions.events ?? [
        'push',
        'pull_request',
        'pull_request_review',
        'issue_comment',
        'check_run',
      ],
      bot: this.state.user(`${slug}[bot]`, 'Bot'),
    };
    if (appOptions.privateKey)
      this.keys = { privateKey: appOptions.privateKey, publicKey: appOptions.privateKey };
    const webhookContract = WebhookContract.shared();
    this.webhooks = new Webhooks(
      webhookContract,
      (message) => this.problems.push({ kind: 'invalid-payload', endpoint: 'webhook', message }),
      this.state.nextId(),
    );
    if (options.webhook) this.webhooks.target = options.webhook;
    this.auth = new Auth(this.state, this.app, () => this.appKeys().publicKey);
    const urls = { api: '', html: '' };
    this.ops = new Operations(this.state, urls, this.app, this.webhooks);
    const services = { state: this.state, ops: this.ops, urls, app: this.app, auth: this.auth };
    const router = new Router([
      ...repoRoutes(services),
      ...gitRoutes(services),
      ...pullRoutes(services),
      ...issueRoutes(services),
      ...checkRoutes(services),
      ...deploymentRoutes(services),
      ...statusRoutes(services),
      ...actionRoutes(services),
      ...appRoutes(services),
    ]);
    this.server = new DoubleServer({
      state: this.state,
      router,
      contract: this.contract,
      auth: this.auth,
      faults: this.faults,
      counters: this.counters,
      webhooks: this.webhooks,
      problems: this.problems,
    });
    this.urlsRef = urls;
  }

  private readonly urlsRef: { api: string; html: string };

  static async start(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
    const double = new GitHubDouble(options);
    await double.server.start();
    double.urlsRef.html = `http://127.0.0.1:${double.server.port}`;
    double.urlsRef.api = `${double.urlsRef.html}${API_PREFIX}`;
    const [ownerLogin, name] = (options.repository ?? 'octo-org/demo').split('/') as [string, string];
    const owner = double.state.user(ownerLogin, ownerLogin === 'octo-org' ? 'Organization' : 'User');
    // The set-up is history, not news: tests see only events that happen after start().
    double.webhooks.muted = true;
    double.repo = await double.ops.createRepo(
      owner,
      name,
      options.defaultBranch ? { defaultBranch: options.defaultBranch } : {},
    );
    if (options.files && Object.keys(options.files).length > 0)
      await double.ops.commitFiles(
        double.repo,
        double.repo.defaultBranch,
        options.files,
        'Initial commit',
        owner,
      );
    double.installation = double.ops.install(owner, [double.repo], owner);
    double.webhooks.muted = false;
    return double;
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return this.urlsRef.html;
  }

  /** http://127.0.0.1:PORT/api/v3: the Action's GITHUB_API_URL, an Octokit baseUrl. */
  get apiUrl(): string {
    return this.urlsRef.api;
  }

  /** The bare repository of the repository under test: `git clone` it to see real commits. */
  get gitDir(): string {
    return this.repo.store.path;
  }

  /** The app's RSA key pair (PKCS#1 PEM as GitHub hands it out), made on first use. */
  appKeys(): { privateKey: string; publicKey: string } {
    this.keys ??= generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    return this.keys;
  }

  /** Probot's environment for this double (GHE_HOST + GHE_PROTOCOL give <protocol>://<host>/api/v3). */
  probotEnv(webhookSecret = 'test-webhook-secret'): Record<string, string> {
    return {
      APP_ID: String(this.app.id),
      PRIVATE_KEY: this.appKeys().privateKey,
      WEBHOOK_SECRET: webhookSecret,
      GHE_HOST: new URL(this.url).host,
      GHE_PROTOCOL: 'http',
    };
  }

  /** The GitHub Actions environment a step sees, with a GITHUB_TOKEN holding `permissions`. */
  actionsEnv(permissions: PermissionSet): Record<string, string> {
    return {
      GITHUB_API_URL: this.apiUrl,
      GITHUB_SERVER_URL: this.url,
      GITHUB_REPOSITORY: this.repo.fullName,
      GITHUB_TOKEN: this.actionsToken(permissions),
    };
  }

  /** An installation token of the app; `permissions` may narrow it, as the access_tokens endpoint allows. */
  installationToken(permissions?: PermissionSet): string {
    return this.auth.installationToken(this.installation, permissions ? { permissions } : undefined).token;
  }

  /** A GITHUB_TOKEN-style token: exactly `permissions` (plus metadata: read) on the repository under test. */
  actionsToken(permissions: PermissionSet): string {
    return this.auth.actionsToken(this.repo, permissions);
  }

  /** A person; `role` makes them a collaborator (write, admin) or not (read, none). */
  person(login: string, role: Role = 'write'): Person {
    const user = this.state.user(login);
    if (role !== 'read') this.repo.collaborators.set(login, role);
    return new Person(user, this.repo, this.state, this.ops, () => this.auth.userToken(user));
  }

  /**
   * Installs the app on more repositories of the owner, with the installation_repositories webhook.
   * `files` are the repository's first commit, made before the app is installed (so no push webhook).
   */
  async addRepository(name: string, files?: Record<string, string>): Promise<Repo> {
    const repo = await this.createRepoWith(this.repo.owner, name, files);
    this.ops.addToInstallation(this.installation, [repo], this.repo.owner);
    return repo;
  }

  /** A new installation on another account's repository (with `files`), with the installation webhook. */
  async installOn(fullName: string, files?: Record<string, string>): Promise<Installation> {
    const [login, name] = fullName.split('/') as [string, string];
    const owner = this.state.user(login);
    const repo = await this.createRepoWith(owner, name, files);
    return this.ops.install(owner, [repo], owner);
  }

  /**
   * Records a run of a GitHub Actions workflow on `repo` (default: the repository under test), as GitHub
   * would when a push starts one. The double runs nothing: a test drives the run's status with
   * `updateWorkflowRun`. Defaults: the `assembly-line` workflow, a push to the default branch's head,
   * titled by the head commit's first line, in progress.
   */
  async recordWorkflowRun(
    fields: Partial<
      Pick<WorkflowRun, 'name' | 'path' | 'event' | 'headBranch' | 'headSha' | 'displayTitle'>
    > & {
      status?: WorkflowRun['status'];
      conclusion?: WorkflowRun['conclusion'];
      actor?: string;
      repo?: Repo;
    } = {},
  ): Promise<WorkflowRun> {
    const repo = fields.repo ?? this.repo;
    const headBranch = fields.headBranch ?? repo.defaultBranch;
    const headSha = fields.headSha ?? (await repo.store.resolveCommitish(headBranch));
    if (!headSha) throw new Error(`${repo.fullName} has no branch ${headBranch} to run a workflow on`);
    const commit = await repo.store.readCommit(headSha);
    const path = fields.path ?? '.github/workflows/assembly-line.yml';
    const sameWorkflow = repo.workflowRuns.filter((r) => r.path === path);
    const at = now();
    const run: WorkflowRun = {
      id: this.state.nextId(),
      name: fields.name ?? 'assembly-line',
      path,
      workflowId: sameWorkflow[0]?.workflowId ?? this.state.nextId(),
      runNumber: sameWorkflow.length + 1,
      runAttempt: 1,
      event: fields.event ?? 'push',
      headBranch,
      headSha,
      displayTitle: fields.displayTitle ?? commit.message.split('\n')[0]!,
      status: fields.status ?? (fields.conclusion ? 'completed' : 'in_progress'),
      conclusion: fields.conclusion ?? null,
      actor: this.state.user(fields.actor ?? repo.owner.login),
      createdAt: at,
      updatedAt: at,
      runStartedAt: at,
    };
    repo.workflowRuns.push(run);
    return run;
  }

  /** Moves a recorded workflow run on: a conclusion completes it. */
  updateWorkflowRun(
    run: WorkflowRun,
    fields: { status?: WorkflowRun['status']; conclusion?: WorkflowRun['conclusion'] },
  ): WorkflowRun {
    if (fields.conclusion) {
      run.conclusion = fields.conclusion;
      run.status = 'completed';
    } else if (fields.status) run.status = fields.status;
    run.updatedAt = now();
    return run;
  }

  private async createRepoWith(owner: User, name: string, files?: Record<string, string>): Promise<Repo> {
    const repo = await this.ops.createRepo(owner, name);
    if (files && Object.keys(files).length > 0)
      await this.ops.commitFiles(repo, repo.defaultBranch, files, 'Initial commit', owner);
    return repo;
  }

  pulls() {
    return [...this.repo.issues.values()].filter((i) => i.pull);
  }

  /** Endpoints called that the double lacks: a test must not pass on a 404 it did not expect. */
  assertNoUnhandled(): void {
    const unhandled = this.problems.filter((p) => p.kind === 'unhandled');
    if (unhandled.length > 0)
      throw new Error(
        `the code under test called endpoints the GitHub double does not implement:\n${unhandled.map((p) => `  ${p.endpoint}`).join('\n')}`,
      );
  }

  /** Every problem at once: unhandled endpoints, refused requests not taken, invalid responses or payloads, crashes. */
  assertClean(): void {
    if (this.problems.length > 0)
      throw new Error(
        `the GitHub double saw problems:\n${this.problems.map((p) => `  [${p.kind}] ${p.endpoint}: ${p.message}`).join('\n')}`,
      );
  }

  /** The requests refused for breaking GitHub's schema, removed from `problems` (a test that expects them). */
  takeRefusals(): Problem[] {
    const refused = this.problems.filter((p) => p.kind === 'refused');
    for (const p of refused) this.problems.splice(this.problems.indexOf(p), 1);
    return refused;
  }

  async stop(): Promise<void> {
    await this.webhooks.settled();
    await this.server.stop();
    for (const repo of this.state.repos.values()) repo.store.remove();
  }
}

export const startGitHubDouble = (options?: GitHubDoubleOptions) => GitHubDouble.start(options);
