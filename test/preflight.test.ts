import { chmodSync, writeFileSync } from 'node:fs';
import { missingPackagesMessage, missingSystemPackages } from '../core/pipeline/preflight.js';
import { cli } from './helpers/cli.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

describe('preflight: the system packages the pipeline needs', () => {
  test('on this machine (CI installs them) nothing is missing', async () => {
    expect(
      await missingSystemPackages({ python: '/usr/bin/python3', build: true, deploy: true, ssh: true }),
    ).toEqual([]);
  });

  test('a python without the modules, and no rsync on PATH, name the exact Debian packages', async () => {
    const tree = tempTree();
    try {
      // A real interpreter whose module path hides the system packages.
      const python = tree.write('bin/python3', '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n');
      chmodSync(python, 0o755);
      writeFileSync(tree.path('bin/.keep'), '');
      const missing = await missingSystemPackages(
        { python, build: true, deploy: true },
        { PATH: tree.path('bin') },
      );
      expect(missing).toEqual([
        'python3-fastapi',
        'python3-uvicorn',
        'python3-pydantic',
        'python3-httpx',
        'python3-pytest',
        'python3-pytest-cov',
        'pyflakes3',
        'rsync',
      ]);
      expect(missingPackagesMessage(missing)).toContain('sudo apt-get install -y python3-fastapi');
      expect(await missingSystemPackages({ python: tree.path('bin/none') })).toEqual([
        'python3',
        'python3-venv',
      ]);
    } finally {
      tree.cleanup();
    }
  });

  test('run says exactly what is missing instead of failing half-way', async () => {
    const tree = tempTree({ 'intents/svc.yaml': intentYaml('svc') });
    try {
      const result = await cli(['run', 'intents/svc.yaml'], tree.root, { PATH: tree.path('nothing') });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('this machine lacks the Debian packages rsync');
      expect(result.stderr).toContain('scripts/install-system-packages.sh');
    } finally {
      tree.cleanup();
    }
  });
});
