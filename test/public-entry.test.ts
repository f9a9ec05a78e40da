import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

/**
 * `import('assembly-line')` as bot/ and action/ (and any user) do it: Node resolves the package's own
 * name through package.json `exports` to the compiled out/ tree, so this runs against out/, built here
 * first when it is older than the sources.
 */
const ROOT = resolve(import.meta.dirname, '..');
const ENTRY = join(ROOT, 'out', 'core', 'index.js');

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

async function importFromRepository(script: string) {
  return execa(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, reject: false });
}

beforeAll(async () => {
  if (!existsSync(ENTRY) || statSync(ENTRY).mtimeMs < newestSource(join(ROOT, 'core')))
    await execa(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
      },
    );
}, 180_000);

describe("import('assembly-line')", () => {
  test('exposes the pipeline functions, the policy and the ports', async () => {
    const result = await importFromRepository(`
      const core = await import('assembly-line');
      const kinds = Object.fromEntries(Object.entries(core).map(([name, value]) => [name, typeof value]));
      const ports = {
        silentReporter: Object.keys(core.silentReporter).sort(),
        llmError: new core.LlmError('x', 'config') instanceof Error,
        zeroUsage: core.zeroUsage('offline', 'none').costUsd,
        workingTree: core.WORKING_TREE,
      };
      process.stdout.write(JSON.stringify({ kinds, ports, gate: core.PASSING_SCORE, checkpoints: core.approvalPolicy('checkpoints') }));
    `);
    expect(result.stderr).toBe('');
    const { kinds, ports, gate, checkpoints } = JSON.parse(result.stdout);
    for (const run of [
      'specIntent',
      'specIntents',
      'buildService',
      'deployService',
      'runIntent',
      'rollbackService',
    ])
      expect(kinds[run]).toBe('function');
    for (const adapter of [
      'selectProvider',
      'createDeployTarget',
      'createRegistry',
      'fileLedger',
      'GitWorkspace',
      'MemoryForge',
    ])
      expect(kinds[adapter]).toBe('function');
    expect(ports).toEqual({
      silentReporter: ['info', 'phaseFinished', 'phaseStarted'],
      llmError: true,
      zeroUsage: 0,
      workingTree: ':working-tree',
    });
    expect(gate).toBe(90);
    expect(checkpoints).toEqual({
      specMerge: 'after-approving-review',
      deployGuard: 'protected-environment',
    });
  });

  test('has type declarations where package.json says, and refuses deep imports', async () => {
    expect(existsSync(join(ROOT, 'out', 'core', 'index.d.ts'))).toBe(true);
    const deep = await importFromRepository("await import('assembly-line/out/core/pipeline/run.js');");
    expect(deep.exitCode).not.toBe(0);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
