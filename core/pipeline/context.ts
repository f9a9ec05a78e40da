import { intentHash } from '../hash.js';
import type { Intent } from '../intent/schema.js';
import type {
  DeployTarget,
  LedgerRun,
  LedgerSink,
  LlmProvider,
  LlmUsage,
  ProgressReporter,
  Registry,
  RunKind,
  Workspace,
} from '../ports/index.js';

/**
 * What a run is given: the ports it talks through, never an adapter. The CLI builds one from its
 * flags (core/cli/wiring.ts); the Action and the bot build theirs from their inputs.
 */
export interface LineContext {
  /** The repository checkout with intents/, specs/ and services/. */
  repoRoot: string;
  /** How the phases read and write the repository; a GitWorkspace over repoRoot when absent. */
  workspace?: Workspace;
  reporter: ProgressReporter;
  ledger: LedgerSink;
}

export interface SpecContext extends LineContext {
  provider: LlmProvider;
}

export type BuildContext = SpecContext;

export interface DeployContext extends LineContext {
  target: DeployTarget;
  registry: Registry;
  now?: () => Date;
}

/** The whole run: target and registry are needed only when the run deploys. */
export interface RunContext extends SpecContext {
  target?: DeployTarget;
  registry?: Registry;
  now?: () => Date;
}

/** One ledger run under way: its reporter records phases, and model calls are counted for the cost. */
export interface Recording {
  run: LedgerRun;
  reporter: ProgressReporter;
  onUsage: (usage: LlmUsage, task: string) => void;
  costUsd: () => number;
}

export function startRecording(context: LineContext, kind: RunKind, intent: Intent): Recording {
  const run = context.ledger.startRun(kind, { name: intent.service_name, hash: intentHash(intent) });
  const usage: LlmUsage[] = [];
  return {
    run,
    reporter: recordingReporter(run, context.reporter),
    onUsage: (call, task) => {
      usage.push(call);
      run.recordLlmCall({ ...call, task });
    },
    costUsd: () => Math.round(usage.reduce((n, u) => n + u.costUsd, 0) * 1e6) / 1e6,
  };
}

/**
 * A ProgressReporter that also records phases in the ledger, so a pipeline reports once and both the
 * person watching and the ledger hear it.
 */
export function recordingReporter(run: LedgerRun, inner?: ProgressReporter): ProgressReporter {
  return {
    phaseStarted(phase, detail) {
      run.startPhase(phase);
      inner?.phaseStarted(phase, detail);
    },
    phaseFinished(phase, outcome, detail, tookMs) {
      run.finishPhase(phase, outcome, detail, tookMs);
      inner?.phaseFinished(phase, outcome, detail, tookMs);
    },
    info(message) {
      inner?.info(message);
    },
  };
}
