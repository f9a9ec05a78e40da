import type { Style } from '../style.js';

export type { Style };

/** What a command may touch of the outside world; tests pass their own. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  cwd: string;
  env: Record<string, string | undefined>;
}

export const EXIT = {
  ok: 0,
  /** invalid input, or the job failed */
  failed: 1,
  usage: 2,
  gateFailed: 3,
} as const;

export class UsageError extends Error {}

/** A failure the user can act on: printed as one line, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: OutputStream, env: CliIo['env']): Style {
  const on = Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  const wrap = (code: number, reset: number) => (text: string) =>
    on ? `\x1b[${code}m${text}\x1b[${reset}m` : text;
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}
