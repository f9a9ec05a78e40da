import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../package-root.js';
import type { Command } from './command.js';
import { type CliIo, EXIT, styleFor, UsageError, UserError } from './io.js';

/**
 * Each command's module, loaded only when that command runs: `validate` never loads the build line,
 * the deploy targets or the Anthropic SDK, so the CLI (and the Action, from the same code) starts fast.
 * The order is the order of the help.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run-command.js')).runCommand,
  validate: async () => (await import('./validate-command.js')).validateCommand,
  spec: async () => (await import('./spec-command.js')).specCommand,
  verify: async () => (await import('./verify-command.js')).verifyCommand,
  plan: async () => (await import('./plan-command.js')).planCommand,
  build: async () => (await import('./build-command.js')).buildCommand,
  udc: async () => (await import('./udc-command.js')).udcCommand,
  deploy: async () => (await import('./deploy-commands.js')).deployCommand,
  rollback: async () => (await import('./deploy-commands.js')).rollbackCommand,
  ps: async () => (await import('./deploy-commands.js')).psCommand,
  stop: async () => (await import('./deploy-commands.js')).stopCommand,
  logs: async () => (await import('./deploy-commands.js')).logsCommand,
  status: async () => (await import('./status-command.js')).statusCommand,
};
/**
 * Commands bin/assembly-line.js hands to another package before the CLI loads: listed in the help, but
 * never imported here (core does not import probot).
 */
const OUTSIDE_COMMANDS: Record<string, string> = {
  bot: 'Run the GitHub App (Probot): each pushed intents/*.yaml becomes a SPEC pull request',
};
const COMMAND_NAMES = Object.keys(COMMANDS);

function loadCommand(name: string): Promise<Command> | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name]!() : undefined;
}

const COMMON_EXIT_CODES = [
  '0  success',
  '1  invalid input, or the job failed',
  '2  usage error (unknown command or option)',
  '3  quality gate failed (the SPEC needs human review)',
];

/** The version in the package.json above this module, whether it runs from core/ or out/core/. */
export function packageVersion(): string {
  const path = join(packageRoot(import.meta.url), 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function optionLines(command: Command): string[] {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    const short = spec.short ? `-${spec.short}, ` : '    ';
    return [
      `${short}${flag}`,
      spec.description + (spec.default !== undefined ? ` (default: ${spec.default})` : ''),
    ];
  });
  rows.push(['-h, --help', 'Show this help.']);
  const width = Math.max(...rows.map(([flag]) => flag!.length));
  return rows.map(([flag, text]) => `  ${flag!.padEnd(width)}  ${text}`);
}

export function commandHelp(command: Command): string {
  return [
    `Usage: assembly-line ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary,
    '',
    command.description,
    '',
    'Options:',
    ...optionLines(command),
    '',
    'Exit codes:',
    ...(command.exitCodes ?? COMMON_EXIT_CODES).map((line) => `  ${line}`),
    ...(command.exitCodes ? ['  2  usage error'] : []),
    '',
  ].join('\n');
}

/** Loads every command for its summary: help is the one place that needs them all. */
export async function generalHelp(): Promise<string> {
  // One at a time: Jest's ESM loader fails on concurrent imports that share modules.
  const commands: Command[] = [];
  for (const name of COMMAND_NAMES) commands.push(await COMMANDS[name]!());
  const rows = [
    ...commands.map((c): [string, string] => [c.name, c.summary]),
    ...Object.entries(OUTSIDE_COMMANDS),
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return [
    'Usage: assembly-line <command> [options]',
    '',
    'Turns a service intent into a deployed, registered, health-checked service.',
    '',
    'Commands:',
    ...rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Options:',
    '  -h, --help     Show help; `assembly-line <command> --help` for a command.',
    '  -v, --version  Print the version.',
    '',
    'Exit codes:',
    ...COMMON_EXIT_CODES.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const target = name === 'help' && rest[0] !== undefined ? await loadCommand(rest[0]) : undefined;
    io.stdout.write(target ? commandHelp(target) : await generalHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = await loadCommand(name);
  if (!command) {
    const { didYouMean } = await import('../suggest.js');
    throw new UsageError(
      `unknown command '${name}'${didYouMean(name, [...COMMAND_NAMES, ...Object.keys(OUTSIDE_COMMANDS)])}; run 'assembly-line --help'`,
    );
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `${command.name}: ${(error as Error).message}; run 'assembly-line ${command.name} --help'`,
    );
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  const format = parsed.values.format;
  if (format !== undefined && format !== 'text' && format !== 'json') {
    throw new UsageError(`${command.name}: --format must be text or json, not '${String(format)}'`);
  }
  return command.run({ io, values: parsed.values, positionals: parsed.positionals });
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const err = styleFor(io.stderr, io.env);
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`assembly-line: ${err.red('usage error')}: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof UserError) {
      io.stderr.write(`assembly-line: ${err.red('error')}: ${error.message}\n`);
      return error.exitCode;
    }
    const { redactSecrets } = await import('../redact.js');
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    io.stderr.write(`assembly-line: ${err.red('internal error')}: ${message}\n`);
    if (io.env.ASSEMBLY_LINE_DEBUG && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    else io.stderr.write('Set ASSEMBLY_LINE_DEBUG=1 to see where it happened, and please report it.\n');
    return EXIT.failed;
  }
}
