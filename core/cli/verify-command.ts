import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { findRepositoryRoot } from '../repo-files.js';
import { PASSING_SCORE, verifySpec } from '../spec/verifier/index.js';
import { type Command, FORMAT_OPTION, outputFormat } from './command.js';
import { loadIntentArgument } from './intent-arg.js';
import { EXIT, styleFor, UsageError, UserError } from './io.js';

/** specs/<name>/SPEC.md → intents/<name>.yaml of the same repository, when --intent is not given. */
function defaultIntentFor(specPath: string): string | undefined {
  const name = basename(dirname(specPath));
  const root = findRepositoryRoot(dirname(specPath));
  if (!root) return undefined;
  return ['yaml', 'yml'].map((ext) => join(root, 'intents', `${name}.${ext}`)).find((p) => existsSync(p));
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Score a SPEC.md 0-100 against its intent with the rule-based verifier',
  usage: '<SPEC.md> [--intent <intent.yaml>]',
  description:
    'Scores the SPEC with every verifier rule (docs/verifier.md) and prints each finding as\n' +
    'path:line: rule: message. The quality gate is 90. Without --intent, specs/<name>/SPEC.md is\n' +
    'checked against intents/<name>.yaml of the same repository.',
  options: {
    intent: { type: 'string', valueName: 'FILE', description: 'The intent the SPEC was written for.' },
    ...FORMAT_OPTION,
  },
  exitCodes: ['0  score >= 90', '1  invalid input (missing file, invalid intent)', '3  score below 90'],
  async run({ io, values, positionals }) {
    if (positionals.length !== 1) throw new UsageError('verify takes exactly one SPEC.md path');
    const specArg = positionals[0]!;
    const specPath = resolve(io.cwd, specArg);
    if (!existsSync(specPath)) throw new UserError(`${specArg}: no such file`);
    if (!statSync(specPath).isFile()) throw new UserError(`${specArg} is a directory; pass its SPEC.md`);
    const intentPath = typeof values.intent === 'string' ? values.intent : defaultIntentFor(specPath);
    if (!intentPath) {
      throw new UserError(`no intent found for ${specArg}; pass --intent intents/<name>.yaml`);
    }
    const intent = await loadIntentArgument(intentPath, io.cwd);
    const verification = verifySpec(readFileSync(specPath, 'utf8'), intent);
    if (outputFormat(values) === 'json') {
      const rules = verification.rules.map(({ id, weight, score, findings }) => ({
        id,
        weight,
        score,
        findings,
      }));
      io.stdout.write(
        `${JSON.stringify({ score: verification.score, passed: verification.passed, rules }, null, 2)}\n`,
      );
    } else {
      const out = styleFor(io.stdout, io.env);
      for (const rule of verification.rules) {
        for (const finding of rule.findings)
          io.stdout.write(
            `${specArg}:${finding.line}: ${rule.id}: ${finding.message}${finding.blocking ? ' [blocks the gate]' : ''}\n`,
          );
      }
      const blocked = verification.blockers > 0 ? ` (${verification.blockers} blocking finding(s))` : '';
      const verdict = verification.passed
        ? out.green('passed')
        : out.red(`below the gate of ${PASSING_SCORE}${blocked}`);
      io.stdout.write(`score ${verification.score}/100: ${verdict}\n`);
    }
    return verification.passed ? EXIT.ok : EXIT.gateFailed;
  },
};
