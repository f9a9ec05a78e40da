import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BenchResult, measure, repositoryPath, resultOf } from './measure.js';

/**
 * The Action's bundle: its size, its cold start to the first log line (as the runner starts it), and a
 * whole `run` of hello-world through the bundle against the bare CLI `run` on the same machine.
 */

async function bundleInto(dir: string): Promise<string> {
  const script = pathToFileURL(repositoryPath('scripts/bundle.mjs')).href;
  const { bundleAction } = (await import(script)) as {
    bundleAction: (options: { outDir: string }) => Promise<{ outDir: string }>;
  };
  await bundleAction({ outDir: dir });
  return join(dir, 'index.js');
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? sizeOf(path) : statSync(path).size;
  }
  return total;
}

function helloRepo(port: number): string {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-bench-action-'));
  mkdirSync(join(root, 'intents'));
  writeFileSync(
    join(root, 'intents', 'hello-world.yaml'),
    [
      'service_name: hello-world',
      'service_type: domain',
      'priority: low',
      'purpose: Simple hello world service for testing pipeline',
      'key_features:',
      '  - GET /hello endpoint',
      'dependencies:',
      '  - registry',
      `port: ${port}`,
      '',
    ].join('\n'),
  );
  return root;
}

function stepEnv(root: string, inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    GITHUB_WORKSPACE: root,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** Milliseconds from spawn to the first byte on stdout; the process is then ended. */
function timeToFirstLine(command: string, args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => {
      const took = performance.now() - started;
      child.kill('SIGKILL');
      resolve(took);
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited ${code} before printing anything`)),
    );
  });
}

function runToEnd(command: string, args: string[], env: Record<string, string>, cwd: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

export async function benchAction(runs = 3): Promise<BenchResult[]> {
  const { findFreePort } = await import('../core/udc/launch.js');
  const dist = mkdtempSync(join(tmpdir(), 'assembly-line-bench-dist-'));
  const results: BenchResult[] = [];
  const roots: string[] = [];
  try {
    const started = performance.now();
    const index = await bundleInto(dist);
    const bundleMs = performance.now() - started;
    const bytes = statSync(index).size;
    results.push({
      name: 'Action bundle (npm run bundle): dist/index.js',
      runs: 1,
      medianMs: bundleMs,
      minMs: bundleMs,
      maxMs: bundleMs,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      extra: {
        'index.js KiB': (bytes / 1024).toFixed(0),
        'index.js gzip KiB': (gzipSync(readFileSync(index)).length / 1024).toFixed(0),
        'dist/ total KiB (with prompts, host agent, launcher, runtime)': (sizeOf(dist) / 1024).toFixed(0),
      },
    });

    const coldRoot = helloRepo(await findFreePort());
    roots.push(coldRoot);
    const env = stepEnv(coldRoot, { command: 'build', intent: 'intents/hello-world.yaml' });
    const firstLine = await measure(
      'Action cold start: node dist/index.js to its first log line',
      () => timeToFirstLine(process.execPath, [index], env, coldRoot),
      10,
    );
    const bare = await measure(
      'baseline: node -e "console.log(1)" to its first line',
      () => timeToFirstLine(process.execPath, ['-e', 'console.log(1)'], env, coldRoot),
      10,
    );
    firstLine.extra = { target: '< 300 ms', 'bare node baseline ms': bare.medianMs.toFixed(0) };
    results.push(firstLine);

    // The same cold run (SPEC, code, venv, UDC, local deploy, registration) both ways.
    const port = await findFreePort();
    const timed: Record<string, BenchResult> = {};
    for (const way of ['bare CLI', 'Action bundle'] as const) {
      const root = helloRepo(port);
      roots.push(root);
      const cli = repositoryPath('bin/assembly-line.js');
      const run = () =>
        way === 'bare CLI'
          ? runToEnd(process.execPath, [cli, 'run', 'intents/hello-world.yaml'], stepEnv(root, {}), root)
          : runToEnd(
              process.execPath,
              [index],
              stepEnv(root, { command: 'run', intent: 'intents/hello-world.yaml', target: 'local' }),
              root,
            );
      const stop = () =>
        runToEnd(process.execPath, [cli, 'stop', 'hello-world'], stepEnv(root, {}), root).catch(() => {});
      const times: number[] = [];
      // One warm-up, then `runs` timed runs; the service is stopped between runs, outside the timing.
      for (let i = 0; i <= runs; i++) {
        for (const dir of ['specs', 'services', '.assembly-line'])
          rmSync(join(root, dir), { recursive: true, force: true });
        const begin = performance.now();
        try {
          await run();
        } finally {
          const took = performance.now() - begin;
          await stop();
          if (i > 0) times.push(took);
        }
      }
      timed[way] = resultOf(`run intents/hello-world.yaml, cold, local target: ${way}`, times);
      results.push(timed[way]!);
    }
    const ratio = timed['Action bundle']!.medianMs / timed['bare CLI']!.medianMs;
    timed['Action bundle']!.extra = { 'ratio to the bare CLI': ratio.toFixed(2), target: '< 1.2' };
    return results;
  } finally {
    rmSync(dist, { recursive: true, force: true });
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
}
