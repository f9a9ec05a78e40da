import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPythonService } from '../core/build/python-build.js';
import { type BenchResult, measure, repositoryPath } from './measure.js';

/**
 * The build & test phase on the hand-written FastAPI fixture (7 tests, 48 statements): a fresh venv
 * each run (cold), and a reused venv (warm). Offline: every requirement is met by the system packages.
 */
export async function benchPythonBuild(runs = 5): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-bench-build-'));
  const service = join(root, 'service');
  cpSync(repositoryPath('test/fixtures/build-service'), service, { recursive: true });
  const check = (ok: boolean, problems: string[]) => {
    if (!ok) throw new Error(`the fixture build failed: ${problems.join('; ')}`);
  };
  try {
    let fresh = 0;
    const cold = await measure(
      'build & test the fixture service, new venv (venv + requirements + import + pytest --cov + pyflakes)',
      async () => {
        const result = await buildPythonService(service, {
          venvDir: join(root, `venv-${fresh++}`),
          index: 'offline',
        });
        check(result.ok, result.problems);
      },
      runs,
    );
    const warm = await measure(
      'build & test the fixture service, reused venv',
      async () => {
        const result = await buildPythonService(service, { venvDir: join(root, 'venv-0'), index: 'offline' });
        check(result.ok, result.problems);
      },
      runs,
    );
    const sample = await buildPythonService(service, { venvDir: join(root, 'venv-0'), index: 'offline' });
    warm.extra = Object.fromEntries(
      Object.entries(sample.phases).map(([phase, report]) => [`${phase} ms`, report.durationMs]),
    );
    return [cold, warm];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
