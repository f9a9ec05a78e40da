import {
  type DesiredIntent,
  type Intent,
  intentHash,
  type LedgerSink,
  type LlmProvider,
  normalizeSpec,
  type PullRequest,
  parseMarker,
  RefConflict,
  recordingReporter,
  runSpecLine,
  SPEC_BRANCH_PREFIX,
  sha256,
  silentReporter,
  specBranch,
  verificationRecord,
  verifySpec,
} from '../core.js';
import type { GitHubForge } from '../github/forge.js';
import type { GitHubWorkspace } from '../github/workspace.js';
import { ensureCheckRun } from './check-run.js';
import { CHECK_NAME, gateCheck, pullRequestBody, type SpecReport } from './render.js';

export const LABEL = 'assembly-line';
export const NEEDS_HUMAN_REVIEW = 'needs-human-review';
const PRIORITY_LABEL = /^priority:/;

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** One repository as a job sees it. */
export interface RepoContext {
  workspace: GitHubWorkspace;
  forge: GitHubForge;
  provider: LlmProvider;
  log: Log;
  /** The bot's own login (`<slug>[bot]`), to tell its commits from a person's. */
  botLogin?: string;
  /** Where the SPEC line's runs are recorded (phases, model calls, scores): the dashboard reads it. */
  ledger?: LedgerSink;
}

export interface GenerateJob {
  desired: DesiredIntent & { intent: Intent; hash: string };
  /** The default branch's commit the SPEC is built on. */
  baseSha: string;
  baseBranch: string;
  /** The open pull request as the reconcile saw it; the compare-and-swap catches a later push. */
  pullRequest?: PullRequest;
  /** Write even over a person's SPEC (`/assembly-line regenerate`). */
  force?: boolean;
  /** Start from the SPEC at the pull request's head and optimize it (`/assembly-line optimize`). */
  optimize?: boolean;
  /**
   * Run the SPEC line again even though the intent is unchanged (`/assembly-line retry`, e.g. after a
   * gate that failed or a model that erred); a person's SPEC is still only re-verified.
   */
  rerun?: boolean;
}

export type JobOutcome = 'opened' | 'updated' | 'kept' | 'reverified' | 'skipped';

const decoder = new TextDecoder();
const specPathOf = (name: string) => `specs/${name}/SPEC.md`;

function desiredLabels(intent: Intent, passed: boolean): string[] {
  return [LABEL, `priority:${intent.priority}`, ...(passed ? [] : [NEEDS_HUMAN_REVIEW])];
}

async function syncLabels(ctx: RepoContext, pr: PullRequest, wanted: string[]): Promise<void> {
  const missing = wanted.filter((l) => !pr.labels.includes(l));
  const stale = pr.labels.filter(
    (l) => (l === NEEDS_HUMAN_REVIEW || PRIORITY_LABEL.test(l)) && !wanted.includes(l),
  );
  await ctx.forge.addLabels(pr.number, missing);
  for (const label of stale) await ctx.forge.removeLabel(pr.number, label);
  pr.labels = [...pr.labels.filter((l) => !stale.includes(l)), ...missing];
}

/**
 * The SPEC line for one intent, as the files a SPEC branch holds: the best draft, normalized, and its
 * verification record. `startFrom` optimizes an existing SPEC instead of writing one.
 */
export async function specFiles(
  intent: Intent,
  provider: LlmProvider,
  startFrom?: string,
  ledger?: LedgerSink,
) {
  // The run goes to the ledger as it happens (phases, model calls, scores): the dashboard reads it.
  const run = ledger?.startRun('spec', { name: intent.service_name, hash: intentHash(intent) });
  let line: Awaited<ReturnType<typeof runSpecLine>>;
  try {
    line = await runSpecLine({
      intent,
      provider,
      reporter: run ? recordingReporter(run) : silentReporter,
      ...(run ? { onUsage: (usage, task) => run.recordLlmCall({ ...usage, task }) } : {}),
      ...(startFrom !== undefined ? { startFrom } : {}),
    });
  } catch (error) {
    run?.finish('failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
  if (run) for (const score of line.scoreHistory) run.recordScore(score);
  const markdown = normalizeSpec(line.best.markdown);
  const record = verificationRecord(
    intent,
    markdown,
    line.best.verification,
    line.scoreHistory,
    provider.name,
    line.usage,
    new Date(),
  );
  const changes = [
    { path: specPathOf(intent.service_name), content: markdown },
    {
      path: `specs/${intent.service_name}/verification.json`,
      content: `${JSON.stringify(record, null, 2)}\n`,
    },
  ];
  /**
   * The run ends when the caller knows whether its files reached GitHub: a SPEC the bot could not
   * commit, or a pull request it could not open, is not a succeeded run.
   */
  const finishRun = (writeError?: unknown) => {
    if (!run) return;
    if (writeError === undefined) run.finish(line.passed ? 'succeeded' : 'needs-human-review');
    else
      run.finish(
        'failed',
        `writing the SPEC failed: ${writeError instanceof Error ? writeError.message : String(writeError)}`,
      );
  };
  return { line, record, changes, finishRun };
}

/**
 * The SPEC line for one intent on GitHub: generate → verify → optimize, then one commit rebuilt on the
 * base on `assembly-line/spec/<name>`, the gate's check run on it, and the pull request found or opened.
 * A pull request a person pushed to is re-verified, never rewritten, unless `force`.
 */
export async function generateSpecPullRequest(ctx: RepoContext, job: GenerateJob): Promise<JobOutcome> {
  const { intent, hash } = job.desired;
  const name = intent.service_name;
  const branch = specBranch(name);
  const specPath = specPathOf(name);
  const pr = job.pullRequest;

  let startFrom: string | undefined;
  if (pr) {
    const marker = parseMarker(pr.body);
    const head = await ctx.workspace.readFile(pr.headSha, specPath);
    const headHash = head ? sha256(normalizeSpec(decoder.decode(head))) : undefined;
    const edited = !marker.found || headHash !== marker.marker.spec_hash;
    if (edited && !job.force) {
      await reverifySpecPullRequest(ctx, intent, pr);
      return 'reverified';
    }
    if (
      !edited &&
      !job.force &&
      !job.optimize &&
      !job.rerun &&
      marker.found &&
      marker.marker.intent_hash === hash
    )
      return 'kept';
    if (job.optimize && head) startFrom = decoder.decode(head);
  }

  const { line, record, changes, finishRun } = await specFiles(intent, ctx.provider, startFrom, ctx.ledger);
  let written: Written;
  try {
    written = await writeSpecPullRequest(ctx, job, pr, { line, record, changes });
  } catch (error) {
    finishRun(error);
    throw error;
  }
  if ('lookAgain' in written) {
    finishRun(new Error(`${branch} moved to ${written.lookAgain.headSha} before the commit; looked again`));
    return generateSpecPullRequest(ctx, { ...job, pullRequest: written.lookAgain });
  }
  finishRun();
  await syncLabels(ctx, written.pr, desiredLabels(intent, line.passed));
  await mergeIfReady(ctx, written.pr, intent, line.passed, { noReviewsYet: written.opened });
  return written.opened ? 'opened' : 'updated';
}

/** What writing a SPEC gave: its pull request, or the one to look at again when a push moved the branch. */
type Written = { pr: PullRequest; opened: boolean } | { lookAgain: PullRequest };

/**
 * The SPEC branch's one commit, the gate's check run on it and the pull request found or opened;
 * `lookAgain` when a person's push moved the branch since the reconcile read it.
 */
async function writeSpecPullRequest(
  ctx: RepoContext,
  job: GenerateJob,
  found: PullRequest | undefined,
  { line, record, changes }: Omit<Awaited<ReturnType<typeof specFiles>>, 'finishRun'>,
): Promise<Written> {
  const { intent, hash } = job.desired;
  const name = intent.service_name;
  const branch = specBranch(name);
  const specPath = specPathOf(name);
  let pr = found;
  const message = `spec: ${name}\n\nScore ${record.score}/100 after ${record.optimization_cycles} optimization cycle(s).`;
  let commit: string;
  try {
    commit = (
      await ctx.workspace.commitFiles({
        branch,
        base: job.baseSha,
        expectedHead: pr?.headSha ?? null,
        changes,
        message,
      })
    ).commit;
  } catch (error) {
    if (!(error instanceof RefConflict)) throw error;
    // The branch moved since the reconcile looked: a person pushed, or a run died after writing it.
    const fresh = await ctx.forge.findPullRequest(branch);
    if (fresh && fresh.headSha === error.actual && !job.force) {
      ctx.log.info(`${branch} moved to ${error.actual}; looking again`);
      return { lookAgain: fresh };
    }
    commit = (
      await ctx.workspace.commitFiles({
        branch,
        base: job.baseSha,
        expectedHead: error.actual,
        changes,
        message,
      })
    ).commit;
    pr = fresh;
  }

  const report: SpecReport = {
    intent,
    specPath,
    verification: line.best.verification,
    record,
    byPerson: false,
  };
  await ensureCheckRun(ctx, CHECK_NAME, commit, gateCheck(report), false);
  const body = pullRequestBody(report, { intentHash: hash, specHash: record.spec_hash });
  const title = `spec: ${name}`;
  let opened = false;
  if (pr) {
    if (pr.body !== body || pr.title !== title)
      pr = await ctx.forge.updatePullRequest(pr.number, { title, body });
  } else {
    pr = await ctx.forge.createPullRequest({ head: branch, base: job.baseBranch, title, body });
    opened = true;
  }
  pr.headSha = commit;
  return { pr, opened };
}

/**
 * Scores the SPEC at a pull request's head again (a person's edit, or a re-run of the gate) and
 * reports it; writes no file.
 */
export async function reverifySpecPullRequest(
  ctx: RepoContext,
  intent: Intent,
  pr: PullRequest,
): Promise<boolean> {
  const name = intent.service_name;
  const specPath = specPathOf(name);
  const bytes = await ctx.workspace.readFile(pr.headSha, specPath);
  const markdown = bytes ? decoder.decode(bytes) : '';
  const marker = parseMarker(pr.body);
  // The bot's own SPEC is the one whose hash its marker holds; anything else is a person's.
  const byPerson = !marker.found || sha256(normalizeSpec(markdown)) !== marker.marker.spec_hash;
  const verification = verifySpec(markdown, intent);
  const record = verificationRecord(
    intent,
    markdown,
    verification,
    [verification.score],
    byPerson ? 'human' : ctx.provider.name,
    [],
    new Date(),
  );
  const report: SpecReport = { intent, specPath, verification, record, byPerson };
  await ensureCheckRun(ctx, CHECK_NAME, pr.headSha, gateCheck(report));
  await syncLabels(ctx, pr, desiredLabels(intent, verification.passed));
  await mergeIfReady(ctx, pr, intent, verification.passed, { noReviewsYet: false });
  return verification.passed;
}

export type MergeState = 'merged' | 'failing' | 'awaiting-approval' | 'changes-requested';

/**
 * Merges a SPEC pull request when its approval mode allows: the gate passes, no writer's latest review
 * requests changes, and for `checkpoints` a writer's approval stands on the head commit. The merge
 * names the head it judged, so a push in between is never merged unseen.
 */
export async function mergeIfReady(
  ctx: RepoContext,
  pr: PullRequest,
  intent: Intent,
  passed: boolean,
  options: { noReviewsYet: boolean },
): Promise<MergeState> {
  if (!passed || pr.labels.includes(NEEDS_HUMAN_REVIEW)) return 'failing';
  if (!options.noReviewsYet) {
    const latest = new Map<string, { state: string; commit: string }>();
    for (const review of await ctx.forge.listReviews(pr.number))
      if (review.canWrite && review.state !== 'commented') latest.set(review.user, review);
    const states = [...latest.values()];
    if (states.some((r) => r.state === 'changes_requested')) return 'changes-requested';
    if (
      intent.approval_mode === 'checkpoints' &&
      !states.some((r) => r.state === 'approved' && r.commit === pr.headSha)
    )
      return 'awaiting-approval';
  } else if (intent.approval_mode === 'checkpoints') return 'awaiting-approval';
  await ctx.forge.mergePullRequest(pr.number, {
    method: 'squash',
    expectedHeadSha: pr.headSha,
    title: `spec: ${intent.service_name} (#${pr.number})`,
  });
  ctx.log.info(`merged #${pr.number} (${intent.service_name})`);
  return 'merged';
}

export async function closeSpecPullRequest(ctx: RepoContext, pr: { number: number }, name: string) {
  await ctx.forge.createComment(
    pr.number,
    `The intent \`${name}\` was removed from the default branch, so this SPEC pull request is closed. ` +
      `Its files on the default branch stay until someone deletes \`specs/${name}/\`.`,
  );
  await ctx.forge.closePullRequest(pr.number);
}

export function intentNameOfBranch(branch: string): string | undefined {
  return branch.startsWith(SPEC_BRANCH_PREFIX) ? branch.slice(SPEC_BRANCH_PREFIX.length) : undefined;
}
