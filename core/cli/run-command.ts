import { intentHash } from '../hash.js';
import { ledgerDir, recordingReporter, startRun } from '../ledger/recorder.js';
import { selectProvider } from '../llm/select.js';
import { runBuildJob } from '../pipeline/build-job.js';
import { runDeployJob, SERVICE_VERSION } from '../pipeline/deploy-job.js';
import { ensureSystemPackages, missingPackagesMessage } from '../pipeline/preflight.js';
import type { LlmUsage } from '../ports/index.js';
import { runSpecJob } from '../spec/spec-job.js';
import { PASSING_SCORE } from '../spec/verifier/index.js';
import { type Command, FORMAT_OPTION, outputFormat } from './command.js';
import { targetFor } from './deploy-commands.js';
import { loadIntentArgument, repositoryRootFor } from './intent-arg.js';
import { EXIT, styleFor, UsageError, UserError } from './io.js';
import { formatDuration } from './progress.js';
import { TARGET_OPTIONS } from './target-options.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'The main job: intent → SPEC → build → UDC → deploy → health → register',
  usage: '<intent.yaml>',
  description:
    'Runs the whole assembly line for one intent on this machine or a target: writes and scores the\n' +
    'SPEC (gate: 90), generates and tests the service (coverage >= 70%, pyflakes), verifies the five\n' +
    'UDC endpoints, deploys it health-gated, and registers it. Unchanged inputs reuse the SPEC and the\n' +
    'code. With no flags: the offline provider when ANTHROPIC_API_KEY is unset, the local target and a\n' +
    'file registry under .assembly-line/ of the repository. Running it is your approval for the\n' +
    "intent's approval_mode; on GitHub the bot and the Action gate it with reviews and environments.",
  options: { ...TARGET_OPTIONS, ...FORMAT_OPTION },
  exitCodes: [
    '0  the service is live and registered',
    '1  a phase failed (or invalid input)',
    '3  the SPEC is below the gate (needs human review)',
  ],
  async run(context) {
    const { io, values, positionals } = context;
    if (positionals.length !== 1) throw new UsageError('run takes exactly one intent file');
    const started = performance.now();
    const intent = loadIntentArgument(positionals[0]!, io.cwd);
    const repoRoot = repositoryRootFor(positionals[0]!, io.cwd);
    const name = intent.service_name;
    let choice: Awaited<ReturnType<typeof selectProvider>>;
    try {
      choice = await selectProvider(io.env, {
        onRetry: (message) => io.stderr.write(`[${name}] ${message}\n`),
      });
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    const missing = await ensureSystemPackages(
      {
        python: '/usr/bin/python3',
        build: true,
        deploy: true,
        ssh: String(values.target ?? '').startsWith('ssh:'),
      },
      io.env,
      { write: (text) => io.stderr.write(text) },
    );
    if (missing.length > 0) throw new UserError(missingPackagesMessage(missing));
    const { target, registry, reporter: progress } = targetFor(context, name, repoRoot);
    progress.info(`provider: ${choice.provider.name} (${choice.reason})`);
    const recorder = startRun({
      dir: ledgerDir(repoRoot),
      kind: 'run',
      intent: { name, hash: intentHash(intent) },
    });
    const reporter = recordingReporter(recorder, progress);
    const usage: LlmUsage[] = [];
    const onUsage = (u: LlmUsage, task: string) => {
      usage.push(u);
      recorder.recordLlmCall({ ...u, task });
    };
    const cost = () => usage.reduce((n, u) => n + u.costUsd, 0);
    const summary: Record<string, unknown> = { service: name };
    const finish = (
      code: number,
      outcome: 'succeeded' | 'failed' | 'needs-human-review',
      message: string,
    ) => {
      recorder.finish(outcome, outcome === 'succeeded' ? undefined : message);
      Object.assign(summary, {
        ok: code === EXIT.ok,
        outcome,
        message,
        duration_ms: Math.round(performance.now() - started),
        cost_usd: Math.round(cost() * 1e6) / 1e6,
      });
      if (outputFormat(values) === 'json') io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        const out = styleFor(io.stdout, io.env);
        const rows: [string, unknown][] = [
          ['url', summary.url],
          ['release', summary.release],
          ['score', summary.score],
          ['tests', summary.tests],
          ['coverage', summary.coverage !== undefined ? `${summary.coverage}%` : undefined],
          ['time', formatDuration(summary.duration_ms as number)],
          ['cost', `$${(summary.cost_usd as number).toFixed(4)}`],
        ];
        io.stdout.write(
          `${code === EXIT.ok ? out.green(`${name} is live`) : out.red(`${name}: ${message}`)}\n`,
        );
        for (const [key, value] of rows)
          if (value !== undefined) io.stdout.write(`  ${key.padEnd(9)}${String(value)}\n`);
      }
      return code;
    };

    try {
      const spec = await runSpecJob({ repoRoot, intent, provider: choice.provider, reporter, onUsage });
      for (const score of spec.scoreHistory) recorder.recordScore(score);
      summary.score = spec.score;
      if (spec.status !== 'passed') {
        return finish(
          EXIT.gateFailed,
          'needs-human-review',
          `the SPEC scores ${spec.score}, below the gate of ${PASSING_SCORE}; review ${spec.specPath}`,
        );
      }
      if (!intent.auto_build)
        return finish(EXIT.ok, 'succeeded', 'auto_build is false: stopped after the SPEC');

      const build = await runBuildJob({
        repoRoot,
        intent,
        spec: spec.markdown,
        provider: choice.provider,
        reporter,
        onUsage,
        version: SERVICE_VERSION,
      });
      const tests = build.line.build?.tests;
      if (tests) {
        summary.tests = `${tests.passed} passed, ${tests.failed + tests.errors} failed`;
        summary.coverage = build.line.build?.coverage ?? undefined;
        recorder.recordTests({
          passed: tests.passed,
          failed: tests.failed + tests.errors,
          coverage: build.line.build?.coverage ?? 0,
        });
      }
      if (!build.ok) return finish(EXIT.failed, 'failed', build.failure ?? 'the build failed');
      if (!intent.deploy_local && values.target === undefined) {
        return finish(
          EXIT.ok,
          'succeeded',
          'deploy_local is false and no --target was given: built, not deployed',
        );
      }

      const deploy = await runDeployJob({
        repoRoot,
        intent,
        target,
        registry,
        reporter,
        specHash: build.line.stamp.spec_hash,
        version: SERVICE_VERSION,
      });
      summary.release = deploy.outcome.release.releaseId;
      if (!deploy.ok) {
        if (deploy.outcome.logTail)
          io.stderr.write(
            `--- log tail of ${deploy.outcome.release.releaseId} ---\n${deploy.outcome.logTail}\n`,
          );
        return finish(EXIT.failed, 'failed', deploy.message);
      }
      summary.url = deploy.outcome.release.url;
      summary.registry = registry.description;
      return finish(EXIT.ok, 'succeeded', 'deployed, healthy and registered');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return finish(EXIT.failed, 'failed', message);
    }
  },
};
