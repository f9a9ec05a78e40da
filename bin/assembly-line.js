#!/usr/bin/env node
// The CLI runs from out/, which `npm ci` produces through the prepare script: the bundle out/cli/
// (fast to start), else the plain compile output out/core/.
import { existsSync } from 'node:fs';

const entry = ['../out/cli/main.js', '../out/core/cli/main.js']
  .map((path) => new URL(path, import.meta.url))
  .find((url) => existsSync(url));
if (!entry) {
  process.stderr.write(
    'assembly-line: not built yet; run `npm ci` (or `npm run build`) in the repository first\n',
  );
  process.exit(1);
}
const io = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
const botHelp = process.argv[2] === 'help' && process.argv[3] === 'bot';
if (process.argv[2] === 'bot' || botHelp) {
  // Only `bot` loads Probot, and core never imports it: the app lives in bot/.
  const { runBotCli } = await import(new URL('../out/bot/src/main.js', import.meta.url).href);
  process.exit(await runBotCli(botHelp ? ['--help'] : process.argv.slice(3), io));
}
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
