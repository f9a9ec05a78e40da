import { type Plan, planRepository, readIntentSources, validateIntentRepository } from '../core.js';
import type { ColumnAnnotation } from '../github/forge.js';
import { ensureCheckRun } from './check-run.js';
import type { RepoContext } from './spec-pr.js';

export const VALIDATION_CHECK = 'Assembly Line: intent validation';

const usd = (n: number) => `$${n.toFixed(4)}`;

export function planSummary(plan: Plan): string {
  const rows = plan.changes
    .filter((c) => c.change !== 'keep')
    .map(
      (c) =>
        `| ${c.intent} | ${c.change} | ${c.reason.replace(/\|/g, '\\|')} | ${c.modelCalls.min}–${c.modelCalls.max} |`,
    );
  const { costUsd, modelCalls } = plan.summary;
  return [
    '### What merging this pull request would do',
    rows.length
      ? '| intent | change | why | model calls |\n| --- | --- | --- | --- |'
      : '_Nothing: every SPEC stays as it is._',
    ...rows,
    '',
    `Estimated model cost: ${usd(costUsd.min)}–${usd(costUsd.max)} for ${modelCalls.min}–${modelCalls.max} calls ` +
      `(${plan.estimate.model}; ${plan.estimate.basis}).`,
  ].join('\n');
}

/**
 * The check on a pull request that changes intents, forks included: every error as an annotation at
 * file, line and column, and the plan in the summary. It reads and plans; it never calls a model.
 */
export async function validatePullRequest(
  ctx: RepoContext,
  pr: { number: number; headSha: string },
  model: string,
): Promise<'skipped' | 'passed' | 'failed'> {
  const files = await ctx.forge.listPullRequestFiles(pr.number);
  if (!files.some((f) => f.startsWith('intents/'))) return 'skipped';
  const sources = await readIntentSources(ctx.workspace, pr.headSha, 'intents/');
  const errors = validateIntentRepository(sources).flatMap((r) => r.errors);
  const annotations: ColumnAnnotation[] = errors.map((d) => ({
    path: d.path,
    startLine: d.line,
    endLine: d.line,
    startColumn: d.col,
    endColumn: d.col,
    level: 'failure',
    title: d.field || 'intent',
    message: `${d.path}:${d.line}:${d.col}: ${d.field ? `${d.field}: ` : ''}${d.message}`,
  }));
  const plan = await planRepository({ workspace: ctx.workspace, forge: ctx.forge, ref: pr.headSha, model });
  const failed = errors.length > 0;
  const fields = {
    status: 'completed' as const,
    conclusion: failed ? ('failure' as const) : ('success' as const),
    title: failed ? `${errors.length} error(s) in intents` : 'Intents are valid',
    summary: [
      failed
        ? errors
            .map((d) => `- \`${d.path}:${d.line}:${d.col}\` ${d.field ? `${d.field}: ` : ''}${d.message}`)
            .join('\n')
        : 'Every intent file is valid.',
      '',
      planSummary(plan),
    ].join('\n'),
    annotations,
    // What a re-run from GitHub's UI names: its check_run payload lists no pull request for a fork.
    externalId: String(pr.number),
  };
  await ensureCheckRun(ctx, VALIDATION_CHECK, pr.headSha, fields);
  return failed ? 'failed' : 'passed';
}
