import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type BuildJobResult, buildService } from '../pipeline/build.js';
import { PASSING_SCORE } from '../pipeline/policy.js';
import { displayPath, findRepositoryRoot } from '../repo-files.js';
import { specPaths } from '../spec/store.js';
import { formatUdcTable } from '../udc/verify.js';
import { type Command, FORMAT_OPTION, MAX_COST_OPTION, outputFormat } from './command.js';
import { loadIntentArgument } from './intent-arg.js';
import { EXIT, styleFor, UsageError, UserError } from './io.js';
import { formatDuration, stderrReporter } from './progress.js';
import { cliLedger, cliProvider, requireSystemPackages } from './wiring.js';

/** `hello-world`, `specs/hello-world/SPEC.md` or `specs/hello-world` → the service name. */
export function serviceNameFromArgument(argument: string): string {
  const trimmed = argument.replace(/\/+$/, '');
  if (trimmed.endsWith('.md')) return basename(dirname(trimmed));
  return basename(trimmed).replace(/\.(ya?ml)$/, '');
}

export function buildSummaryJson(result: BuildJobResult) {
  const build = result.line.build;
  return {
    ok: result.ok,
    service: result.line.service,
    reused: result.line.reused,
    code_attempts: result.line.codeAttempts,
    test_regenerations: result.line.testRegenerations,
    tests: build
      ? {
          passed: build.tests.passed,
          failed: build.tests.failed + build.tests.errors,
          skipped: build.tests.skipped,
        }
      : null,
    coverage: build?.coverage ?? null,
    lint: build?.lint ?? [],
    udc: result.udc ?? null,
    failure: result.failure ?? null,
    duration_ms: result.line.durationMs,
  };
}

export const buildCommand: Command = {
  name: 'build',
  summary: 'Generate, test and UDC-verify the service of a SPEC',
  usage: '<name | specs/<name>/SPEC.md>',
  description:
    'The build line: code generation → test generation → venv + pytest (coverage >= 70%) + pyflakes →\n' +
    'UDC verification of the five endpoints on a loopback port. Writes services/<name>/. The SPEC\n' +
    'must pass the quality gate (score >= 90). An unchanged SPEC and intent reuse the generated code\n' +
    'without a model call. Generated code is retried with the error output (3 attempts), failing tests\n' +
    'are regenerated (2 times).',
  options: { ...MAX_COST_OPTION, ...FORMAT_OPTION },
  exitCodes: [
    '0  built, tested and UDC-verified',
    '1  a phase failed, or invalid input',
    '3  the SPEC is below the gate',
  ],
  async run({ io, values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError('build takes exactly one service name or SPEC.md path');
    const name = serviceNameFromArgument(positionals[0]!);
    const repoRoot = findRepositoryRoot(
      positionals[0]!.endsWith('.md') ? resolve(io.cwd, positionals[0]!) : io.cwd,
    );
    if (!repoRoot) throw new UserError('no intents/ folder here or in any parent directory');
    const intentFile = ['yaml', 'yml'].map((e) => join(repoRoot, 'intents', `${name}.${e}`)).find(existsSync);
    if (!intentFile)
      throw new UserError(
        `no intent for '${name}': expected ${displayPath(join(repoRoot, 'intents', `${name}.yaml`), io.cwd)}`,
      );
    const intent = await loadIntentArgument(intentFile, io.cwd);
    const specFile = specPaths(repoRoot, name).spec;
    if (!existsSync(specFile)) {
      throw new UserError(
        `no SPEC for '${name}': run 'assembly-line spec ${displayPath(intentFile, io.cwd)}' first`,
      );
    }
    const spec = readFileSync(specFile, 'utf8');
    await requireSystemPackages({ build: true }, io);
    const choice = await cliProvider(io.env, (message) => io.stderr.write(`${message}\n`), values);
    const run = await buildService(
      {
        repoRoot,
        provider: choice.provider,
        reporter: stderrReporter(io, name),
        ledger: cliLedger(repoRoot),
      },
      intent,
      spec,
    );
    if (run.status === 'needs-human-review') {
      io.stderr.write(
        `assembly-line: ${displayPath(specFile, io.cwd)} scores ${run.gate.score}, below the gate of ${PASSING_SCORE}; run 'assembly-line verify ${displayPath(specFile, io.cwd)}'\n`,
      );
      return EXIT.gateFailed;
    }
    const result = run.job!;
    const build = result.line.build;
    if (outputFormat(values) === 'json') {
      io.stdout.write(`${JSON.stringify(buildSummaryJson(result), null, 2)}\n`);
    } else {
      const out = styleFor(io.stdout, io.env);
      if (build) {
        io.stdout.write(
          `tests: ${build.tests.passed} passed, ${build.tests.failed + build.tests.errors} failed` +
            `; coverage ${build.coverage ?? '-'}%; lint ${build.lint.length} message(s)` +
            `${result.line.reused ? '; code reused (no model call)' : `; code attempts ${result.line.codeAttempts}`}\n`,
        );
        for (const failing of build.tests.failing)
          io.stdout.write(`  FAILED ${failing.name}\n${failing.output}\n`);
        for (const lint of build.lint) io.stdout.write(`  ${lint.file}:${lint.line}: ${lint.message}\n`);
      }
      if (result.udc) io.stdout.write(`${formatUdcTable(result.udc, out)}\n`);
      io.stdout.write(
        result.ok
          ? `${out.green('built')} ${name} in ${formatDuration(result.line.durationMs)}: services/${name}/\n`
          : `${out.red('failed')} ${name}: ${result.failure}\n`,
      );
    }
    return result.ok ? EXIT.ok : EXIT.failed;
  },
};
