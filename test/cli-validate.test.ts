import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repoRoot, 'bin/assembly-line.js');

describe('assembly-line validate', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree({
      'intents/good.yaml': intentYaml('good', { port: 9001 }),
      'intents/other.yaml': intentYaml('other', { port: 9002, dependencies: ['good'] }),
    });
  });
  afterEach(() => tree.cleanup());

  test('with no path validates intents/ of the enclosing repository, from a subdirectory too', async () => {
    tree.write('deep/er/.keep', '');
    const result = await cli(['validate'], tree.path('deep/er'));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('ok  ../../intents/good.yaml');
    expect(result.stdout).toContain('2 intents valid');
  });

  test('exit 1 and located errors when an intent is invalid; the valid one is not blamed', async () => {
    tree.write('intents/broken.yaml', intentYaml('broken', { port: 'high' }));
    const result = await cli(['validate'], tree.root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'intents/broken.yaml:5:7: error: port: must be a number, not the text "high"',
    );
    expect(result.stdout).toContain('ok  intents/good.yaml');
    expect(result.stdout).toContain('1 of 3 intents invalid (1 error)');
  });

  test('--format json prints files with valid flags and errors', async () => {
    tree.write('intents/broken.yaml', `${intentYaml('broken', { port: 9003 })}colour: red\n`);
    const result = await cli(['validate', '--format', 'json'], tree.root);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.files).toEqual([
      {
        path: 'intents/broken.yaml',
        valid: false,
        errors: [{ line: 10, col: 1, field: 'colour', message: 'unknown field' }],
      },
      { path: 'intents/good.yaml', valid: true, errors: [] },
      { path: 'intents/other.yaml', valid: true, errors: [] },
    ]);
  });

  test('a single file is judged against the intents beside it', async () => {
    tree.write('intents/clash.yaml', intentYaml('clash', { port: 9001 }));
    const result = await cli(['validate', 'intents/other.yaml', 'intents/clash.yaml'], tree.root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ok  intents/other.yaml');
    expect(result.stdout).toContain(
      'intents/clash.yaml:5:7: error: port: 9001 is also used by intents/good.yaml:5:7',
    );
    expect(result.stdout).not.toContain('intents/good.yaml:5:7: error');
  });

  // validate intents/ used to skip symlinked intents, so the port rule answered differently by folder or file.
  test('a symlinked intent inside the repository counts, whether the folder or the file is named', async () => {
    tree.write('shared/clash.yaml', intentYaml('clash', { port: 9001 }));
    symlinkSync(tree.path('shared/clash.yaml'), tree.path('intents/clash.yaml'));
    const clash = 'intents/clash.yaml:5:7: error: port: 9001 is also used by intents/good.yaml:5:7';
    for (const target of ['intents', 'intents/clash.yaml']) {
      const result = await cli(['validate', target], tree.root);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(clash);
    }
  });

  test('a symlinked intent that leads outside the repository is refused, naming both ends', async () => {
    const outside = tempTree({ 'foreign.yaml': intentYaml('foreign', { port: 9005 }) });
    try {
      symlinkSync(outside.path('foreign.yaml'), tree.path('intents/foreign.yaml'));
      for (const target of ['intents', 'intents/foreign.yaml']) {
        const result = await cli(['validate', target], tree.root);
        expect(result).toEqual({
          code: 1,
          stdout: '',
          stderr:
            `assembly-line: error: ${realpathSync(tree.root)}/intents/foreign.yaml: a symlink to ` +
            `${realpathSync(outside.path('foreign.yaml'))}, outside the repository ${realpathSync(tree.root)}; ` +
            'copy the intent into the repository\n',
        });
      }
    } finally {
      outside.cleanup();
    }
  });

  // They used to pass validation and land raw in SPEC.md.
  test('control characters in intent text are refused at their place; tab and newline are not', async () => {
    tree.write('intents/bell.yaml', intentYaml('bell', { port: 9003, purpose: 'Ring\u0000 the\tbell' }));
    tree.write(
      'intents/raw.yaml',
      intentYaml('raw', { port: 9004 }).replace(
        'key_features:',
        'description: "raw \u001b[31m red"\nkey_features:',
      ),
    );
    tree.write(
      'intents/tabbed.yaml',
      intentYaml('tabbed', { port: 9006, purpose: 'Tab\tand\nnewline stay' }),
    );
    const result = await cli(['validate'], tree.root);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'intents/bell.yaml:4:10: error: purpose: contains the control character U+0000 (NUL) at character 5; ' +
        'remove it (only tab and newline are allowed)',
    );
    expect(result.stdout).toMatch(
      /intents\/raw\.yaml:6:14: error: description: contains the control character U\+001B \(ESC\) at character 5/,
    );
    expect(result.stdout).toContain('ok  intents/tabbed.yaml');
  });

  // The generator used to resolve these on its own (the second route moved to /items-2, or a feature
  // on GET /health got another path), so the service silently had another API than the intent asked for.
  test('two features on one route, or a feature on a UDC endpoint, are located errors', async () => {
    tree.write(
      'intents/clash.yaml',
      intentYaml('clash', {
        port: 9007,
        key_features: [
          'GET /items/{item_id} endpoint',
          'GET /{item_id} endpoint',
          'GET /hello endpoint',
          'Look up one item via get /Items/{id}',
          'GET /state endpoint',
          'POST /items endpoint',
        ],
      }),
    );
    const result = await cli(['validate', 'intents/clash.yaml'], tree.root);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter((line) => line.includes(': error: '))).toEqual([
      'intents/clash.yaml:10:5: error: key_features[3]: names GET /Items/{id}, the same route as ' +
        'key_features[0] (line 7); one route cannot serve two features: give each its own method or path',
      'intents/clash.yaml:11:5: error: key_features[4]: names GET /state, which is the UDC endpoint ' +
        'GET /state that every service serves already; give this feature another path',
    ]);
    // A static route beside a parametric one is no conflict: the generator serves the static one first.
    tree.write(
      'intents/ordered.yaml',
      intentYaml('ordered', { port: 9008, key_features: ['GET /{item_id} endpoint', 'GET /hello endpoint'] }),
    );
    expect(await cli(['validate', 'intents/ordered.yaml'], tree.root)).toMatchObject({ code: 0 });
  });

  test('a missing path is a clear error, not a stack trace', async () => {
    const result = await cli(['validate', 'intents/nope.yaml'], tree.root);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'assembly-line: error: intents/nope.yaml: no such file or directory\n',
    });
  });

  test('outside a repository without a path, says what is missing', async () => {
    const empty = tempTree();
    const result = await cli(['validate'], empty.root);
    empty.cleanup();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no intents/ folder here or in any parent directory');
  });

  test('usage errors exit 2', async () => {
    expect((await cli(['validate', '--frmat', 'json'], tree.root)).code).toBe(2);
    expect((await cli(['validate', '--format', 'xml'], tree.root)).stderr).toContain(
      '--format must be text or json',
    );
    const unknown = await cli(['valdate'], tree.root);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("did you mean 'validate'?");
    expect((await cli([], tree.root)).code).toBe(2);
  });

  test('--help on the command and in general', async () => {
    const help = await cli(['validate', '--help'], tree.root);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: assembly-line validate \[PATH\.\.\.\]/);
    expect(help.stdout).toContain('--format text|json');
    expect(help.stdout).toContain('Exit codes:');
    const general = await cli(['--help'], tree.root);
    expect(general.stdout).toContain('validate');
    expect(general.code).toBe(0);
  });

  test('colour only on a TTY, never with NO_COLOR', async () => {
    tree.write('intents/broken.yaml', intentYaml('broken', { port: 1 }));
    const run = async (isTTY: boolean, env: Record<string, string> = {}) => {
      let out = '';
      const { runCli } = await import('../core/cli/main.js');
      await runCli(['validate'], {
        stdout: { write: (t: string) => (out += t), isTTY },
        stderr: { write: () => true, isTTY },
        cwd: tree.root,
        env,
      });
      return out;
    };
    expect(await run(true)).toContain('\x1b[31merror\x1b[39m');
    expect(await run(false)).not.toContain('\x1b[');
    expect(await run(true, { NO_COLOR: '1' })).not.toContain('\x1b[');
  });

  test('the installed bin runs from any directory of the repository (npx assembly-line)', () => {
    const out = execFileSync(process.execPath, [bin, 'validate'], {
      cwd: join(repoRoot, 'intents'),
      encoding: 'utf8',
    });
    expect(out).toContain('ok  hello-world.yaml');
    expect(out).toContain('ok  payment-processor.yaml');
    const version = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('the bin reports an invalid intent with exit 1 and no stack trace', () => {
    copyFileSync(join(repoRoot, 'intents/hello-world.yaml'), tree.path('intents/hello.yaml'));
    const run = spawnSync(process.execPath, [bin, 'validate', 'intents/hello.yaml'], {
      cwd: tree.root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      "intents/hello.yaml:3:15: error: service_name: 'hello-world' must equal the file's base name 'hello'",
    );
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
