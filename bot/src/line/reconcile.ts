import {
  type DesiredIntent,
  type Intent,
  type PlannedChange,
  type PullRequest,
  planReconcile,
  readIntents,
  readSpecs,
  SPEC_BRANCH_PREFIX,
  type SpecState,
  sha256,
  specBranch,
  specPullRequestsOf,
} from '../core.js';
import {
  closeSpecPullRequest,
  type GenerateJob,
  type RepoContext,
  reverifySpecPullRequest,
} from './spec-pr.js';

export interface RepositoryState {
  baseBranch: string;
  baseSha: string;
  intents: DesiredIntent[];
  specs: SpecState[];
  pullRequests: PullRequest[];
  plan: PlannedChange[];
}

/**
 * What a reconcile saw of the line, as one hash: each intent as parsed (so a reworded comment is no
 * change), each SPEC and its stamp at the default branch, and each SPEC pull request's head, state and
 * labels. Two equal fingerprints mean the reconcile found nothing a window could show anew.
 */
export function lineFingerprint(state: Pick<RepositoryState, 'intents' | 'specs' | 'pullRequests'>): string {
  const byName = <T extends { name: string }>(items: T[]) =>
    [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256(
    JSON.stringify({
      intents: byName(state.intents).map((d) => [d.name, d.hash ?? null, d.problems]),
      specs: byName(state.specs).map((s) => [s.name, s.specHash, s.stamp ?? null]),
      pullRequests: [...state.pullRequests]
        .sort((a, b) => a.number - b.number)
        .map((p) => [p.number, p.headSha, p.state, [...p.labels].sort()]),
    }),
  );
}

/** Reads the repository and its SPEC pull requests through the tree API and plans, writing nothing. */
export async function readAndPlan(ctx: RepoContext, head?: string): Promise<RepositoryState> {
  const baseBranch = await ctx.workspace.defaultBranch();
  const baseSha = head ?? (await ctx.workspace.resolveRef(baseBranch));
  if (!baseSha) throw new Error(`${ctx.workspace.description} has no branch ${baseBranch}`);
  const [intents, specs, pullRequests] = await Promise.all([
    readIntents(ctx.workspace, baseSha),
    readSpecs(ctx.workspace, baseSha),
    ctx.forge.listPullRequests(SPEC_BRANCH_PREFIX),
  ]);
  const plan = planReconcile({
    intents,
    specs,
    pullRequests: await specPullRequestsOf(ctx.workspace, pullRequests),
  });
  return { baseBranch, baseSha, intents, specs, pullRequests, plan };
}

type ValidIntent = DesiredIntent & { intent: Intent; hash: string };

export function generateJobFor(state: RepositoryState, name: string): GenerateJob | undefined {
  const desired = state.intents.find((d): d is ValidIntent => d.name === name && !!d.intent && !!d.hash);
  if (!desired) return undefined;
  const pullRequest = state.pullRequests.find((pr) => pr.head === specBranch(name));
  return {
    desired,
    baseSha: state.baseSha,
    baseBranch: state.baseBranch,
    ...(pullRequest ? { pullRequest } : {}),
  };
}

/**
 * Makes GitHub match the plan: generation is queued by priority (`queue`); closing and re-verifying
 * happen here, in the repository's lane. Keeps and needs-a-person changes write nothing.
 */
export async function reconcileRepository(
  ctx: RepoContext,
  head: string | undefined,
  queue: (job: GenerateJob) => void,
): Promise<RepositoryState> {
  const state = await readAndPlan(ctx, head);
  for (const change of state.plan) {
    const pr = state.pullRequests.find((p) => p.head === specBranch(change.intent));
    if (change.change === 'open' || change.change === 'update') {
      const job = generateJobFor(state, change.intent);
      if (job) queue(job);
    } else if (change.change === 'close' && pr) {
      await closeSpecPullRequest(ctx, pr, change.intent);
      ctx.log.info(`closed #${pr.number}: ${change.reason}`);
    } else if (change.change === 'reverify' && pr) {
      const desired = state.intents.find((d) => d.name === change.intent);
      if (desired?.intent) await reverifySpecPullRequest(ctx, desired.intent, pr);
    } else if (change.change === 'needs_person') {
      ctx.log.warn(`${change.intent}: ${change.reason}`);
    }
  }
  return state;
}
