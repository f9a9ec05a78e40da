import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MemoryForge } from '../forge/memory.js';
import { DEFAULT_ANTHROPIC_MODEL } from '../llm/pricing.js';
import { providerKind } from '../llm/provider-kind.js';
import { WORKING_TREE } from '../ports/index.js';
import type { Range } from '../reconcile/estimate.js';
import type { Plan } from '../reconcile/plan.js';
import { planRepository } from '../reconcile/plan.js';
import { findRepositoryRoot } from '../repo-files.js';
import { GitWorkspace } from '../workspace/git.js';
import { type Command, FORMAT_OPTION, outputFormat } from './command.js';
import { EXIT, type Style, styleFor, UsageError, UserError } from './io.js';

const KIND_STYLE: Record<string, keyof Style> = {
  open: 'green',
  update: 'green',
  close: 'yellow',
  reverify: 'bold',
  needs_person: 'red',
  keep: 'dim',
};

const range = (r: Range, unit: (n: number) => string) =>
  r.min === r.max ? unit(r.min) : `${unit(r.min)}–${unit(r.max)}`;
const usd = (n: number) => `$${n.toFixed(4)}`;
const calls = (n: number) => String(n);

/** The JSON `plan --format json` prints; documented in README's CLI reference, kept stable. */
export function planJson(
  plan: Plan,
  repository: string,
  ref: string,
  commit: string | null,
  provider: string,
) {
  return {
    repository,
    ref,
    commit,
    provider,
    changes: plan.changes.map((c) => ({
      intent: c.intent,
      change: c.change,
      reason: c.reason,
      intent_path: c.intentPath ?? null,
      pull_request: c.pullRequest ?? null,
      model_calls: c.modelCalls,
      cost_usd: c.costUsd,
    })),
    summary: {
      intents: plan.changes.length,
      ...plan.summary.counts,
      model_calls: plan.summary.modelCalls,
      cost_usd: plan.summary.costUsd,
    },
    estimate: {
      model: plan.estimate.model,
      price_known: plan.estimate.priceKnown,
      billed: provider === 'anthropic',
      basis: plan.estimate.basis,
    },
  };
}

export const planCommand: Command = {
  name: 'plan',
  summary: 'Say what a push would make the SPEC line do, with model calls and estimated cost',
  usage: '[REPOSITORY]',
  description:
    'Compares the intents with the SPECs (their stamps in verification.json) and the open SPEC pull\n' +
    'requests, as the bot does on a push, and prints one change per intent: open, update, keep, close,\n' +
    'reverify (a SPEC a person edited) or needs_person (with what to do). Writes nothing, calls no model.\n' +
    'REPOSITORY defaults to the enclosing one. The cost is estimated for the anthropic provider\n' +
    '(ASSEMBLY_LINE_MODEL, default claude-sonnet-4-6) whichever provider is chosen; the basis is printed.',
  options: {
    ref: {
      type: 'string',
      valueName: 'REF',
      description: 'Plan the files of this branch or commit (default: the working tree, committed or not).',
    },
    ...FORMAT_OPTION,
  },
  exitCodes: ['0  the plan was made', '1  the repository or ref cannot be read'],
  async run({ io, values, positionals }) {
    if (positionals.length > 1) throw new UsageError('plan takes at most one REPOSITORY');
    const root = repositoryRoot(positionals[0], io.cwd);
    let provider: string;
    try {
      provider = providerKind(io.env).kind;
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    const workspace = new GitWorkspace(root);
    const ref = typeof values.ref === 'string' ? values.ref : WORKING_TREE;
    let commit: string | null = null;
    if (ref !== WORKING_TREE) {
      try {
        commit = (await workspace.resolveRef(ref)) ?? null;
      } catch (error) {
        throw new UserError(`--ref: ${(error as Error).message}`);
      }
      if (!commit) throw new UserError(`--ref: ${root} has no branch or commit named '${ref}'`);
    }
    // Locally there is no forge: an empty in-memory one stands in, so no pull request is open.
    const forge = new MemoryForge({ resolveHead: (branch) => workspace.resolveRef(branch) });
    const model = io.env.ASSEMBLY_LINE_MODEL?.trim() || DEFAULT_ANTHROPIC_MODEL;
    let plan: Plan;
    try {
      plan = await planRepository({ workspace, forge, ref: commit ?? WORKING_TREE, model });
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    const shownRef = ref === WORKING_TREE ? 'working tree' : ref;

    if (outputFormat(values) === 'json') {
      io.stdout.write(`${JSON.stringify(planJson(plan, root, shownRef, commit, provider), null, 2)}\n`);
      return EXIT.ok;
    }
    const out = styleFor(io.stdout, io.env);
    const nameWidth = Math.max(0, ...plan.changes.map((c) => c.intent.length));
    const kindWidth = Math.max(...plan.changes.map((c) => c.change.length), 4);
    io.stdout.write(
      `${out.bold(`plan for ${root} (${shownRef}${commit ? ` ${commit.slice(0, 7)}` : ''})`)}\n`,
    );
    for (const c of plan.changes) {
      const spend =
        c.modelCalls.max > 0 ? `  [${range(c.modelCalls, calls)} model calls, ${range(c.costUsd, usd)}]` : '';
      const kind = out[KIND_STYLE[c.change] ?? 'bold'](c.change.padEnd(kindWidth));
      io.stdout.write(`${kind}  ${c.intent.padEnd(nameWidth)}  ${c.reason}${spend}\n`);
    }
    const { counts, modelCalls, costUsd } = plan.summary;
    const parts = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`);
    const billed =
      provider === 'anthropic' ? '' : ` (the ${provider} provider is chosen: nothing would be billed)`;
    io.stdout.write(
      `${plan.changes.length} intent${plan.changes.length === 1 ? '' : 's'}: ${parts.join(', ') || 'nothing'}; ` +
        `${range(modelCalls, calls)} model calls, estimated ${range(costUsd, usd)} with ${plan.estimate.model}${billed}\n`,
    );
    io.stdout.write(
      `${out.dim(`estimate: ${plan.estimate.basis}${plan.estimate.priceKnown ? '' : '; the model is not in the price table, a family price is used'}`)}\n`,
    );
    return EXIT.ok;
  },
};

function repositoryRoot(path: string | undefined, cwd: string): string {
  if (path === undefined) {
    const root = findRepositoryRoot(cwd);
    if (!root) throw new UserError('no intents/ folder here or in any parent directory; pass a REPOSITORY');
    return root;
  }
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute) || !statSync(absolute).isDirectory())
    throw new UserError(`${path}: not a directory; pass the repository folder (the one with intents/)`);
  if (!existsSync(join(absolute, 'intents')))
    throw new UserError(`${path}: no intents/ folder; pass the repository folder (the one with intents/)`);
  return absolute;
}
