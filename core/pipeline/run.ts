import { performance } from 'node:perf_hooks';
import type { Intent } from '../intent/schema.js';
import type { FinalOutcome } from '../ledger/schema.js';
import { runSpecJob, type SpecJobResult } from '../spec/spec-job.js';
import { recordBuildTests } from './build.js';
import { type BuildJobResult, runBuildJob } from './build-job.js';
import { type RunContext, startRecording } from './context.js';
import { type DeployJobResult, runDeployJob } from './deploy-job.js';
import { buildsAfterSpec, deploysAfterBuild, PASSING_SCORE, SERVICE_VERSION } from './policy.js';

export type RunStatus = 'deployed' | 'built' | 'spec-ready' | 'needs-human-review' | 'failed';

/** Where and why a run ended. */
export type RunEnd =
  | 'deployed'
  | 'gate-failed'
  | 'auto-build-off'
  | 'not-deployed'
  | 'build-failed'
  | 'deploy-failed'
  | 'error';

export interface RunResult {
  status: RunStatus;
  end: RunEnd;
  service: string;
  /** One sentence: what happened, or what failed. */
  message: string;
  spec?: SpecJobResult;
  build?: BuildJobResult;
  deploy?: DeployJobResult;
  costUsd: number;
  durationMs: number;
}

export interface RunOptions {
  /** The caller named a deploy target: the run deploys even when the intent's deploy_local is false. */
  targetNamed: boolean;
}

const OUTCOME: Record<RunStatus, FinalOutcome> = {
  deployed: 'succeeded',
  built: 'succeeded',
  'spec-ready': 'succeeded',
  'needs-human-review': 'needs-human-review',
  failed: 'failed',
};

/**
 * The whole run of one intent as one ledger run: SPEC (gate) → build → UDC → deploy → health →
 * register, stopping where the policy says (see policy.ts). Every ending is a result, never a throw.
 */
export async function runIntent(
  context: RunContext,
  intent: Intent,
  options: RunOptions,
): Promise<RunResult> {
  const started = performance.now();
  const recording = startRecording(context, 'run', intent);
  const { reporter, onUsage } = recording;
  const { repoRoot, provider } = context;
  const result: RunResult = {
    status: 'failed',
    end: 'error',
    service: intent.service_name,
    message: '',
    costUsd: 0,
    durationMs: 0,
  };
  const finish = (status: RunStatus, end: RunEnd, message: string): RunResult => {
    const outcome = OUTCOME[status];
    recording.run.finish(outcome, outcome === 'succeeded' ? undefined : message);
    return Object.assign(result, {
      status,
      end,
      message,
      costUsd: recording.costUsd(),
      durationMs: Math.round(performance.now() - started),
    });
  };

  try {
    const spec = await runSpecJob({
      repoRoot,
      ...(context.workspace ? { workspace: context.workspace } : {}),
      intent,
      provider,
      reporter,
      onUsage,
    });
    result.spec = spec;
    for (const score of spec.scoreHistory) recording.run.recordScore(score);
    if (spec.status !== 'passed')
      return finish(
        'needs-human-review',
        'gate-failed',
        `the SPEC scores ${spec.score}, below the gate of ${PASSING_SCORE}; review ${spec.specPath}`,
      );
    if (!buildsAfterSpec(intent))
      return finish('spec-ready', 'auto-build-off', 'auto_build is false: stopped after the SPEC');

    const build = await runBuildJob({
      repoRoot,
      ...(context.workspace ? { workspace: context.workspace } : {}),
      intent,
      spec: spec.markdown,
      provider,
      reporter,
      onUsage,
      version: SERVICE_VERSION,
    });
    result.build = build;
    recordBuildTests(recording.run, build);
    if (!build.ok) return finish('failed', 'build-failed', build.failure ?? 'the build failed');
    if (!deploysAfterBuild(intent, options.targetNamed))
      return finish(
        'built',
        'not-deployed',
        'deploy_local is false and no target was named: built, not deployed',
      );

    const { target, registry } = context;
    if (!target || !registry)
      throw new Error('this run deploys, but its context has no deploy target or registry');
    const deploy = await runDeployJob({
      repoRoot,
      intent,
      target,
      registry,
      reporter,
      specHash: build.line.stamp.spec_hash,
      version: SERVICE_VERSION,
      ...(context.now ? { now: context.now } : {}),
    });
    result.deploy = deploy;
    if (!deploy.ok) return finish('failed', 'deploy-failed', deploy.message);
    return finish('deployed', 'deployed', 'deployed, healthy and registered');
  } catch (error) {
    return finish('failed', 'error', error instanceof Error ? error.message : String(error));
  }
}
