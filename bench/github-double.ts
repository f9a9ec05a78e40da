import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type BenchResult, measure } from './measure.js';

const FILES = { 'README.md': '# demo\n', 'intents/a.yaml': 'service_name: a\n' };

/**
 * The GitHub double's start-up (target < 1 s) and its first validated REST call, which parses GitHub's
 * 13 MB description and compiles that endpoint's validators; later calls and doubles reuse them. The
 * cold figures come from a process of their own (github-double-cold), the median from this one.
 */
export async function benchGitHubDouble(): Promise<BenchResult[]> {
  const script = fileURLToPath(new URL('./github-double-cold.js', import.meta.url));
  const cold = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' })) as Record<
    string,
    number
  >;
  const { startGitHubDouble } = await import('../test/github/double.js');
  const startup = await measure(
    'start a GitHub double (server + bare repository with a first commit + installation), then stop it',
    async () => {
      const double = await startGitHubDouble({ files: FILES });
      await double.stop();
    },
    5,
  );
  startup.extra = {
    'module load ms (cold process)': cold.load!.toFixed(1),
    'first start-up ms (cold process)': cold.start!.toFixed(1),
    'first validated call ms (parse description + compile GET /repos/{owner}/{repo})': cold.first!.toFixed(1),
    'same call again ms (validators cached)': cold.again!.toFixed(1),
    'target start-up': '< 1000 ms',
    // Figures on a shared 2-core machine swing with its load; report it beside them.
    'load average (1 min)': loadavg()[0]!.toFixed(1),
  };
  return [startup];
}
