#!/usr/bin/env node
// Bundles the CLI into out/cli/: main.js plus one chunk per command (and shared chunks), so a command
// loads only its own code in a handful of files instead of hundreds of modules (zod alone is ~100).
// Part of `npm run build`; bin/assembly-line.js prefers it to out/core/cli/main.js. Files the CLI
// reads at run time (prompts, the Python runtime, scripts/) are found from the package root above it.
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(repoRoot, 'out', 'cli');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(repoRoot, 'core/cli/main.ts')],
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require() for node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
