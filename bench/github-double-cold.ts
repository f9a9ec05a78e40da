/**
 * Run as its own process by the github-double benchmark, so its figures are cold whatever else the
 * benchmark process loaded: module load, first start-up, first validated call, the same call again.
 * Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';

const FILES = { 'README.md': '# demo\n', 'intents/a.yaml': 'service_name: a\n' };

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

const load = await timed(() => import('../test/github/double.js'));
const start = await timed(() => load.value.startGitHubDouble({ files: FILES }));
const double = start.value;
const get = async () => {
  const response = await fetch(`${double.apiUrl}/repos/octo-org/demo`, {
    headers: { authorization: `token ${double.installationToken()}` },
  });
  if (response.status !== 200) throw new Error(`GET /repos answered ${response.status}`);
  await response.json();
};
const first = await timed(get);
const again = await timed(get);
await double.stop();
if (double.problems.length > 0)
  throw new Error(`the double saw problems: ${JSON.stringify(double.problems)}`);
process.stdout.write(
  `${JSON.stringify({ load: load.ms, start: start.ms, first: first.ms, again: again.ms })}\n`,
);
