import { specIntents } from '../pipeline/spec.js';
import { displayPath } from '../repo-files.js';
import { type Command, FORMAT_OPTION, MAX_COST_OPTION, outputFormat } from './command.js';
import { loadIntentArgument, repositoryRootFor } from './intent-arg.js';
import { EXIT, styleFor, UsageError } from './io.js';
import { formatDuration, stderrReporter } from './progress.js';
import { cliLedger, cliProvider } from './wiring.js';

export const specCommand: Command = {
  name: 'spec',
  summary: 'Write, score and optimize specs/<name>/SPEC.md for one or more intents',
  usage: '<intent.yaml>...',
  description:
    'The SPEC line: each intent is queued by priority (critical, high, medium, low; FIFO within a\n' +
    'level), its SPEC generated, scored by the verifier and optimized while the score is below 90\n' +
    '(at most 3 cycles; the best draft is kept). Writes specs/<name>/SPEC.md and verification.json.\n' +
    'A current SPEC (same intent hash, still passing) is reused without a model call; a SPEC a person\n' +
    'edited is re-verified, never regenerated, unless --force. Progress goes to stderr.\n' +
    'Provider: anthropic when ANTHROPIC_API_KEY is set, else offline (ASSEMBLY_LINE_PROVIDER overrides).',
  options: {
    force: { type: 'boolean', description: 'Regenerate even a current or hand-edited SPEC.' },
    concurrency: { type: 'string', valueName: 'N', default: '2', description: 'SPECs written at once.' },
    ...MAX_COST_OPTION,
    ...FORMAT_OPTION,
  },
  exitCodes: [
    '0  every SPEC passed the gate',
    '1  invalid intent or a failure',
    '3  a SPEC still scores below 90 (needs human review)',
  ],
  async run({ io, values, positionals }) {
    if (positionals.length === 0) throw new UsageError('spec needs at least one intent file');
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
      throw new UsageError(`--concurrency must be a whole number from 1 to 16, not '${values.concurrency}'`);
    }
    // Each intent belongs to the repository that holds it: its SPEC and ledger record are written there.
    const jobs = [];
    for (const path of positionals)
      jobs.push({
        intent: await loadIntentArgument(path, io.cwd),
        repoRoot: repositoryRootFor(path, io.cwd),
        path,
      });
    const seen = new Map<string, string>();
    for (const { intent, path } of jobs) {
      const first = seen.get(intent.service_name);
      if (first !== undefined)
        throw new UsageError(
          `${first} and ${path} both name the service '${intent.service_name}'; run spec once for each`,
        );
      seen.set(intent.service_name, path);
    }
    const choice = await cliProvider(io.env, (message) => io.stderr.write(`${message}\n`), values);
    const err = styleFor(io.stderr, io.env);
    io.stderr.write(`${err.dim(`provider: ${choice.provider.name} (${choice.reason})`)}\n`);

    const outcomes = await specIntents(
      jobs.map(({ intent, repoRoot }) => ({
        intent,
        context: {
          repoRoot,
          provider: choice.provider,
          ledger: cliLedger(repoRoot),
          reporter: stderrReporter(io, intent.service_name),
        },
      })),
      {
        concurrency,
        force: values.force === true,
        onStart: (intent, entry, progress) => {
          if (entry.breachedSla)
            progress.info(`started after ${formatDuration(entry.waitedMs)}, past the ${intent.priority} SLA`);
        },
        onDone: (outcome, progress) => {
          if (outcome.error) progress.info(err.red(`failed: ${outcome.error}`));
        },
      },
    );

    if (outputFormat(values) === 'json') {
      const results = outcomes.map(({ intent, job: result, error }) => ({
        name: intent.service_name,
        priority: intent.priority,
        ...(result
          ? {
              action: result.action,
              status: result.status,
              score: result.score,
              score_history: result.scoreHistory,
              spec: displayPath(result.specPath, io.cwd),
              cost_usd: result.record.cost_usd,
            }
          : { status: 'failed', error }),
      }));
      io.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    } else {
      const out = styleFor(io.stdout, io.env);
      for (const { intent, job: result, error } of outcomes) {
        if (!result) {
          io.stdout.write(`${out.red('FAILED')}  ${intent.service_name}: ${error}\n`);
          continue;
        }
        const verdict = result.status === 'passed' ? out.green('passed') : out.yellow('needs-human-review');
        io.stdout.write(
          `${verdict}  ${intent.service_name}  score ${result.score} (${result.scoreHistory.join(' → ')})  ` +
            `${result.action}, $${result.record.cost_usd.toFixed(4)}  ${displayPath(result.specPath, io.cwd)}\n`,
        );
      }
    }
    if (outcomes.some((o) => o.error)) return EXIT.failed;
    return outcomes.some((o) => o.status !== 'passed') ? EXIT.gateFailed : EXIT.ok;
  },
};
