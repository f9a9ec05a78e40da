import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { runCli } from '../core/cli/main.js';
import type { Intent } from '../core/intent/schema.js';
import { OfflineProvider } from '../core/llm/offline/provider.js';
import { runBuildJob } from '../core/pipeline/build-job.js';
import { buildVenvDir, serviceDir } from '../core/pipeline/state.js';
import type { ProgressReporter } from '../core/ports/index.js';
import { runSpecJob } from '../core/spec/spec-job.js';
import { exampleIntent, SIX_FEATURES } from '../test/helpers/intents.js';
import { type BenchResult, measure } from './measure.js';
import { variedIntents } from './spec-corpus.js';

const quiet = { write: () => true };

function tempRepo(intents: Intent[]): string {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-bench-pipeline-'));
  mkdirSync(join(root, 'intents'));
  for (const intent of intents) {
    writeFileSync(join(root, 'intents', `${intent.service_name}.yaml`), stringify(intent));
  }
  return root;
}

/** The whole `assembly-line spec` command on 100 varied intents, offline, every SPEC regenerated. */
export async function benchSpecCommand(count = 100): Promise<BenchResult> {
  // Ports must be unique across one repository, so the generated ports are reassigned.
  const intents = variedIntents(count, 777).map((intent, i) => ({
    ...intent,
    port: 20000 + i,
    dependencies: [],
  }));
  const root = tempRepo(intents);
  const args = ['spec', '--force', ...intents.map((i) => `intents/${i.service_name}.yaml`)];
  try {
    const result = await measure(
      `assembly-line spec on ${count} intents, offline (queue, SPEC, verify, optimize, write, ledger)`,
      async () => {
        const code = await runCli(args, { stdout: quiet, stderr: quiet, cwd: root, env: {} });
        if (code !== 0) throw new Error(`spec exited ${code}`);
      },
      3,
    );
    result.extra = { 'per intent ms': (result.medianMs / count).toFixed(1) };
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function timingReporter(times: Record<string, number>): ProgressReporter {
  const started = new Map<string, number>();
  return {
    phaseStarted: (phase) => started.set(phase, performance.now()),
    phaseFinished: (phase, _outcome, _detail, tookMs) => {
      times[phase] =
        (times[phase] ?? 0) + (tookMs ?? performance.now() - (started.get(phase) ?? performance.now()));
    },
    info: () => undefined,
  };
}

const HELLO = exampleIntent('hello-world');

/**
 * Wall time per build phase (codegen, testgen, build & test, UDC) for hello-world and a 6-feature
 * intent, and the overhead of the build & test phase over a bare `pytest` of the same tests in the
 * same venv.
 */
export async function benchBuildPhases(runs = 3): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const intent of [HELLO, SIX_FEATURES]) {
    const root = tempRepo([intent]);
    try {
      const spec = await runSpecJob({
        repoRoot: root,
        intent,
        provider: new OfflineProvider(),
        reporter: timingReporter({}),
      });
      const phases: Record<string, number>[] = [];
      const result = await measure(
        `build line for ${intent.service_name} (${intent.key_features.length} feature${intent.key_features.length > 1 ? 's' : ''}): codegen → testgen → build & test → UDC`,
        async () => {
          // Fresh code each run, so generation is measured, not reuse; the venv is kept as in real use.
          rmSync(serviceDir(root, intent.service_name), { recursive: true, force: true });
          const times: Record<string, number> = {};
          const job = await runBuildJob({
            repoRoot: root,
            intent,
            spec: spec.markdown,
            provider: new OfflineProvider(),
            reporter: timingReporter(times),
          });
          if (!job.ok) throw new Error(job.failure);
          phases.push(times);
        },
        runs,
      );
      const median = (key: string) => {
        const values = phases.map((p) => p[key] ?? 0).sort((a, b) => a - b);
        return values[Math.floor(values.length / 2)]!;
      };
      const python = join(buildVenvDir(root, intent.service_name), 'bin', 'python');
      const bare: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await execa(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
          cwd: serviceDir(root, intent.service_name),
        });
        bare.push(performance.now() - started);
      }
      bare.sort((a, b) => a - b);
      const barePytest = bare[Math.floor(bare.length / 2)]!;
      const buildTest = median('build_test');
      result.extra = {
        'code_generation ms': median('code_generation').toFixed(0),
        'test_generation ms': median('test_generation').toFixed(0),
        'build_test ms (venv, install, import, pytest --cov, pyflakes)': buildTest.toFixed(0),
        'udc_verification ms': median('udc_verification').toFixed(0),
        'bare pytest of the same tests ms': barePytest.toFixed(0),
        'build & test overhead over bare pytest': `${(((buildTest - barePytest) / barePytest) * 100).toFixed(0)}%`,
      };
      results.push(result);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return results;
}

/**
 * `assembly-line run` end to end for hello-world on the embedded default (offline provider, local
 * target, file registry): cold (nothing generated yet) and again with everything unchanged (reuse).
 */
export async function benchRun(runs = 3): Promise<BenchResult[]> {
  const { findFreePort } = await import('../core/udc/launch.js');
  const intent = { ...HELLO, port: await findFreePort() };
  const results: BenchResult[] = [];
  for (const mode of ['cold', 'unchanged'] as const) {
    const root = tempRepo([intent]);
    const run = async () => {
      const code = await runCli(['run', 'intents/hello-world.yaml'], {
        stdout: quiet,
        stderr: quiet,
        cwd: root,
        env: process.env,
      });
      if (code !== 0) throw new Error(`run exited ${code}`);
    };
    try {
      if (mode === 'unchanged') await run();
      results.push(
        await measure(
          `assembly-line run intents/hello-world.yaml, ${mode === 'cold' ? 'cold (SPEC, code, venv generated)' : 'unchanged inputs (SPEC and code reused, redeployed)'}`,
          async () => {
            if (mode === 'cold') {
              for (const dir of ['specs', 'services', '.assembly-line/venvs'])
                rmSync(join(root, dir), { recursive: true, force: true });
            }
            await run();
          },
          runs,
        ),
      );
    } finally {
      await runCli(['stop', 'hello-world'], { stdout: quiet, stderr: quiet, cwd: root, env: process.env });
      rmSync(root, { recursive: true, force: true });
    }
  }
  return results;
}
