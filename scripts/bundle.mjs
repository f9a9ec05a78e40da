#!/usr/bin/env node
// Bundles the Action into dist/: one ES module (dist/index.js) and the files core reads at run time,
// laid out as in the repository so core finds them the same way (from the package.json beside them).
// The output depends on the sources alone: no timestamps, files copied in sorted order.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders and files copied beside the bundle: [source, destination], relative to the repository and dist/. */
const ASSETS = [
  ['core/llm/prompts', 'core/llm/prompts'],
  ['core/runtime/python/assembly_line_runtime', 'core/runtime/python/assembly_line_runtime'],
  ['core/deploy/host-agent.sh', 'host-agent.sh'],
  ['core/deploy/launcher.py', 'launcher.py'],
];

/** @actions/core's HTTP client gets a stand-in for the ProxyAgent it never builds here (see the file). */
const lazyUndiciForCore = {
  name: 'lazy-undici-for-core',
  setup(build) {
    const shim = join(repoRoot, 'action/src/lazy-undici.cjs');
    build.onResolve({ filter: /^undici$/ }, (args) =>
      /node_modules\/@actions\/http-client\/lib\/index\.js$/.test(args.importer) &&
      !args.importer.includes('/@actions/github/')
        ? { path: shim }
        : undefined,
    );
  },
};

function sortedFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.pyc'))
    .map((entry) => entry.name)
    .sort();
}

export async function bundleAction({ outDir = join(repoRoot, 'dist') } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { index: join(repoRoot, 'action/src/index.ts') },
    outdir: outDir,
    // The pipeline (core, the model SDK, Octokit) is a chunk of its own, loaded after the first log
    // line: a runner shows the step started instead of waiting for 1.8 MB of JavaScript to compile.
    // Chunks sit beside index.js, where core looks for the files it ships (host-agent.sh …).
    splitting: true,
    chunkNames: '[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    // Some dependencies are CommonJS and call require() for node's own modules.
    plugins: [lazyUndiciForCore],
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  // The bundle is an ES module wherever the Action is checked out, and its package root for core.
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module", "private": true }\n');
  const copied = [];
  for (const [from, to] of ASSETS) {
    const source = join(repoRoot, from);
    // A missing asset would make the Action fail at run time, on a user's runner: fail the bundle instead.
    if (!existsSync(source))
      throw new Error(
        `bundle asset ${from} does not exist; update ASSETS in ${relative(repoRoot, fileURLToPath(import.meta.url))}`,
      );
    const files = from.endsWith('.sh') || from.endsWith('.py') ? [null] : sortedFiles(source);
    for (const file of files) {
      const src = file ? join(source, file) : source;
      const dest = file ? join(outDir, to, file) : join(outDir, to);
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(src, dest);
      copied.push(relative(outDir, dest));
    }
  }
  const chunks = readdirSync(outDir).filter((f) => f.endsWith('.js') && f !== 'index.js');
  return { outDir, files: ['index.js', ...chunks.sort(), 'package.json', ...copied] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  const result = await bundleAction(outDir ? { outDir } : {});
  process.stdout.write(
    `bundled ${result.files.length} files into ${relative(process.cwd(), result.outDir) || '.'}\n`,
  );
}
