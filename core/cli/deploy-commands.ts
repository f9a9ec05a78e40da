import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAME_PATTERN } from '../intent/schema.js';
import { deployedServices, deployService, rollbackService, stopService } from '../pipeline/deploy.js';
import { displayPath } from '../repo-files.js';
import type { Command } from './command.js';
import { FORMAT_OPTION, outputFormat } from './command.js';
import { loadIntentArgument } from './intent-arg.js';
import { type CliIo, EXIT, styleFor, UsageError, UserError } from './io.js';
import { TARGET_OPTIONS } from './target-options.js';
import { cliLedger, targetFor } from './wiring.js';

function oneName(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one service name`);
  const name = positionals[0]!;
  if (!SERVICE_NAME_PATTERN.test(name)) {
    throw new UsageError(`'${name}' is not a service name (lowercase letters, digits and '-')`);
  }
  return name;
}

const TARGET_EXIT_CODES = [
  '0  success',
  '1  the operation failed (target or registry unreachable, release unhealthy)',
];

function writeJson(io: CliIo, value: unknown) {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Deploy the built service to the target, health-gated, then register it',
  usage: '<name>',
  description:
    'Uploads services/<name>/ as a new release (<root>/<name>/releases/<id>/), starts it on a staging\n' +
    'port, waits for GET /health to answer "active" (30 s, one retry after 60 s), then switches the\n' +
    '`current` symlink and the service port over to it and stops the old release. On failure the new\n' +
    'release is stopped and archived and the release that was serving keeps serving. The registry is\n' +
    'written only after health passes. Run `assembly-line build <name>` first.',
  options: { ...TARGET_OPTIONS, ...FORMAT_OPTION },
  exitCodes: TARGET_EXIT_CODES,
  async run(context) {
    const { io, values, positionals } = context;
    const name = oneName(positionals, 'deploy');
    const { target, registry, repoRoot, reporter } = targetFor(context, name);
    if (!repoRoot) throw new UserError('no intents/ folder here or in any parent directory');
    const intentFile = ['yaml', 'yml'].map((e) => join(repoRoot, 'intents', `${name}.${e}`)).find(existsSync);
    if (!intentFile)
      throw new UserError(`no intent for '${name}' in ${displayPath(join(repoRoot, 'intents'), io.cwd)}`);
    const intent = await loadIntentArgument(intentFile, io.cwd);
    const result = await deployService(
      { repoRoot, target, registry, reporter, ledger: cliLedger(repoRoot) },
      intent,
    ).catch((error: Error) => {
      throw new UserError(error.message);
    });
    if (outputFormat(values) === 'json') {
      writeJson(io, {
        ok: result.ok,
        message: result.message,
        release: result.outcome.release,
        serving: result.outcome.serving ?? null,
        registered: result.registered ?? null,
        timings_ms: result.outcome.timingsMs,
      });
    } else {
      const out = styleFor(io.stdout, io.env);
      io.stdout.write(
        result.ok
          ? `${out.green('deployed')} ${name} release ${result.outcome.release.releaseId} at ${result.outcome.release.url}\n`
          : `${out.red('deploy failed')} ${name}: ${result.message}\n${result.outcome.logTail ? `--- log tail ---\n${result.outcome.logTail}\n` : ''}`,
      );
    }
    return result.ok ? EXIT.ok : EXIT.failed;
  },
};

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'Switch a service back to its previous release',
  usage: '<name>',
  description:
    'Points `current` at the previous release, restarts it on the service port, and re-registers it.',
  options: { ...TARGET_OPTIONS, ...FORMAT_OPTION },
  exitCodes: TARGET_EXIT_CODES,
  async run(context) {
    const { io, values, positionals } = context;
    const name = oneName(positionals, 'rollback');
    const { target, registry, reporter } = targetFor(context, name);
    const { outcome, registryProblem } = await rollbackService({ target, registry, reporter }, name).catch(
      (error: Error) => {
        throw new UserError(error.message);
      },
    );
    if (registryProblem !== undefined)
      throw new UserError(
        `rolled back to ${outcome.release.releaseId}, which serves ${outcome.release.url}, but the registry was not updated: ${registryProblem}`,
      );
    if (outputFormat(values) === 'json')
      writeJson(io, { ok: outcome.ok, message: outcome.message, release: outcome.release });
    else io.stdout.write(`${outcome.ok ? 'rolled back' : 'rollback failed'} ${name}: ${outcome.message}\n`);
    return outcome.ok ? EXIT.ok : EXIT.failed;
  },
};

export const psCommand: Command = {
  name: 'ps',
  summary: 'List deployed services: release, status, restarts, URL, registration',
  usage: '',
  description:
    'Lists every service on the target with its current release, its status (running, restarting,\n' +
    'stopped, failed), how often its supervisor restarted it, and whether it is registered. A registered\n' +
    'service that is not running is marked degraded in the registry, and active again once it runs.',
  options: { ...TARGET_OPTIONS, ...FORMAT_OPTION },
  exitCodes: TARGET_EXIT_CODES,
  async run(context) {
    const { io, values, positionals } = context;
    if (positionals.length > 0) throw new UsageError('ps takes no arguments');
    const { target, registry, reporter } = targetFor(context, 'ps');
    const rows = await deployedServices({ target, registry, reporter }).catch((error: Error) => {
      throw new UserError(error.message);
    });
    if (outputFormat(values) === 'json') {
      writeJson(io, { services: rows });
      return EXIT.ok;
    }
    if (rows.length === 0) {
      io.stdout.write('no services deployed\n');
      return EXIT.ok;
    }
    const header = ['NAME', 'RELEASE', 'STATUS', 'RESTARTS', 'URL', 'REGISTERED'];
    const table = [
      header,
      ...rows.map((r) => [
        r.name,
        r.release,
        r.status,
        String(r.restarts),
        r.url,
        r.registered ? `yes (${r.health})` : 'no',
      ]),
    ];
    const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    for (const row of table)
      io.stdout.write(
        `${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
      );
    for (const r of rows) if (r.note) io.stdout.write(`${r.name}: ${r.note}\n`);
    return EXIT.ok;
  },
};

export const stopCommand: Command = {
  name: 'stop',
  summary: 'Stop a deployed service and deregister it',
  usage: '<name>',
  description: 'Stops every running release of the service and removes it from the registry.',
  options: { ...TARGET_OPTIONS },
  exitCodes: TARGET_EXIT_CODES,
  async run(context) {
    const { io, positionals } = context;
    const name = oneName(positionals, 'stop');
    const { target, registry, reporter } = targetFor(context, name);
    try {
      await stopService({ target, registry, reporter }, name);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    io.stdout.write(`stopped ${name} and removed it from the registry\n`);
    return EXIT.ok;
  },
};

export const logsCommand: Command = {
  name: 'logs',
  summary: "Print the tail of a deployed service's log",
  usage: '<name>',
  description: 'Prints the last lines of <root>/<name>/logs/ for the current release.',
  options: {
    ...TARGET_OPTIONS,
    lines: { type: 'string', short: 'n', valueName: 'N', default: '100', description: 'How many lines.' },
  },
  exitCodes: TARGET_EXIT_CODES,
  async run(context) {
    const { io, values, positionals } = context;
    const name = oneName(positionals, 'logs');
    const lines = Number(values.lines);
    if (!Number.isInteger(lines) || lines < 1 || lines > 100000)
      throw new UsageError(`--lines must be 1 to 100000, not '${values.lines}'`);
    const { target } = targetFor(context, name);
    const text = await target.logs(name, lines).catch((error: Error) => {
      throw new UserError(error.message);
    });
    io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    return EXIT.ok;
  },
};
