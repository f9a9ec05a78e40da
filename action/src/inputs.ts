import { isAbsolute, normalize } from 'node:path';
import type { PipelineCommand } from './pipeline.js';

/**
 * The Action's inputs, read through a getter (core.getInput in the Action, a table in tests) and checked
 * before any work starts. Every error names the input it is about; secret values are never echoed.
 */

/** The pipeline's commands, and `spec`: the bot's SPEC line over the workflow's event. */
export type ActionCommand = PipelineCommand | 'spec';

export interface ActionInputs {
  command: ActionCommand;
  /** Workspace-relative path of the intent file, normalized; '' for `spec` (the event says which). */
  intent: string;
  target?: string;
  sshKey?: string;
  /** known_hosts lines, as given. */
  knownHosts?: string;
  root?: string;
  registry?: string;
  anthropicApiKey?: string;
  githubToken?: string;
  environment: string;
  healthTimeoutMs?: number;
  healthRetryAfterMs?: number;
  /** Spend cap of the run's model calls, in US dollars. */
  maxCostUsd?: number;
}

/** Inputs whose values are secrets: masked before anything else is read or logged. */
export const SECRET_INPUTS = ['ssh-key', 'anthropic-api-key', 'github-token'] as const;

export const COMMANDS: readonly ActionCommand[] = ['run', 'build', 'deploy', 'spec'];

export class InputsError extends Error {
  constructor(messages: string[]) {
    super(
      messages.length === 1
        ? messages[0]!
        : `${messages.length} inputs are wrong:\n${messages.map((m) => `  - ${m}`).join('\n')}`,
    );
    this.name = 'InputsError';
  }
}

type Get = (name: string) => string;

function optional(get: Get, name: string): string | undefined {
  const value = get(name).trim();
  return value === '' ? undefined : value;
}

function seconds(get: Get, name: string, problems: string[]): number | undefined {
  const text = optional(get, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value > 3600) {
    problems.push(`input '${name}' must be a number of seconds from 0 to 3600, not '${text}'`);
    return undefined;
  }
  return value * 1000;
}

/** Dollars as core's --max-cost takes them: greater than 0, an optional leading `$`. */
function dollars(get: Get, name: string, problems: string[]): number | undefined {
  const text = optional(get, name);
  if (text === undefined) return undefined;
  const value = Number(text.replace(/^\$/, ''));
  if (!Number.isFinite(value) || value <= 0) {
    problems.push(
      `input '${name}' must be an amount of US dollars greater than 0, such as 0.25; got '${text}'`,
    );
    return undefined;
  }
  return value;
}

/** `host[,host…] key-type base64` per line; comments, blank lines and @markers are allowed. */
export function knownHostsProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  let entries = 0;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const offset = fields[0]?.startsWith('@') ? 1 : 0;
    const [hosts, keyType, key] = fields.slice(offset);
    if (
      !hosts ||
      !keyType ||
      !key ||
      !/^(ssh-|ecdsa-|sk-)/.test(keyType) ||
      !/^[A-Za-z0-9+/]+=*$/.test(key)
    ) {
      problems.push(
        `input 'known-hosts' line ${index + 1}: expected 'host key-type base64-key' (as ssh-keyscan prints), got '${line.slice(0, 60)}'`,
      );
      return;
    }
    entries++;
  });
  if (problems.length === 0 && entries === 0)
    problems.push("input 'known-hosts' has no host key lines (ssh-keyscan -p PORT HOST prints them)");
  return problems;
}

/** `checkTarget` says what is wrong with a target address, or null (core's parser, passed in). */
export function parseInputs(get: Get, checkTarget: (target: string) => string | null): ActionInputs {
  const problems: string[] = [];
  const commandText = optional(get, 'command') ?? 'run';
  let command: ActionCommand = 'run';
  if (!(COMMANDS as readonly string[]).includes(commandText))
    problems.push(`input 'command' must be one of ${COMMANDS.join(', ')}; got '${commandText}'`);
  else command = commandText as ActionCommand;

  const intentText = optional(get, 'intent');
  let intent = '';
  if (!intentText) {
    // `spec` reconciles every intent the pushed commit holds; the other commands work on one.
    if (command !== 'spec')
      problems.push("input 'intent' is required: the intent file, e.g. intents/hello-world.yaml");
  } else {
    intent = normalize(intentText);
    if (isAbsolute(intent) || intent === '..' || intent.startsWith('../'))
      problems.push(
        `input 'intent' must be a path inside the repository, e.g. intents/<name>.yaml; got '${intentText}'`,
      );
    else if (!/\.ya?ml$/i.test(intent))
      problems.push(`input 'intent' must name a .yaml or .yml intent file; got '${intentText}'`);
  }

  const target = optional(get, 'target');
  if (target !== undefined) {
    const problem = checkTarget(target);
    if (problem) problems.push(`input 'target': ${problem.replace('--root', "the 'root' input")}`);
  }
  const sshKey = optional(get, 'ssh-key');
  const knownHosts = optional(get, 'known-hosts');
  if (target?.startsWith('ssh://')) {
    if (!knownHosts)
      problems.push(
        `input 'known-hosts' is required for target ${target}: host keys are pinned, never trusted on first use`,
      );
    if (!sshKey) problems.push(`input 'ssh-key' is required for target ${target}`);
  }
  if (knownHosts) problems.push(...knownHostsProblems(knownHosts));
  if (sshKey && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(sshKey))
    problems.push("input 'ssh-key' is not a private key (expected a '-----BEGIN … PRIVATE KEY-----' block)");

  const environment = optional(get, 'environment') ?? 'production';
  if (environment.length > 255 || /[\r\n]/.test(environment))
    problems.push("input 'environment' must be one line of at most 255 characters");

  const healthTimeoutMs = seconds(get, 'health-timeout', problems);
  const healthRetryAfterMs = seconds(get, 'health-retry-after', problems);
  const maxCostUsd = dollars(get, 'max-cost-usd', problems);

  if (problems.length > 0) throw new InputsError(problems);
  const root = optional(get, 'root');
  const registry = optional(get, 'registry');
  const anthropicApiKey = optional(get, 'anthropic-api-key');
  const githubToken = optional(get, 'github-token');
  return {
    command,
    intent,
    environment,
    ...(target !== undefined ? { target } : {}),
    ...(sshKey ? { sshKey } : {}),
    ...(knownHosts ? { knownHosts } : {}),
    ...(root ? { root } : {}),
    ...(registry ? { registry } : {}),
    ...(anthropicApiKey ? { anthropicApiKey } : {}),
    ...(githubToken ? { githubToken } : {}),
    ...(healthTimeoutMs !== undefined ? { healthTimeoutMs } : {}),
    ...(healthRetryAfterMs !== undefined ? { healthRetryAfterMs } : {}),
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
  };
}
