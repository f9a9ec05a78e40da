import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { generateServiceOffline } from '../core/llm/offline/service/codegen.js';
import { writeSpecOffline } from '../core/llm/offline/spec/writer.js';
import { RUNTIME_MODULES, runtimePythonDir } from '../core/runtime/service-runtime.js';
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
    const result = await execa(PYTHON, ['-m', 'pyflakes', 'app', 'tests'], {
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

  test('is what a generated service gets, byte for byte', () => {
    const intent = greeterIntent();
    const files = generateServiceOffline(intent, writeSpecOffline(intent));
    for (const name of RUNTIME_MODULES)
      expect(files[`services/${intent.service_name}/app/${name}`]).toBe(
        readFileSync(join(dir, 'app', name), 'utf8'),
      );
  });
});
