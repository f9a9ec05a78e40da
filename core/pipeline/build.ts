import type { Intent } from '../intent/schema.js';
import type { LedgerRun } from '../ports/index.js';
import { type Verification, verifySpec } from '../spec/verifier/index.js';
import { type BuildJobResult, runBuildJob } from './build-job.js';

export type { BuildJobResult };

import { type BuildContext, startRecording } from './context.js';
import { PASSING_SCORE, SERVICE_VERSION } from './policy.js';

export interface BuildRunResult {
  /** `needs-human-review`: the SPEC is below the gate, and nothing was built or recorded. */
  status: 'built' | 'needs-human-review' | 'failed';
  gate: Verification;
  job?: BuildJobResult;
  message: string;
  costUsd: number;
}

/** Test figures of a build, as the ledger keeps them. */
export function recordBuildTests(run: LedgerRun, job: BuildJobResult): void {
  const build = job.line.build;
  if (build)
    run.recordTests({
      passed: build.tests.passed,
      failed: build.tests.failed + build.tests.errors,
      coverage: build.coverage ?? 0,
    });
}

/**
 * The build line of a SPEC as one ledger run: the gate first (a SPEC below it is refused before any
 * work), then code, tests, build & test and UDC verification. A failed phase is a result; an error the
 * build line cannot describe is recorded and thrown.
 */
export async function buildService(
  context: BuildContext,
  intent: Intent,
  spec: string,
): Promise<BuildRunResult> {
  const gate = verifySpec(spec, intent);
  if (!gate.passed)
    return {
      status: 'needs-human-review',
      gate,
      message: `the SPEC scores ${gate.score}, below the gate of ${PASSING_SCORE}`,
      costUsd: 0,
    };
  const recording = startRecording(context, 'build', intent);
  recording.run.recordScore(gate.score);
  let job: BuildJobResult;
  try {
    job = await runBuildJob({
      repoRoot: context.repoRoot,
      ...(context.workspace ? { workspace: context.workspace } : {}),
      intent,
      spec,
      provider: context.provider,
      reporter: recording.reporter,
      onUsage: recording.onUsage,
      version: SERVICE_VERSION,
    });
  } catch (error) {
    recording.run.finish('failed', (error as Error).message);
    throw error;
  }
  recordBuildTests(recording.run, job);
  recording.run.finish(job.ok ? 'succeeded' : 'failed', job.failure);
  return {
    status: job.ok ? 'built' : 'failed',
    gate,
    job,
    message: job.ok ? `built services/${intent.service_name}/` : (job.failure ?? 'the build failed'),
    costUsd: recording.costUsd(),
  };
}
