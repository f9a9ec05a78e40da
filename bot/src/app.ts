import { join } from 'node:path';
import type { ApplicationFunction, Probot } from 'probot';
import { DEFAULT_ANTHROPIC_MODEL, fileLedger, type LlmProvider, planRepository } from './core.js';
import { GitHubForge } from './github/forge.js';
import { type PacerOptions, pacedRequestHook, WritePacer } from './github/pacer.js';
import { BlobCache, GitHubWorkspace, type Octokit } from './github/workspace.js';
import { helpReply, parseCommand, refusal } from './line/commands.js';
import { generateJobFor, lineFingerprint, readAndPlan, reconcileRepository } from './line/reconcile.js';
import { CHECK_NAME } from './line/render.js';
import { type RepoKey, repoName, Scheduler } from './line/scheduler.js';
import {
  intentNameOfBranch,
  type Log,
  mergeIfReady,
  type RepoContext,
  reverifySpecPullRequest,
} from './line/spec-pr.js';
import { planSummary, VALIDATION_CHECK, validatePullRequest } from './line/validation.js';
import { LineViews, type ServedRepository } from './windows/derive.js';
import { readRepositoryFacts } from './windows/facts.js';
import { DashboardIssues } from './windows/issue-refresh.js';
import { submitIntent } from './windows/submit.js';
import { type SubmitAnswer, submitAnswer } from './windows/submit-answer.js';

export interface BotOptions {
  provider: LlmProvider;
  pacing: PacerOptions;
  /** How often every installation's repositories are reconciled; 0 turns the timer off. */
  reconcileIntervalMs: number;
  /** SPEC generations at once, across repositories. */
  maxConcurrent: number;
  /** The model `plan` estimates for. */
  model?: string;
  /**
   * Reconcile every installation at start-up (default true). A workflow step handles one event with a
   * job's token, which may not list the app's installations: it turns this off.
   */
  reconcileAtStart?: boolean;
  /** Root of the ledgers of the SPEC runs (`<dir>/<owner>/<repo>`); none: runs are not recorded. */
  ledgerDir?: string;
  /** How long a derived LineView is served before GitHub is read again (default 5 s). */
  viewTtlMs?: number;
  /**
   * Keep each repository's "Assembly Line Dashboard" issue up to date after its reconciles and SPEC
   * runs (default true).
   */
  dashboardIssue?: boolean;
}

/** What the app exposes beyond Probot's handlers: its queue, and start-up/stop hooks. */
export interface BotHandle {
  scheduler: Scheduler;
  /** Resolves when the start-up reconcile has been queued for every installation. */
  started: Promise<void>;
  reconcileAll(): Promise<void>;
  stop(): void;
  pacers: Map<number, WritePacer>;
  /** Every repository of every installation the app serves. */
  repositories(): Promise<RepoKey[]>;
  /** The derived picture of the line, for the HTTP windows and the dashboard issue. */
  views: LineViews;
  /** `POST /intents/submit`'s work: judge, commit, open the PR; validation and an auto merge follow in the lane. */
  submit(body: Record<string, unknown>): Promise<SubmitAnswer>;
}

// Webhook payloads are read field by field, each use checking what it needs.
// biome-ignore lint/suspicious/noExplicitAny: the payloads of seven events, narrowed where used
type Payload = Record<string, any>;

const SEEN_LIMIT = 10_000;

/** A delivery that lacks what a handler reads: answered 400 with this one line, never a stack trace. */
class MalformedPayload extends Error {
  override readonly name = 'MalformedPayload';
  readonly status = 400;
}

/** What a handler reads of Probot's context. */
interface Delivery {
  id: string;
  name: string;
  payload: Payload;
}

/** Remembers the last deliveries by X-GitHub-Delivery, so a redelivery does nothing. */
class DeliveryLog {
  private readonly seen = new Set<string>();
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}

function touchesIntents(payload: Payload): boolean {
  const commits: Payload[] = payload.commits ?? [];
  // GitHub lists at most 20 commits in a push: beyond that the list says nothing.
  if (commits.length === 0 || commits.length >= 20) return true;
  return commits.some((c) =>
    [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some(
      (path: string) => path.startsWith('intents/') || path.startsWith('specs/'),
    ),
  );
}

/**
 * The Probot app: thin handlers that check who sent what, then queue work and answer at once. The work
 * itself reconciles GitHub with the repository's intents (see line/).
 */
export function createBot(options: BotOptions): { appFn: ApplicationFunction; handle: Promise<BotHandle> } {
  let resolveHandle!: (handle: BotHandle) => void;
  const handle = new Promise<BotHandle>((resolve) => {
    resolveHandle = resolve;
  });
  const appFn: ApplicationFunction = (app: Probot) => {
    const log: Log = {
      info: (m) => app.log.info(m),
      warn: (m) => app.log.warn(m),
      error: (m) => app.log.error(m),
    };
    const blobs = new BlobCache();
    const pacers = new Map<number, WritePacer>();
    const clients = new Map<number, Promise<Octokit>>();
    const contexts = new Map<string, RepoContext>();
    const deliveries = new DeliveryLog();
    const model = options.model ?? DEFAULT_ANTHROPIC_MODEL;

    const clientFor = (installationId: number): Promise<Octokit> => {
      let client = clients.get(installationId);
      if (!client) {
        client = app.auth(installationId).then((octokit) => {
          const pacer = new WritePacer({
            ...options.pacing,
            onWait: (reason, ms) => log.warn(`installation ${installationId}: waiting ${ms} ms (${reason})`),
          });
          pacers.set(installationId, pacer);
          octokit.hook.wrap('request', pacedRequestHook(pacer) as never);
          return octokit as Octokit;
        });
        client.catch(() => clients.delete(installationId));
        clients.set(installationId, client);
      }
      return client;
    };

    const contextFor = async (repo: RepoKey): Promise<RepoContext> => {
      const key = repoName(repo);
      let ctx = contexts.get(key);
      if (!ctx) {
        const octokit = await clientFor(repo.installationId);
        const ref = { owner: repo.owner, repo: repo.repo };
        ctx = {
          workspace: new GitHubWorkspace(octokit, ref, blobs, repo.defaultBranch),
          forge: new GitHubForge(octokit, ref),
          provider: options.provider,
          log,
          ...(options.ledgerDir
            ? { ledger: fileLedger(join(options.ledgerDir, repo.owner, repo.repo)) }
            : {}),
        };
        contexts.set(key, ctx);
      }
      return ctx;
    };

    const scheduler: Scheduler = new Scheduler(
      contextFor,
      log,
      options.maxConcurrent,
      (repo, head, pushesOnly) => async (ctx) => {
        let specRunsQueued = false;
        const state = await reconcileRepository(ctx, head, (job) => {
          specRunsQueued = true;
          scheduler.generate(repo, job);
        });
        dashboards?.afterReconcile(repo, {
          pushed: pushesOnly,
          fingerprint: lineFingerprint(state),
          specRunsQueued,
        });
        return state;
      },
    );

    const repoOf = (payload: Payload): RepoKey | undefined => {
      const installationId = payload.installation?.id;
      const repository = payload.repository;
      if (!installationId || !repository) return undefined;
      return {
        installationId,
        owner: repository.owner.login,
        repo: repository.name,
        ...(repository.default_branch ? { defaultBranch: repository.default_branch } : {}),
      };
    };

    /**
     * Handlers read the payload and queue work; one that throws met a payload GitHub would not send.
     * The sender hears 400 and what was missing, the log a warning, and the server goes on.
     */
    const guard =
      (handler: (context: Delivery) => void) =>
      (context: { id: string; name: string; payload: unknown }): void => {
        try {
          handler(context as Delivery);
        } catch (error) {
          const message = `${context.name} delivery ${context.id}: malformed payload (${(error as Error).message})`;
          log.warn(message);
          throw new MalformedPayload(message);
        }
      };

    /** Every handler's gate: a delivery seen before, or sent by a bot (this one included), does nothing. */
    const accept = (context: { id: string; payload: Payload }): boolean => {
      if (!deliveries.firstTime(context.id)) return false;
      return context.payload.sender?.type !== 'Bot';
    };

    app.on(
      'push',
      guard((context) => {
        const payload = context.payload as Payload;
        if (!accept(context) || payload.deleted) return;
        const repo = repoOf(payload);
        if (!repo) return;
        const branch = String(payload.ref).replace(/^refs\/heads\//, '');
        if (branch === payload.repository.default_branch) {
          if (touchesIntents(payload)) scheduler.reconcile(repo, payload.after);
          return;
        }
        const name = intentNameOfBranch(branch);
        if (!name) return;
        // A person pushed to a SPEC branch: theirs from now on; score it again, write nothing to it.
        scheduler.lane(repo, `re-verify ${branch}`, async (ctx) => {
          const state = await readAndPlan(ctx);
          const pr = state.pullRequests.find((p) => p.head === branch);
          const intent = state.intents.find((d) => d.name === name)?.intent;
          if (pr && intent) await reverifySpecPullRequest(ctx, intent, pr);
        });
      }),
    );

    app.on(
      ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'],
      guard((context) => {
        const payload = context.payload as Payload;
        if (!accept(context)) return;
        const repo = repoOf(payload);
        const pr = payload.pull_request;
        if (!repo || !pr) return;
        const fromFork = pr.head.repo?.full_name !== payload.repository.full_name;
        if (!fromFork && intentNameOfBranch(pr.head.ref)) return;
        if (pr.base.ref !== payload.repository.default_branch) return;
        scheduler.lane(repo, `validate #${pr.number}`, (ctx) =>
          validatePullRequest(ctx, { number: pr.number, headSha: pr.head.sha }, model),
        );
      }),
    );

    app.on(
      ['pull_request_review.submitted', 'pull_request_review.dismissed'],
      guard((context) => {
        const payload = context.payload as Payload;
        if (!accept(context)) return;
        const repo = repoOf(payload);
        const pr = payload.pull_request;
        const name = pr && intentNameOfBranch(pr.head.ref);
        if (!repo || !name || pr.head.repo?.full_name !== payload.repository.full_name) return;
        scheduler.lane(repo, `review on #${pr.number}`, async (ctx) => {
          const state = await readAndPlan(ctx);
          const open = state.pullRequests.find((p) => p.number === pr.number);
          const intent = state.intents.find((d) => d.name === name)?.intent;
          if (!open || !intent) return;
          const gate = await ctx.forge.findCheckRun(CHECK_NAME, open.headSha);
          const outcome = await mergeIfReady(ctx, open, intent, gate?.conclusion === 'success', {
            noReviewsYet: false,
          });
          ctx.log.info(`#${pr.number} after a review: ${outcome}`);
        });
      }),
    );

    app.on(
      'issue_comment.created',
      guard((context) => {
        const payload = context.payload as Payload;
        if (!accept(context)) return;
        const repo = repoOf(payload);
        const issue = payload.issue;
        if (!repo || !issue?.pull_request) return;
        const command = parseCommand(String(payload.comment?.body ?? ''));
        if (command.kind === 'none') return;
        const login: string = payload.sender.login;
        const commentId: number = payload.comment.id;
        scheduler.lane(repo, `command on #${issue.number}`, async (ctx) => {
          if (!(await ctx.forge.canWrite(login))) {
            await ctx.forge.createComment(issue.number, refusal(login));
            return;
          }
          await ctx.forge.react(commentId, command.kind === 'command' ? '+1' : 'confused');
          if (command.kind === 'unknown') {
            await ctx.forge.createComment(issue.number, helpReply(command.word));
            return;
          }
          if (command.name === 'plan') {
            const plan = await planRepository({
              workspace: ctx.workspace,
              forge: ctx.forge,
              ref: await ctx.workspace.defaultBranch(),
              model,
            });
            await ctx.forge.createComment(issue.number, planSummary(plan));
            return;
          }
          const pr = await ctx.forge.getPullRequest(issue.number);
          const name = intentNameOfBranch(pr.head);
          const state = await readAndPlan(ctx);
          const job = name && pr.state === 'open' ? generateJobFor(state, name) : undefined;
          if (!job) {
            await ctx.forge.createComment(
              issue.number,
              helpReply(`${command.name} (not on an open SPEC pull request)`),
            );
            return;
          }
          scheduler.generate(repo, {
            ...job,
            pullRequest: pr,
            ...(command.name === 'regenerate' ? { force: true } : {}),
            ...(command.name === 'optimize' ? { optimize: true, force: true } : {}),
            ...(command.name === 'retry' ? { rerun: true } : {}),
          });
        });
      }),
    );

    app.on(
      'check_run.rerequested',
      guard((context) => {
        const payload = context.payload as Payload;
        if (!accept(context)) return;
        const repo = repoOf(payload);
        const run = payload.check_run;
        if (!repo) return;
        if (run?.name === VALIDATION_CHECK) {
          // The validation check names its pull request in external_id; GitHub's own list of pull
          // requests in the payload leaves forks out, and fork pull requests are what it is for.
          const number = Number(run.external_id) || Number(run.pull_requests?.[0]?.number);
          const headSha = String(run.head_sha);
          if (!Number.isSafeInteger(number) || number <= 0) {
            log.info(`re-run of ${VALIDATION_CHECK} on ${headSha}: it names no pull request`);
            return;
          }
          scheduler.lane(repo, `re-run ${VALIDATION_CHECK} #${number}`, async (ctx) => {
            const pr = await ctx.forge.getPullRequest(number);
            if (pr.state !== 'open') ctx.log.info(`re-run of ${VALIDATION_CHECK}: #${number} is ${pr.state}`);
            else await validatePullRequest(ctx, { number, headSha }, model);
          });
          return;
        }
        if (run?.name !== CHECK_NAME) return;
        // GitHub leaves head_branch null when the commit is not a branch's tip it knows of: then the
        // SPEC pull request is the open one whose head is the run's commit.
        const branch: string | null | undefined = run.check_suite?.head_branch;
        const headSha = String(run.head_sha);
        if (branch && !intentNameOfBranch(branch)) return;
        scheduler.lane(repo, `re-run ${CHECK_NAME}`, async (ctx) => {
          const state = await readAndPlan(ctx);
          const pr = state.pullRequests.find((p) => (branch ? p.head === branch : p.headSha === headSha));
          const name = pr && intentNameOfBranch(pr.head);
          const intent = state.intents.find((d) => d.name === name)?.intent;
          if (pr && intent) await reverifySpecPullRequest(ctx, intent, pr);
          else ctx.log.info(`re-run of ${CHECK_NAME} on ${headSha}: no open SPEC pull request has it`);
        });
      }),
    );

    app.on(
      ['installation.created', 'installation_repositories.added'],
      guard((context) => {
        const payload = context.payload as Payload;
        if (!accept(context)) return;
        const installationId: number = payload.installation.id;
        const repositories: Payload[] = payload.repositories ?? payload.repositories_added ?? [];
        const names = repositories.map((r) => /^([^/\s]+)\/([^/\s]+)$/.exec(String(r.full_name)));
        if (typeof installationId !== 'number' || names.some((m) => !m))
          throw new Error('an installation id and owner/name repositories are required');
        for (const [, owner, repo] of names as RegExpExecArray[])
          scheduler.reconcile({ installationId, owner: owner!, repo: repo! });
      }),
    );

    /** Every repository of every installation, as GitHub lists them now. */
    const repositories = async (): Promise<RepoKey[]> => {
      const appOctokit = await app.auth();
      const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, {
        per_page: 100,
      });
      const all: RepoKey[] = [];
      for (const installation of installations) {
        const octokit = await clientFor(installation.id);
        const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, {
          per_page: 100,
        });
        for (const r of repos)
          all.push({
            installationId: installation.id,
            owner: r.owner.login,
            repo: r.name,
            defaultBranch: r.default_branch,
          });
      }
      return all;
    };

    /** Restart safety: the queue is rebuilt from GitHub, for every repository of every installation. */
    const reconcileAll = async () => {
      for (const repo of await repositories()) scheduler.reconcile(repo);
    };

    /** A repository as the views read it: its facts from GitHub, its runs from the ledger. */
    const served = (repo: RepoKey): ServedRepository => ({
      fullName: repoName(repo),
      ...(options.ledgerDir ? { ledgerDir: join(options.ledgerDir, repo.owner, repo.repo) } : {}),
      facts: async () => {
        const ctx = await contextFor(repo);
        return readRepositoryFacts(await clientFor(repo.installationId), ctx.workspace, {
          owner: repo.owner,
          repo: repo.repo,
        });
      },
    });

    const views = new LineViews(
      {
        repositories: async () => (await repositories()).map(served),
        queue: () => scheduler.snapshot(),
      },
      options.viewTtlMs,
    );

    // Read fresh for the repository at hand: it needs no list of installations, so it works in a
    // workflow step too, and it sees the writes the lane just made.
    const dashboards =
      options.dashboardIssue === false
        ? undefined
        : new DashboardIssues(scheduler, (repo) => views.fresh([served(repo)]));
    if (dashboards) scheduler.onSpecDone = (repo) => dashboards.request(repo);

    /**
     * After a submit wrote: the validation check on the intent PR (the bot's own PR raises no webhook
     * it acts on), then for approval_mode auto the merge, and the reconcile the merge's push would
     * have started.
     */
    const followSubmit = (
      repo: RepoKey,
      number: number,
      wrote: boolean,
      intent: { service_name: string; approval_mode: string },
    ) =>
      scheduler.lane(repo, `validate intent #${number}`, async (ctx) => {
        const pr = await ctx.forge.getPullRequest(number);
        if (pr.state !== 'open') return;
        const existing = await ctx.forge.findCheckRun(VALIDATION_CHECK, pr.headSha);
        const passed =
          wrote || !existing
            ? (await validatePullRequest(ctx, { number, headSha: pr.headSha }, model)) === 'passed'
            : existing.conclusion === 'success';
        if (!passed || intent.approval_mode !== 'auto') return;
        await ctx.forge.mergePullRequest(number, {
          method: 'squash',
          expectedHeadSha: pr.headSha,
          title: `intent: ${intent.service_name} (#${number})`,
        });
        ctx.log.info(`merged #${number} (intent ${intent.service_name}, approval auto)`);
        views.invalidate();
        scheduler.reconcile(repo);
      });

    const submit = async (body: Record<string, unknown>) =>
      submitAnswer(await repositories(), body, async (repo, fields) => {
        const result = await submitIntent(await contextFor(repo), fields);
        if (result.ok) {
          views.invalidate();
          if (result.pullRequest?.state === 'open')
            void followSubmit(repo, result.pullRequest.number, result.wrote, result.intent);
        }
        return result;
      });

    const started =
      options.reconcileAtStart === false
        ? Promise.resolve()
        : reconcileAll().catch((error: Error) => log.error(`start-up reconcile failed: ${error.message}`));
    const timer =
      options.reconcileIntervalMs > 0
        ? setInterval(() => {
            reconcileAll().catch((error: Error) => log.error(`reconcile failed: ${error.message}`));
          }, options.reconcileIntervalMs)
        : undefined;
    timer?.unref();
    resolveHandle({
      scheduler,
      started: started.then(() => undefined),
      reconcileAll,
      stop: () => clearInterval(timer),
      pacers,
      repositories,
      views,
      submit,
    });
  };
  return { appFn, handle };
}
