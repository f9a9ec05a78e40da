import { fileLedger, ledgerDir } from '../ledger/recorder.js';
import { type ProviderChoice, selectProvider } from '../llm/select.js';
import { parseMaxCost } from '../llm/spend-cap.js';
import { ensureSystemPackages, missingPackagesMessage, type PreflightNeeds } from '../pipeline/preflight.js';
import type { LedgerSink } from '../ports/index.js';
import { findRepositoryRoot } from '../repo-files.js';
import type { CommandContext } from './command.js';
import { type CliIo, UsageError, UserError } from './io.js';
import { stderrReporter } from './progress.js';
import { resolveTarget } from './target-options.js';

/**
 * The CLI's adapters for the pipeline's ports, built in one place from the flags and the environment:
 * the provider, the ledger, the deploy target and the registry. Commands take what they need from
 * here, call one pipeline function and render its result.
 */

/**
 * The model provider the environment chooses; a bad configuration is the user's error. Each retry of
 * a model call is announced through `onRetry`; `--max-cost` among `values` sets the run's spend cap.
 */
export async function cliProvider(
  env: Record<string, string | undefined>,
  onRetry: (message: string) => void,
  values: CommandContext['values'] = {},
): Promise<ProviderChoice> {
  const raw = values['max-cost'];
  let maxCostUsd: number | undefined;
  if (typeof raw === 'string') {
    try {
      maxCostUsd = parseMaxCost(raw);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  try {
    return await selectProvider(env, { onRetry, ...(maxCostUsd !== undefined ? { maxCostUsd } : {}) });
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

/** The JSONL ledger under `.assembly-line/` of the repository. */
export function cliLedger(repoRoot: string): LedgerSink {
  return fileLedger(ledgerDir(repoRoot));
}

/**
 * Installs the Debian packages the phases need and the machine lacks, when it may; stops before any
 * work when some are still missing, naming them and the command that installs them.
 */
export async function requireSystemPackages(needs: Omit<PreflightNeeds, 'python'>, io: CliIo): Promise<void> {
  const missing = await ensureSystemPackages({ python: '/usr/bin/python3', ...needs }, io.env, {
    write: (text) => io.stderr.write(text),
  });
  if (missing.length > 0) throw new UserError(missingPackagesMessage(missing));
}

/** The target and registry for a command, telling the user where the defaults put things. */
export function targetFor(context: CommandContext, label: string, repositoryRoot?: string) {
  const { io, values } = context;
  const repoRoot = repositoryRoot ?? findRepositoryRoot(io.cwd);
  const reporter = stderrReporter(io, label);
  const resolved = resolveTarget(values, {
    cwd: io.cwd,
    env: io.env,
    ...(repoRoot ? { repoRoot } : {}),
    reporter,
    warn: (message) => reporter.info(`warning: ${message}`),
  });
  for (const note of resolved.notes) reporter.info(note);
  return { ...resolved, repoRoot, reporter };
}
