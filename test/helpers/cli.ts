import { runCli } from '../../core/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** PATH and HOME only: commands find their tools, and no key or token of this machine leaks in. */
const BASE_ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

/** Runs the CLI in-process with captured output, as a non-TTY; `env` is added to PATH and HOME. */
export async function cli(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: { ...BASE_ENV, ...env },
  });
  return { code, stdout, stderr };
}
