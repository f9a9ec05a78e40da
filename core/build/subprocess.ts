import { performance } from 'node:perf_hooks';
import { execa } from 'execa';

export interface ProcessOutcome {
  /** Undefined when the process did not start or was killed. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they were written. */
  output: string;
  timedOut: boolean;
  /** Why the process could not be started (missing executable …). */
  startError?: string;
  durationMs: number;
}

export interface ProcessOptions {
  cwd: string;
  /** The complete environment; nothing of this process's environment is added. */
  env: Record<string, string>;
  timeoutMs: number;
}

/**
 * Runs a command to completion with a hard time limit. The command gets its own process group, and
 * the whole group is killed on timeout and again when the command ends: a generated test that starts
 * a server and forgets it must not leave it running.
 */
export async function runProcess(
  file: string,
  args: string[],
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  const started = performance.now();
  let timedOut = false;
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    reject: false,
    stripFinalNewline: false,
    detached: true,
    maxBuffer: 20 * 1024 * 1024,
  });
  const killGroup = () => {
    if (subprocess.pid === undefined) return;
    try {
      process.kill(-subprocess.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs);
  try {
    const result = await subprocess;
    const notStarted = result.failed && result.exitCode === undefined && result.signal === undefined;
    return {
      exitCode: result.exitCode,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      output: String(result.all ?? ''),
      timedOut,
      ...(notStarted ? { startError: result.shortMessage } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    killGroup();
  }
}

/** The last `lines` lines of a text, for error reports. */
export function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n');
}
