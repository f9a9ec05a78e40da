import { join } from 'node:path';
import type { FailingTest, LintMessage, TestSummary } from '../../core/build/python-build.js';
import {
  createDeployTarget,
  DeployError,
  type HostDeployTarget,
  parseTarget,
} from '../../core/deploy/index.js';
import { formatDiagnostic } from '../../core/diagnostics.js';
import { intentHash } from '../../core/hash.js';
import { InputError, validateIntentPaths } from '../../core/intent/load.js';
import type { Intent } from '../../core/intent/schema.js';

export type { Intent };

import { ledgerDir, startRun } from '../../core/ledger/recorder.js';
import { selectProvider } from '../../core/llm/select.js';
import { type BuildJobResult, runBuildJob } from '../../core/pipeline/build-job.js';
import { BuildStampError, requireDeployableBuild } from '../../core/pipeline/build-stamp.js';
import { recordingReporter } from '../../core/pipeline/context.js';
import { runDeployJob } from '../../core/pipeline/deploy-job.js';
import { SERVICE_VERSION } from '../../core/pipeline/policy.js';
import { missingPackagesMessage, missingSystemPackages } from '../../core/pipeline/preflight.js';
import { stateDir } from '../../core/pipeline/state.js';
import type { LlmUsage, ProgressReporter, Registry } from '../../core/ports/index.js';
import { createRegistry } from '../../core/registry/index.js';
import { runSpecJob } from '../../core/spec/spec-job.js';
import { readStoredSpec } from '../../core/spec/store.js';
import { PASSING_SCORE, verifySpec } from '../../core/spec/verifier/index.js';
import type { UdcReport, UdcRow } from '../../core/udc/verify.js';

/**
 * The Action's only door into core: one call per command, and the result in the shape the Action
 * renders. Everything else in action/ imports core's types from here, so moving to core's public entry
 * changes this file alone.
 */

export { redactSecrets } from '../../core/ledger/redact.js';
export { findRepositoryRoot } from '../../core/repo-files.js';
export { formatUdcMarkdown } from '../../core/udc/verify.js';
export type { FailingTest, LintMessage, ProgressReporter, TestSummary, UdcReport, UdcRow };
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

/** The intent in a file, judged with the intents beside it (unique names and ports). */
export function loadIntent(intentFile: string, cwd: string): Intent {
  let reports: ReturnType<typeof validateIntentPaths>;
  try {
    reports = validateIntentPaths([intentFile], cwd);
  } catch (error) {
    if (error instanceof InputError) throw new PipelineInputError(error.message);
    throw error;
  }
  const [report] = reports;
  if (!report?.intent)
    throw new PipelineInputError(
      `${intentFile} is not a valid intent:\n${(report?.errors ?? []).map(formatDiagnostic).join('\n')}`,
    );
  return report.intent;
}

function deployTargetFor(request: PipelineRequest, repoRoot: string): HostDeployTarget {
  const target = request.target ?? 'local';
  const root = request.root ?? (target === 'local' ? join(stateDir(repoRoot), 'deploy') : undefined);
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

function registryFor(request: PipelineRequest, repoRoot: string): Registry {
  const spec = request.registry ?? `file:${join(stateDir(repoRoot), 'registry.json')}`;
  try {
    return createRegistry(spec, {
      cwd: repoRoot,
      warn: (message) => request.reporter.info(`warning: ${message}`),
    });
  } catch (error) {
    throw new PipelineInputError(`registry: ${(error as Error).message}`);
  }
}

/** Runs one command of the Action to its end; failures of a phase are results, not exceptions. */
export async function runPipeline(request: PipelineRequest): Promise<PipelineResult> {
  const { repoRoot } = request;
  const { intent } = request;
  const name = intent.service_name;
  const willDeploy =
    request.command === 'deploy' ||
    (request.command === 'run' && (request.target !== undefined || intent.deploy_local));
  const willBuild = request.command !== 'deploy';

  // Inputs are checked before any phase runs, so a typo fails in a second, not after a build.
  const target = willDeploy ? deployTargetFor(request, repoRoot) : undefined;
  const registry = willDeploy ? registryFor(request, repoRoot) : undefined;
  const manifest = request.command === 'deploy' ? deployableBuild(repoRoot, intent) : undefined;
  let provider: Awaited<ReturnType<typeof selectProvider>> | undefined;
  if (willBuild) {
    try {
      provider = await selectProvider(request.env);
    } catch (error) {
      throw new PipelineInputError((error as Error).message);
    }
  }
  const missing = await missingSystemPackages(
    {
      python: '/usr/bin/python3',
      build: willBuild,
      deploy: willDeploy,
      ssh: (request.target ?? '').startsWith('ssh:'),
    },
    request.env,
  );
  if (missing.length > 0) throw new PipelineInputError(missingPackagesMessage(missing));

  const recorder = startRun({
    dir: ledgerDir(repoRoot),
    kind: request.command,
    intent: { name, hash: intentHash(intent) },
  });
  const reporter = recordingReporter(recorder, request.reporter);
  const usage: LlmUsage[] = [];
  const onUsage = (u: LlmUsage, task: string) => {
    usage.push(u);
    recorder.recordLlmCall({ ...u, task });
  };
  const result: PipelineResult = {
    status: 'failed',
    service: name,
    approvalMode: intent.approval_mode,
    message: '',
    lint: [],
    costUsd: 0,
  };
  const finish = (status: PipelineStatus, message: string): PipelineResult => {
    result.status = status;
    result.message = message;
    result.costUsd = Math.round(usage.reduce((n, u) => n + u.costUsd, 0) * 1e6) / 1e6;
    recorder.finish(
      status === 'failed' ? 'failed' : status === 'needs-human-review' ? 'needs-human-review' : 'succeeded',
      status === 'failed' || status === 'needs-human-review' ? message : undefined,
    );
    return result;
  };

  try {
    let specHash = manifest?.spec_hash;
    if (willBuild && provider) {
      reporter.info(`provider: ${provider.provider.name} (${provider.reason})`);
      let spec: string;
      if (request.command === 'run') {
        const job = await runSpecJob({ repoRoot, intent, provider: provider.provider, reporter, onUsage });
        for (const score of job.scoreHistory) recorder.recordScore(score);
        result.score = job.score;
        if (job.status !== 'passed')
          return finish(
            'needs-human-review',
            `the SPEC scores ${job.score}, below the gate of ${PASSING_SCORE}; a person reviews specs/${name}/SPEC.md`,
          );
        if (!intent.auto_build) return finish('spec-ready', 'auto_build is false: stopped after the SPEC');
        spec = job.markdown;
      } else {
        const stored = readStoredSpec(repoRoot, name);
        if (!stored)
          throw new PipelineInputError(
            `no SPEC for '${name}' at specs/${name}/SPEC.md: the build line starts from a merged SPEC`,
          );
        const gate = verifySpec(stored.markdown, intent);
        result.score = gate.score;
        recorder.recordScore(gate.score);
        if (!gate.passed)
          return finish(
            'needs-human-review',
            `specs/${name}/SPEC.md scores ${gate.score}, below the gate of ${PASSING_SCORE}`,
          );
        spec = stored.markdown;
      }
      const build = await runBuildJob({
        repoRoot,
        intent,
        spec,
        provider: provider.provider,
        reporter,
        onUsage,
        version: SERVICE_VERSION,
      });
      takeBuildFigures(result, build);
      const tests = build.line.build?.tests;
      if (tests)
        recorder.recordTests({
          passed: tests.passed,
          failed: tests.failed + tests.errors,
          coverage: build.line.build?.coverage ?? 0,
        });
      if (!build.ok) return finish('failed', build.failure ?? 'the build failed');
      if (!willDeploy)
        return finish(
          'built',
          request.command === 'build'
            ? `built services/${name}/`
            : 'deploy_local is false and no target was given: built, not deployed',
        );
      specHash = build.line.stamp.spec_hash;
    }

    const deploy = await runDeployJob({
      repoRoot,
      intent,
      target: target!,
      registry: registry!,
      reporter,
      specHash: specHash!,
      version: SERVICE_VERSION,
    });
    result.releaseId = deploy.outcome.release.releaseId;
    const serving = deploy.outcome.serving;
    result.deploy = {
      ok: deploy.ok,
      registered: deploy.ok && deploy.registered !== undefined,
      ...(!deploy.ok && serving ? { serving: { releaseId: serving.releaseId, url: serving.url } } : {}),
      ...(deploy.outcome.logTail ? { logTail: deploy.outcome.logTail } : {}),
    };
    if (!deploy.ok) return finish('failed', deploy.message);
    result.serviceUrl = deploy.outcome.release.url;
    return finish(
      'deployed',
      `release ${result.releaseId} serves ${result.serviceUrl}, registered in ${registry!.description}`,
    );
  } catch (error) {
    if (error instanceof DeployError) {
      // The target refused before a release was started (host key, unreachable host): nothing changed there.
      result.deploy = { ok: false, registered: false };
      return finish('failed', error.message);
    }
    const message = error instanceof Error ? error.message : String(error);
    return finish('failed', message);
  }
}

function deployableBuild(repoRoot: string, intent: Intent) {
  try {
    return requireDeployableBuild(repoRoot, intent);
  } catch (error) {
    if (error instanceof BuildStampError) throw new PipelineInputError(error.message);
    throw error;
  }
}

function takeBuildFigures(result: PipelineResult, build: BuildJobResult) {
  const python = build.line.build;
  if (python) {
    result.tests = python.tests;
    result.coverage = python.coverage;
    result.lint = python.lint;
  }
  if (build.udc) result.udc = build.udc;
}
