import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { assembleService } from '../core/build/assemble-service.js';
import { generateServiceOffline } from '../core/llm/offline/service/codegen.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { RUNTIME_PACKAGE, runtimePythonDir, runtimeSources } from '../core/runtime/service-runtime.js';
import { greeterIntent } from './helpers/intents.js';

/** The Python every generated service runs is Python in this repository: linted and tested as such. */
const PYTHON = '/usr/bin/python3';
const dir = runtimePythonDir();
// No bytecode in the source tree; no key of this machine in the tests' environment.
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/',
  PYTHONDONTWRITEBYTECODE: '1',
};

describe('the service runtime (core/runtime/python)', () => {
  test('passes pyflakes', async () => {
    const result = await execa(PYTHON, ['-m', 'pyflakes', RUNTIME_PACKAGE, 'tests'], {
      cwd: dir,
      env,
      extendEnv: false,
      reject: false,
    });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.exitCode).toBe(0);
  });

  test('passes its pytest suite', async () => {
    const result = await execa(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'], {
      cwd: dir,
      env,
      extendEnv: false,
      reject: false,
    });
    expect(result.stdout).toMatch(/\b\d+ passed\b/);
    expect(result.stdout).not.toMatch(/failed|error/i);
    expect(result.exitCode).toBe(0);
  }, 60_000);

  test('is vendored into a built service byte for byte, with its version', () => {
    const intent = greeterIntent();
    const spec = writeSpecOffline(intent);
    const files = assembleService(intent, spec, generateServiceOffline(intent, spec));
    const { files: sources, version } = runtimeSources();
    expect(Object.keys(sources)).toContain(`${RUNTIME_PACKAGE}/service.py`);
    for (const path of Object.keys(sources))
      expect(files[`services/${intent.service_name}/${path}`]).toBe(readFileSync(join(dir, path), 'utf8'));
    const declared = /^__version__ = "(.+)"$/m.exec(sources[`${RUNTIME_PACKAGE}/__init__.py`]!)?.[1];
    expect(version).toMatch(new RegExp(`^${declared!.replace(/\./g, '\\.')}\\+[0-9a-f]{12}$`));
  });
});
