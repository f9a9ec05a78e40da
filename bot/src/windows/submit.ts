// ---------------------------------------------------------------------------------------------------
// `POST /intents/submit`: the seed's intent as JSON becomes a pull request that adds
// `intents/<name>.yaml`. The intent is judged by the rules a committed file meets (core's schema and
// repository checks: unique port, known dependencies, no cycles), so what the bot proposes would pass
// its own validation check. A repeat finds the branch and the pull request already right and writes
// nothing.
// ---------------------------------------------------------------------------------------------------
import {
  formatIntentFile,
  type Intent,
  IntentSchema,
  intentHash,
  type PullRequest,
  readIntentSources,
  validateIntentRepository,
} from '../core.js';
import type { RepoContext } from '../line/spec-pr.js';
import { INTENT_BRANCH_PREFIX } from './facts.js';

export interface FieldError {
  field: string;
  message: string;
}

export type Judged =
  | { ok: false; errors: FieldError[] }
  | { ok: true; intent: Intent; hash: string; path: string; text: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * Judges a submitted intent against the repository's intents (`existing`, as at the default branch):
 * the schema's errors and the repository rules', with the CLI's messages and did-you-mean hints. Only
 * errors in the submitted file are reported: a broken intent already committed is not the caller's.
 */
export function judgeSubmission(
  fields: Record<string, unknown>,
  existing: readonly { path: string; bytes: Uint8Array }[],
): Judged {
  const name =
    typeof fields.service_name === 'string' && NAME.test(fields.service_name)
      ? fields.service_name
      : undefined;
  const path = `intents/${name ?? 'submitted'}.yaml`;
  const draft = formatIntentFile(fields);
  const others = existing.filter((s) => s.path !== path && !(name && s.path === `intents/${name}.yml`));
  const reports = validateIntentRepository([...others, { path, bytes: encoder.encode(draft) }]);
  const mine = reports.find((r) => r.path === path);
  const errors = (mine?.errors ?? []).map((d) => ({ field: d.field || '(body)', message: d.message }));
  if (errors.length > 0 || !mine?.intent)
    return {
      ok: false,
      errors: errors.length ? errors : [{ field: '(body)', message: 'is not a valid intent' }],
    };
  // The file holds the whole intent, defaults written out, in the schema's order.
  const intent = IntentSchema.parse(mine.intent);
  return { ok: true, intent, hash: intentHash(intent), path, text: formatIntentFile(intent) };
}

export interface Submitted {
  intent: Intent;
  hash: string;
  pullRequest: PullRequest | undefined;
  /** A commit was written (or a pull request opened): the validation check must look at it. */
  wrote: boolean;
  /** Already on the default branch as submitted: there is nothing to propose. */
  alreadyMerged: boolean;
}

export const intentBranch = (name: string) => `${INTENT_BRANCH_PREFIX}${name}`;

/**
 * Judges the submission at the default branch and, when valid, makes the branch and the pull request
 * hold it: one commit on the default branch's head, compare-and-swapped onto the branch; the pull
 * request found before one is opened.
 */
export async function submitIntent(
  ctx: RepoContext,
  fields: Record<string, unknown>,
): Promise<{ ok: false; errors: FieldError[] } | ({ ok: true } & Submitted)> {
  const base = await ctx.workspace.defaultBranch();
  const baseSha = await ctx.workspace.resolveRef(base);
  if (!baseSha) throw new Error(`${ctx.workspace.description} has no branch ${base}`);
  const judged = judgeSubmission(fields, await readIntentSources(ctx.workspace, baseSha, 'intents/'));
  if (!judged.ok) return judged;
  const { intent, hash, path, text } = judged;
  const name = intent.service_name;
  const branch = intentBranch(name);
  const onBase = await ctx.workspace.readFile(baseSha, path);
  if (onBase && decoder.decode(onBase) === text)
    return {
      ok: true,
      intent,
      hash,
      pullRequest: await ctx.forge.findPullRequest(branch, 'all'),
      wrote: false,
      alreadyMerged: true,
    };

  let wrote = false;
  const head = (await ctx.workspace.resolveRef(branch)) ?? null;
  const atHead = head ? await ctx.workspace.readFile(head, path) : undefined;
  if (!atHead || decoder.decode(atHead) !== text) {
    await ctx.workspace.commitFiles({
      branch,
      base: baseSha,
      expectedHead: head,
      changes: [{ path, content: text }],
      message: `intent: ${name}\n\nSubmitted through POST /intents/submit.`,
    });
    wrote = true;
  }
  let pullRequest = await ctx.forge.findPullRequest(branch);
  if (!pullRequest) {
    pullRequest = await ctx.forge.createPullRequest({
      head: branch,
      base,
      title: `intent: ${name}`,
      body: [
        `Adds the intent **${name}** (priority ${intent.priority}, approval ${intent.approval_mode}), submitted through \`POST /intents/submit\`.`,
        '',
        intent.approval_mode === 'auto'
          ? 'Approval mode `auto`: the bot merges this pull request once its validation check passes.'
          : 'Merge it to queue its SPEC; the bot then opens the SPEC pull request.',
      ].join('\n'),
    });
    wrote = true;
  }
  return { ok: true, intent, hash, pullRequest, wrote, alreadyMerged: false };
}
