import { formatDiagnostic } from '../diagnostics.js';
import { findRepositoryRoot } from '../repo-files.js';
import { InputError, validateIntentPaths } from '../workspace/intents.js';
import { type Command, FORMAT_OPTION, outputFormat } from './command.js';
import { EXIT, styleFor, UserError } from './io.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check intent files against the schema and the repository rules',
  usage: '[PATH...]',
  description:
    'Validates each intent file, or every *.yaml/*.yml file in each directory. With no PATH, the intents/\n' +
    'folder of the enclosing repository. Each file is checked on its own (schema, YAML limits) and\n' +
    'against the intents beside it (unique ports, known dependencies, no cycles).',
  options: { ...FORMAT_OPTION },
  exitCodes: ['0  every intent is valid', '1  at least one intent is invalid'],
  async run({ io, values, positionals }) {
    let targets = positionals;
    if (targets.length === 0) {
      const root = findRepositoryRoot(io.cwd);
      if (!root) throw new UserError('no intents/ folder here or in any parent directory; pass a PATH');
      targets = [`${root}/intents`];
    }
    let reports: Awaited<ReturnType<typeof validateIntentPaths>>;
    try {
      reports = await validateIntentPaths(targets, io.cwd);
    } catch (error) {
      if (error instanceof InputError) throw new UserError(error.message);
      throw error;
    }
    const invalid = reports.filter((r) => r.errors.length > 0);
    if (outputFormat(values) === 'json') {
      const files = reports.map((r) => ({
        path: r.path,
        valid: r.errors.length === 0,
        errors: r.errors.map(({ line, col, field, message }) => ({ line, col, field, message })),
      }));
      io.stdout.write(`${JSON.stringify({ files }, null, 2)}\n`);
    } else {
      const out = styleFor(io.stdout, io.env);
      for (const report of reports) {
        if (report.errors.length === 0) io.stdout.write(`${out.green('ok')}  ${report.path}\n`);
        for (const d of report.errors) {
          io.stdout.write(`${formatDiagnostic(d).replace(': error: ', `: ${out.red('error')}: `)}\n`);
        }
      }
      const errorCount = invalid.reduce((n, r) => n + r.errors.length, 0);
      const summary =
        invalid.length === 0
          ? `${reports.length} intent${reports.length === 1 ? '' : 's'} valid`
          : `${invalid.length} of ${reports.length} intents invalid (${errorCount} error${errorCount === 1 ? '' : 's'})`;
      io.stdout.write(`${invalid.length === 0 ? out.green(summary) : out.red(summary)}\n`);
    }
    return invalid.length === 0 ? EXIT.ok : EXIT.failed;
  },
};
