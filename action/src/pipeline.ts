import { join } from 'node:path';
import {
  type BuildJobResult,
  BuildStampError,
  buildService,
  createDeployTarget,
  createRegistry,
  DeployError,
  type DeployJobResult,
  type DeployTarget,
  deployService,
  type FailingTest,
  fileLedger,
  GitWorkspace,
  InputError,
  type Intent,
  type LintMessage,
  type LlmProvider,
  ledgerDir,
  loadIntentFile,
  missingPackagesMessage,
  missingSystemPackages,
  PASSING_SCORE,
  type ProgressReporter,
  parseTarget,
  type Registry,
  readLedger,
  readStoredSpec,
  runCost,
  runIntent,
  selectProvider,
  stateDir,
  type TestSummary,
  type UdcReport,
  type UdcRow,
  WORKING_TREE,
} from '../../core/index.js';

/**
 * The Action's only door into core, and it goes through core's public entry: one core call per
 * command (runIntent, buildService, deployService), and the result in the shape the Action renders.
 * Everything else in action/ takes core's types and helpers from here.
 */

export { findRepositoryRoot, formatUdcMarkdown, redactSecrets } from '../../core/index.js';
export type {
  FailingTest,
  Intent,
  LintMessage,
  LlmProvider,
  ProgressReporter,
  TestSummary,
  UdcReport,
  UdcRow,
};
export { PASSING_SCORE };

/** Checks a target address without creating anything: null when it is good, else what is wrong. */
export function targetProblem(target: string): string | null {
  try {
    parseTarget(target);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export type PipelineCommand = 'run' | 'build' | 'deploy';
export type PipelineStatus = 'deployed' | 'built' | 'spec-ready' | 'needs-human-review' | 'failed';

export interface PipelineRequest {
  command: PipelineCommand;
  /** The intent, loaded and validated with loadIntent. */
  intent: Intent;
  /** The checkout the intent belongs to (the workspace). */
  repoRoot: string;
  /** `local` or `ssh://user@host[:port]`; undefined: not given (run builds, then deploys only when the intent says deploy_local). */
  target?: string;
  knownHostsFile?: string;
  /** Private key text for an ssh target. */
  sshKey?: string;
  root?: string;
  registry?: string;
  healthTimeoutMs?: number;
  healthRetryAfterMs?: number;
  /** Where the provider is chosen from: ANTHROPIC_API_KEY (empty: offline), ANTHROPIC_BASE_URL … */
  env: Record<string, string | undefined>;
  /** The `max-cost-usd` input: the run stops before a model call that could pass it (core's spend cap). */
  maxCostUsd?: number;
  reporter: ProgressReporter;
}

export interface PipelineResult {
  status: PipelineStatus;
  service: string;
  approvalMode: Intent['approval_mode'];
  /** One sentence: what happened, or what failed. */
  message: string;
  score?: number;
  tests?: TestSummary;
  coverage?: number | null;
  lint: LintMessage[];
  udc?: UdcReport;
  /** The release this run deployed, or tried to. */
  releaseId?: string;
  serviceUrl?: string;
  /** Set when a deploy was started: from here on, a GitHub Deployment describes it. */
  deploy?: {
    ok: boolean;
    /** The release that serves after a failed deploy (the old one is kept). */
    serving?: { releaseId: string; url: string };
    logTail?: string;
    registered: boolean;
  };
  costUsd: number;
}

/** A problem with the request itself (a bad intent, a missing build): no phase ran. */
export class PipelineInputError extends Error {}

/** The intent in a file, judged with the intents beside it (core's loadIntentFile), as an input error. */
export async function loadIntent(intentFile: string, cwd: string): Promise<Intent> {
  try {
    return await loadIntentFile(intentFile, cwd);
  } catch (error) {
    if (error instanceof InputError) throw new PipelineInputError(error.message);
    throw error;
  }
}

function deployTargetFor(request: PipelineRequest): DeployTarget {
  const target = request.target ?? 'local';
  const root = request.root ?? (target === 'local' ? join(stateDir(request.repoRoot), 'deploy') : undefined);
  try {
    return createDeployTarget(target, {
      ...(root ? { root } : {}),
      ...(request.knownHostsFile ? { knownHostsFile: request.knownHostsFile } : {}),
      ...(request.healthTimeoutMs !== undefined ? { healthTimeoutMs: request.healthTimeoutMs } : {}),
      ...(request.healthRetryAfterMs !== undefined ? { healthRetryAfterMs: request.healthRetryAfterMs } : {}),
      reporter: request.reporter,
      // The key reaches the ssh target only, never the environment of the build or the service.
      env: request.sshKey ? { ASSEMBLY_LINE_SSH_KEY: request.sshKey } : {},
    });
  } catch (error) {
    throw new PipelineInputError(error instanceof DeployError ? error.message : String(error));
  }
}

function registryFor(request: PipelineRequest): Registry {
  const spec = request.registry ?? `file:${join(stateDir(request.repoRoot), 'registry.json')}`;
  try {
    return createRegistry(spec, {
      cwd: request.repoRoot,
      warn: (message) => request.reporter.info(`warning: ${message}`),
    });
  } catch (error) {
    throw new PipelineInputError(`registry: ${(error as Error).message}`);
  }
}

function buildFigures(result: PipelineResult, build: BuildJobResult | undefined) {
  const python = build?.line.build;
  if (python) {
    result.tests = python.tests;
    result.coverage = python.coverage;
    result.lint = python.lint;
  }
  if (build?.udc) result.udc = build.udc;
}

function deployFigures(result: PipelineResult, deploy: DeployJobResult | undefined) {
  if (!deploy) return;
  const { outcome } = deploy;
  result.releaseId = outcome.release.releaseId;
  if (deploy.ok) result.serviceUrl = outcome.release.url;
  result.deploy = {
    ok: deploy.ok,
    registered: deploy.ok && deploy.registered !== undefined,
    ...(!deploy.ok && outcome.serving
      ? { serving: { releaseId: outcome.serving.releaseId, url: outcome.serving.url } }
      : {}),
    ...(outcome.logTail ? { logTail: outcome.logTail } : {}),
  };
}

/** The model provider the environment asks for (offline without a key), under the spend cap if one is given. */
export async function chooseProvider(env: Record<string, string | undefined>, maxCostUsd?: number) {
  try {
    return await selectProvider(env, maxCostUsd !== undefined ? { maxCostUsd } : {});
  } catch (error) {
    throw new PipelineInputError((error as Error).message);
  }
}

/**
 * Runs one command of the Action to its end: one core call, its result mapped. A failed phase is a
 * result; a request that cannot start (bad target, missing build, missing packages) throws
 * PipelineInputError before anything runs.
 */
export async function runPipeline(request: PipelineRequest): Promise<PipelineResult> {
  const { intent, repoRoot, reporter, command } = request;
  const deploys =
    command === 'deploy' || (command === 'run' && (request.target !== undefined || intent.deploy_local));
  const builds = command !== 'deploy';
  // Inputs are checked before any phase runs, so a typo fails in a second, not after a build.
  const target = deploys ? deployTargetFor(request) : undefined;
  const registry = deploys ? registryFor(request) : undefined;
  const stored =
    command === 'build'
      ? await readStoredSpec(new GitWorkspace(repoRoot), WORKING_TREE, intent.service_name)
      : undefined;
  if (command === 'build' && !stored)
    throw new PipelineInputError(
      `no SPEC for '${intent.service_name}' at specs/${intent.service_name}/SPEC.md: the build line starts from a merged SPEC`,
    );
  const missing = await missingSystemPackages(
    {
      python: '/usr/bin/python3',
      build: builds,
      deploy: deploys,
      ssh: (request.target ?? '').startsWith('ssh:'),
    },
    request.env,
  );
  if (missing.length > 0) throw new PipelineInputError(missingPackagesMessage(missing));
  const line = { repoRoot, reporter, ledger: fileLedger(ledgerDir(repoRoot)) };
  const result: PipelineResult = {
    status: 'failed',
    service: intent.service_name,
    approvalMode: intent.approval_mode,
    message: '',
    lint: [],
    costUsd: 0,
  };

  if (command === 'deploy') {
    try {
      const deploy = await deployService({ ...line, target: target!, registry: registry! }, intent);
      deployFigures(result, deploy);
      return Object.assign(result, {
        status: deploy.ok ? 'deployed' : 'failed',
        message: deploy.ok ? `release ${result.releaseId} serves ${result.serviceUrl}` : deploy.message,
      });
    } catch (error) {
      if (error instanceof BuildStampError) throw new PipelineInputError(error.message);
      // The target refused before a release started (host key, unreachable host): nothing changed there.
      if (error instanceof DeployError) return Object.assign(result, { message: error.message });
      throw error;
    }
  }

  const choice = await chooseProvider(request.env, request.maxCostUsd);
  reporter.info(`provider: ${choice.provider.name} (${choice.reason})`);

  if (command === 'build') {
    const build = await buildService({ ...line, provider: choice.provider }, intent, stored!.markdown);
    result.score = build.gate.score;
    buildFigures(result, build.job);
    return Object.assign(result, { status: build.status, message: build.message, costUsd: build.costUsd });
  }

  const run = await runIntent(
    { ...line, provider: choice.provider, ...(target ? { target } : {}), ...(registry ? { registry } : {}) },
    intent,
    { targetNamed: request.target !== undefined },
  );
  if (run.spec) result.score = run.spec.score;
  buildFigures(result, run.build);
  deployFigures(result, run.deploy);
  return Object.assign(result, { status: run.status, message: run.message, costUsd: run.costUsd });
}

/**
 * What the GitHub Deployment's payload tells the bot's dashboard about the build it deploys: the
 * figures of the service's latest build (or run) in this checkout's ledger. Numbers only, never text
 * a secret could hide in; empty when the ledger has no build of the service (a deploy-only job).
 */
export function deploymentFigures(repoRoot: string, service: string): Record<string, number> {
  const record = readLedger(ledgerDir(repoRoot)).records.findLast(
    (r) => r.intent.name === service && (r.kind === 'build' || r.kind === 'run'),
  );
  if (!record) return {};
  const score = record.score_history.at(-1);
  return {
    ...(score !== undefined ? { score } : {}),
    ...(record.tests
      ? {
          tests_passed: record.tests.passed,
          tests_failed: record.tests.failed,
          coverage: record.tests.coverage,
        }
      : {}),
    cost_usd: Math.round(runCost(record) * 1e6) / 1e6,
  };
}
