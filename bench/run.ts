import { benchAction } from './action.js';
import { benchBot } from './bot.js';
import { benchPythonBuild } from './build-python.js';
import { costReport } from './cost.js';
import { benchDashboard } from './dashboard.js';
import { benchDeploy } from './deploy.js';
import { benchGitHubDouble } from './github-double.js';
import { benchLedger } from './ledger.js';
import { type BenchResult, formatResult } from './measure.js';
import { benchBuildPhases, benchRun, benchSpecCommand } from './pipeline.js';
import { benchFileRegistry } from './registry.js';
import { benchStartup } from './startup.js';
import { benchUdc } from './udc.js';
import { benchValidateIntents } from './validate-intents.js';
import { benchVerifier } from './verifier.js';

/** Every benchmark, by name; `npm run bench -- NAME...` runs a subset. */
const BENCHMARKS: Record<string, () => Promise<BenchResult | BenchResult[]>> = {
  validate: () => benchValidateIntents(1000),
  udc: () => benchUdc(),
  verifier: () => benchVerifier(1000),
  'spec-command': () => benchSpecCommand(100),
  'build-phases': () => benchBuildPhases(3),
  deploy: () => benchDeploy(5),
  run: () => benchRun(3),
  registry: () => benchFileRegistry(),
  ledger: () => benchLedger(),
  'build-python': () => benchPythonBuild(),
  'github-double': () => benchGitHubDouble(),
  action: () => benchAction(3),
  bot: () => benchBot(),
  dashboard: () => benchDashboard(),
  // An estimate computed from the rendered prompts, not a timing: it prints its own table.
  cost: () => {
    process.stdout.write(`${costReport()}\n\n`);
    return Promise.resolve([]);
  },
  startup: async () => benchStartup(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`,
  );
  process.exit(2);
}
process.stdout.write(`node ${process.version}, ${process.platform}/${process.arch}\n\n`);
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  const results = await BENCHMARKS[name]!();
  for (const result of Array.isArray(results) ? results : [results])
    process.stdout.write(`${formatResult(result)}\n\n`);
}
