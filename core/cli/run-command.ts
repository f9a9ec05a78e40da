import { type RunResult, type RunStatus, runIntent } from '../pipeline/run.js';
import type { Style } from '../style.js';
import { type Command, FORMAT_OPTION, MAX_COST_OPTION, outputFormat } from './command.js';
import { loadIntentArgument, repositoryRootFor } from './intent-arg.js';
import { EXIT, styleFor, UsageError } from './io.js';
import { formatDuration } from './progress.js';
import { TARGET_OPTIONS } from './target-options.js';
import { cliLedger, cliProvider, requireSystemPackages, targetFor } from './wiring.js';

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
  options: { ...TARGET_OPTIONS, ...MAX_COST_OPTION, ...FORMAT_OPTION },
  exitCodes: [
    '0  the service is live and registered',
    '1  a phase failed (or invalid input)',
    '3  the SPEC is below the gate (needs human review)',
  ],
  async run(context) {
    const { io, values, positionals } = context;
    if (positionals.length !== 1) throw new UsageError('run takes exactly one intent file');
    const started = performance.now();
    const intent = await loadIntentArgument(positionals[0]!, io.cwd);
    const repoRoot = repositoryRootFor(positionals[0]!, io.cwd);
    const choice = await cliProvider(
      io.env,
      (message) => io.stderr.write(`[${intent.service_name}] ${message}\n`),
      values,
    );
    const ssh = String(values.target ?? '').startsWith('ssh:');
    await requireSystemPackages({ build: true, deploy: true, ssh }, io);
    const { target, registry, reporter } = targetFor(context, intent.service_name, repoRoot);
    reporter.info(`provider: ${choice.provider.name} (${choice.reason})`);
    const result = await runIntent(
      { repoRoot, provider: choice.provider, reporter, ledger: cliLedger(repoRoot), target, registry },
      intent,
      { targetNamed: values.target !== undefined },
    );
    const logTail = result.deploy?.ok === false ? result.deploy.outcome.logTail : undefined;
    if (logTail)
      io.stderr.write(`--- log tail of ${result.deploy!.outcome.release.releaseId} ---\n${logTail}\n`);
    const summary = runSummary(result, registry.description, Math.round(performance.now() - started));
    const code = EXIT_CODES[result.status];
    if (outputFormat(values) === 'json') io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout.write(renderRun(summary, code === EXIT.ok, styleFor(io.stdout, io.env)));
    return code;
  },
};

const EXIT_CODES: Record<RunStatus, number> = {
  deployed: EXIT.ok,
  built: EXIT.ok,
  'spec-ready': EXIT.ok,
  'needs-human-review': EXIT.gateFailed,
  failed: EXIT.failed,
};

const OUTCOMES: Record<RunStatus, string> = {
  deployed: 'succeeded',
  built: 'succeeded',
  'spec-ready': 'succeeded',
  'needs-human-review': 'needs-human-review',
  failed: 'failed',
};

/** The run's summary, keys in the order the CLI has always printed them. */
export function runSummary(result: RunResult, registry: string, durationMs: number) {
  const summary: Record<string, unknown> = { service: result.service };
  if (result.spec) summary.score = result.spec.score;
  const build = result.build?.line.build;
  if (build) {
    summary.tests = `${build.tests.passed} passed, ${build.tests.failed + build.tests.errors} failed`;
    summary.coverage = build.coverage ?? undefined;
  }
  if (result.deploy) summary.release = result.deploy.outcome.release.releaseId;
  if (result.status === 'deployed') {
    summary.url = result.deploy!.outcome.release.url;
    summary.registry = registry;
  }
  return Object.assign(summary, {
    ok: EXIT_CODES[result.status] === EXIT.ok,
    outcome: OUTCOMES[result.status],
    message:
      result.end === 'not-deployed'
        ? 'deploy_local is false and no --target was given: built, not deployed'
        : result.message,
    duration_ms: durationMs,
    cost_usd: result.costUsd,
  });
}

function renderRun(summary: ReturnType<typeof runSummary>, live: boolean, out: Style): string {
  const rows: [string, unknown][] = [
    ['url', summary.url],
    ['release', summary.release],
    ['score', summary.score],
    ['tests', summary.tests],
    ['coverage', summary.coverage !== undefined ? `${summary.coverage}%` : undefined],
    ['time', formatDuration(summary.duration_ms)],
    ['cost', `$${summary.cost_usd.toFixed(4)}`],
  ];
  const head = live
    ? out.green(`${summary.service} is live`)
    : out.red(`${summary.service}: ${summary.message}`);
  return `${head}\n${rows
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `  ${key.padEnd(9)}${String(value)}\n`)
    .join('')}`;
}
