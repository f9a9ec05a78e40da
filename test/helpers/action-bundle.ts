import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's dist/, where `npm run bundle` writes the Action and where action.yml points. */
export const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Builds dist/ (or `outDir`, so test files running at once do not rebuild each other's) as `npm run bundle` does. */
export async function bundle(outDir = DIST): Promise<void> {
  const { bundleAction } = await import('../../scripts/bundle.mjs');
  await bundleAction({ outDir });
}

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The step's outputs, parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>;
  /** The GITHUB_STEP_SUMMARY file. */
  summary: string;
  /** Annotation commands from stdout: `::error file=…,line=…::message`. */
  annotations: { kind: string; properties: Record<string, string>; message: string }[];
}

/** Parses the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name!] = value.join('\n');
  }
  return outputs;
}

const unescapeCommand = (text: string) =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

function parseAnnotations(stdout: string): StepRun['annotations'] {
  const found: StepRun['annotations'] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      properties[pair.slice(0, at)] = unescapeCommand(
        pair
          .slice(at + 1)
          .replace(/%3A/g, ':')
          .replace(/%2C/g, ','),
      );
    }
    found.push({ kind: match[1]!, properties, message: unescapeCommand(match[3]!) });
  }
  return found;
}

/**
 * Runs `node dist/index.js` as the runner does: inputs as INPUT_<NAME> variables, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH files, the workspace as GITHUB_WORKSPACE and working
 * directory, and nothing else of this machine's environment but PATH and HOME.
 */
export async function runStep(options: {
  workspace: string;
  inputs: Record<string, string>;
  env?: Record<string, string>;
  event?: unknown;
  timeoutMs?: number;
  /** Where the bundle is; dist/ by default. */
  dist?: string;
}): Promise<StepRun> {
  const files = mkdtempSync(join(tmpdir(), 'assembly-line-step-'));
  try {
    const outputFile = join(files, 'output');
    const summaryFile = join(files, 'summary.md');
    const eventFile = join(files, 'event.json');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    writeFileSync(eventFile, JSON.stringify(options.event ?? {}));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_RUN_ID: '4242',
      RUNNER_TEMP: files,
      ...options.env,
    };
    // The runner's rule: INPUT_ + the name upper-cased, spaces as underscores, dashes kept.
    for (const [name, value] of Object.entries(options.inputs))
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    const child = spawn(process.execPath, [join(options.dist ?? DIST, 'index.js')], {
      cwd: options.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `the Action did not finish within ${options.timeoutMs ?? 120_000} ms:\n${stdout}\n${stderr}`,
          ),
        );
      }, options.timeoutMs ?? 120_000);
      child.once('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
      annotations: parseAnnotations(stdout),
    };
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
}
