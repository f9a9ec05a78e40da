import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { type BenchResult, repositoryPath, resultOf } from './measure.js';

/**
 * Start-up of the CLI against a bare `node -e 0` on the same machine, run alternately so both see the
 * same load: `assembly-line validate intents/hello-world.yaml` as a user types it, through bin/.
 */
export function benchStartup(runs = 15): BenchResult[] {
  const bin = repositoryPath('bin/assembly-line.js');
  const intent = repositoryPath('intents/hello-world.yaml');
  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'assembly-line validate intents/hello-world.yaml': [bin, 'validate', intent],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i <= runs; i++) {
    for (const [name, args] of Object.entries(commands)) {
      const started = performance.now();
      const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const elapsed = performance.now() - started;
      if (result.status !== 0) throw new Error(`${name} failed: ${String(result.stderr)}`);
      if (i > 0) times[name]!.push(elapsed); // the first round only warms the file cache
    }
  }
  const results = Object.entries(times).map(([name, list]) => resultOf(`startup: ${name}`, list));
  const [bare, cli] = results as [BenchResult, BenchResult];
  cli.extra = { 'ratio to node -e 0': `${(cli.medianMs / bare.medianMs).toFixed(2)}×` };
  return results;
}
