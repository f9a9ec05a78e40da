import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string;
  valueName?: string;
};

export interface CommandContext {
  io: CliIo;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** e.g. `[PATH...]` */
  usage: string;
  description: string;
  options: Record<string, OptionSpec>;
  /** Exit codes specific to this command, beyond the common ones. */
  exitCodes?: string[];
  run(context: CommandContext): Promise<number>;
}

export const FORMAT_OPTION: Record<string, OptionSpec> = {
  format: {
    type: 'string',
    default: 'text',
    valueName: 'text|json',
    description: 'Output format: text for people, json for programs.',
  },
};

/** `--max-cost USD` of the commands that call a model (run, spec, build). */
export const MAX_COST_OPTION: Record<string, OptionSpec> = {
  'max-cost': {
    type: 'string',
    valueName: 'USD',
    description:
      "Stop with exit 1 before a model call whose worst case (estimated input + max output tokens at the model's price) could take this run's spend past USD.",
  },
};

export function outputFormat(values: CommandContext['values']): 'text' | 'json' {
  return values.format === 'json' ? 'json' : 'text';
}
