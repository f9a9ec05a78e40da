import { performance } from 'node:perf_hooks';
import { type BenchResult, measure } from './measure.js';

const FILES = { 'README.md': '# demo\n', 'intents/a.yaml': 'service_name: a\n' };

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/**
 * The GitHub double's start-up (target < 1 s) and its first validated REST call: the first one of the
 * process parses GitHub's 13 MB description and compiles that endpoint's validators; later doubles
 * reuse them. Run alone (`npm run bench -- github-double`) for cold figures.
 */
export async function benchGitHubDouble(): Promise<BenchResult[]> {
  const load = await timed(() => import('../test/github/double.js'));
  const { startGitHubDouble } = load.value;

  const cold = await timed(() => startGitHubDouble({ files: FILES }));
  const double = cold.value;
  const get = async () => {
    const response = await fetch(`${double.apiUrl}/repos/octo-org/demo`, {
      headers: { authorization: `token ${double.installationToken()}` },
    });
    if (response.status !== 200) throw new Error(`GET /repos answered ${response.status}`);
    await response.json();
  };
  const firstCall = await timed(get);
  const warmCall = await timed(get);
  await double.stop();
  if (double.problems.length > 0)
    throw new Error(`the double saw problems: ${JSON.stringify(double.problems)}`);

  const startup = await measure(
    'start a GitHub double (server + bare repository with a first commit + installation), then stop it',
    async () => {
      const d = await startGitHubDouble({ files: FILES });
      await d.stop();
    },
    5,
  );
  startup.extra = {
    'module load ms': load.ms.toFixed(1),
    'first start-up ms (cold)': cold.ms.toFixed(1),
    'first validated call ms (parse description + compile GET /repos/{owner}/{repo})':
      firstCall.ms.toFixed(1),
    'same call again ms (validators cached)': warmCall.ms.toFixed(1),
    'target start-up': '< 1000 ms',
  };
  return [startup];
}
