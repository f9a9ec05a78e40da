import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cli } from './helpers/cli.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

describe('bad input gets a clear error and the right exit code', () => {
  let tree: ReturnType<typeof tempTree>;
  beforeEach(() => {
    tree = tempTree({
      'intents/alpha.yaml': intentYaml('alpha', { port: 9401 }),
      'intents/beta.yaml': intentYaml('beta', { port: 9402 }),
    });
  });
  afterEach(() => tree.cleanup());

  test('a folder where one intent file is expected is refused, not narrowed to its first file', async () => {
    for (const command of [
      ['run', 'intents'],
      ['spec', 'intents'],
      ['verify', 'x.md', '--intent', 'intents'],
    ]) {
      if (command[0] === 'verify') tree.write('x.md', '# x\n');
      const result = await cli(command, tree.root);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('intents is not a file; expected one intent file');
    }
  });

  test('verify names a folder given as the SPEC', async () => {
    tree.write('specs/alpha/notes.txt', '');
    const result = await cli(['verify', 'specs/alpha', '--intent', 'intents/alpha.yaml'], tree.root);
    expect(result).toMatchObject({ code: 1 });
    expect(result.stderr).toContain('specs/alpha is a directory; pass its SPEC.md');
  });

  test('a FIFO named like an intent is refused instead of blocking forever; an empty path is named', async () => {
    execFileSync('mkfifo', [tree.path('pipe.yaml')]);
    const fifo = await cli(['validate', 'pipe.yaml'], tree.root);
    expect(fifo).toMatchObject({ code: 1 });
    expect(fifo.stderr).toContain('pipe.yaml: not a regular file');
    expect((await cli(['validate', ''], tree.root)).stderr).toContain('an empty path was given');
  });

  test('service names and stray arguments are usage errors', async () => {
    for (const command of [
      ['stop', '../etc'],
      ['logs', 'Bad_Name'],
      ['rollback', 'a/b'],
      ['status', 'extra'],
    ]) {
      const result = await cli(command, tree.root);
      expect(result.code).toBe(2);
    }
  });

  // A bad --bind used to reach the launcher, fail there, and be reported with a URL built from it.
  test('--bind must be an IP address, checked before anything starts', async () => {
    for (const bind of ['localhost', '999.1.1.1', '127.0.0.1; rm -rf /']) {
      for (const command of [['deploy', 'alpha'], ['ps'], ['stop', 'alpha']]) {
        const result = await cli([...command, '--bind', bind, '--root', tree.path('deploy')], tree.root);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          `--bind must be an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::), not '${bind}'`,
        );
      }
    }
    expect(existsSync(tree.path('deploy'))).toBe(false);
  });

  test('ps --root naming a file is an error, not an empty list', async () => {
    tree.write('not-a-dir', '');
    const result = await cli(['ps', '--root', 'not-a-dir'], tree.root);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`the deploy root ${tree.path('not-a-dir')} is not a directory`);
  });

  test('udc refuses a URL that carries credentials, without echoing them', async () => {
    const result = await cli(['udc', 'http://admin:hunter2@127.0.0.1:1'], tree.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('carries a user name or password');
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });
});
