import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { checkFileMap, FileMapRefused } from '../core/build/file-guard.js';
import {
  generationStamp,
  MANIFEST_NAME,
  readManifest,
  reusableGeneration,
  writeServiceFiles,
} from '../core/build/write-service.js';
import type { FileMap, Workspace } from '../core/ports/index.js';
import { GitWorkspace } from '../core/workspace/git.js';
import { gitRepo } from './helpers/git.js';
import { tempTree } from './helpers/tmp.js';

const ws = (root: string) => new GitWorkspace(root);

const NAME = 'hello';
const good: FileMap = {
  'services/hello/app/__init__.py': '',
  'services/hello/app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
  'services/hello/requirements.txt': 'fastapi\n',
  'services/hello/tests/test_main.py': 'def test_ok():\n    assert True\n',
  'services/hello/.gitignore': '.venv/\n',
};
const stamp = {
  ...generationStamp('# SPEC\n', '{"service_name":"hello"}', 'test/1', 'rt/1'),
  provider: 'offline',
};

let trees: ReturnType<typeof tempTree>[] = [];
function repo() {
  const tree = tempTree({ 'intents/hello.yaml': 'service_name: hello\n' });
  trees.push(tree);
  return tree;
}
afterEach(() => {
  for (const tree of trees) tree.cleanup();
  trees = [];
});

function violationsOf(files: FileMap, limits = {}) {
  const check = checkFileMap(files, NAME, limits);
  return check.ok ? [] : check.violations;
}

describe('checkFileMap', () => {
  it('accepts an ordinary FastAPI service', () => {
    expect(checkFileMap(good, NAME)).toEqual({ ok: true });
  });

  it.each([
    ['a parent segment', 'services/hello/../../etc/passwd.txt', '".." segment'],
    ['a parent segment that stays inside', 'services/hello/app/../main.py', '".." segment'],
    ['an absolute path', '/etc/cron.d/evil.txt', 'absolute'],
    ['a Windows drive path', 'C:/evil.py', 'absolute'],
    ['a backslash', 'services/hello/app\\main.py', 'backslash'],
    ['a NUL byte in the path', 'services/hello/app/main.py\0.txt', 'NUL'],
    ['a control character', 'services/hello/app/ma\nin.py', 'control character'],
    ['an empty segment', 'services/hello//main.py', 'empty segment'],
    ['a "." segment', 'services/hello/./main.py', '"." segment'],
    ['another service', 'services/other/app/main.py', 'outside services/hello/'],
    ['the repository root', 'main.py', 'outside services/hello/'],
    ['a prefix look-alike', 'services/hello-evil/main.py', 'outside services/hello/'],
    ['a disallowed extension', 'services/hello/app/run.sh', 'file type .sh'],
    ['a file without extension', 'services/hello/Makefile', 'file type (none)'],
    ['a .pth file', 'services/hello/evil.pth', 'file type .pth'],
    ['a dotfile', 'services/hello/.env', 'not an allowed name'],
    ['the manifest', `services/hello/${MANIFEST_NAME}`, 'reserved'],
    ['the venv', 'services/hello/.venv/bin/activate.py', 'reserved'],
    ['a space in a name', 'services/hello/app/my main.py', 'not an allowed name'],
  ])('refuses %s', (_label, path, reason) => {
    const violations = violationsOf({ ...good, [path]: 'x = 1\n' });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.reason).toContain(reason);
  });

  it('refuses binary and non-text content', () => {
    const violations = violationsOf({
      ...good,
      'services/hello/app/nul.py': 'a = 1\0',
      'services/hello/app/ctrl.py': 'a = "\u001b[31m"',
      'services/hello/app/surrogate.py': 'a = "\ud800"',
      'services/hello/app/number.py': 42 as unknown as string,
    });
    expect(violations.map((v) => [v.path, v.reason])).toEqual([
      ['services/hello/app/nul.py', expect.stringContaining('NUL byte')],
      ['services/hello/app/ctrl.py', expect.stringContaining('control characters')],
      ['services/hello/app/surrogate.py', expect.stringContaining('not valid Unicode')],
      ['services/hello/app/number.py', 'the content is not text'],
    ]);
  });

  it('accepts tabs, CRLF and form feeds in text', () => {
    expect(violationsOf({ ...good, 'services/hello/app/x.py': 'a = 1\r\n\tb = 2\f\n' })).toEqual([]);
  });

  it('enforces the per-file, total and count limits', () => {
    expect(violationsOf({ ...good, 'services/hello/app/big.py': 'x'.repeat(300 * 1024) })[0]?.reason).toMatch(
      /307200 bytes; at most 262144/,
    );
    const many = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`services/hello/app/m${i}.py`, 'x'.repeat(250 * 1024)]),
    );
    expect(violationsOf(many).map((v) => v.reason)).toEqual([
      expect.stringMatching(/bytes in all; at most 2097152/),
    ]);
    expect(violationsOf(good, { maxFiles: 3 }).map((v) => v.reason)).toEqual([
      '5 files; at most 3 are allowed',
    ]);
  });

  it('refuses an empty map, case-only twins and a name that is both file and folder', () => {
    expect(violationsOf({})[0]?.reason).toBe('the file map is empty');
    expect(violationsOf({ ...good, 'services/hello/app/Main.py': '' })[0]?.reason).toContain(
      'only in letter case',
    );
    expect(
      violationsOf({ 'services/hello/app.py': '', 'services/hello/app.py/x.py': '' })[0]?.reason,
    ).toContain('both a file and a folder');
  });

  it('refuses output that is not a map of files', () => {
    for (const value of [null, 'services/hello/app/main.py', ['services/hello/app/main.py']])
      expect(checkFileMap(value as unknown as FileMap, NAME)).toEqual({
        ok: false,
        violations: [{ path: 'services/hello/', reason: 'the model did not return a map of files' }],
      });
  });

  it('refuses an invalid service name instead of building paths from it', () => {
    const check = checkFileMap({ 'services/../x/a.py': '' }, '../x');
    expect(check.ok).toBe(false);
  });

  it('lists every violation, not just the first', () => {
    const violations = violationsOf({
      '../escape.py': '',
      '/abs.py': '',
      'services/hello/run.sh': '',
      'services/hello/app/main.py': '\0',
    });
    expect(violations.map((v) => v.path)).toEqual([
      '../escape.py',
      '/abs.py',
      'services/hello/run.sh',
      'services/hello/app/main.py',
    ]);
  });
});

describe('writeServiceFiles', () => {
  it('writes the files and a manifest with hashes, provider and file list', async () => {
    const tree = repo();
    const manifest = await writeServiceFiles(ws(tree.root), NAME, good, stamp, {
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(readFileSync(tree.path('services/hello/app/main.py'), 'utf8')).toBe(
      good['services/hello/app/main.py'],
    );
    const onDisk = JSON.parse(readFileSync(tree.path(`services/hello/${MANIFEST_NAME}`), 'utf8'));
    expect(onDisk).toEqual(manifest);
    expect(onDisk).toMatchObject({
      spec_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      intent_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      generator_version: 'test/1',
      provider: 'offline',
      generated_at: '2026-01-02T03:04:05.000Z',
      files: Object.keys(good).sort(),
    });
    // No staging or backup folders are left beside the service.
    expect(readdirSync(tree.path('services'))).toEqual(['hello']);
  });

  it('replaces the previous generation completely and keeps the venv', async () => {
    const tree = repo();
    await writeServiceFiles(
      ws(tree.root),
      NAME,
      { ...good, 'services/hello/app/old.py': 'OLD = 1\n' },
      stamp,
    );
    tree.write('services/hello/.venv/pyvenv.cfg', 'home = /usr/bin\n');
    await writeServiceFiles(ws(tree.root), NAME, good, stamp);
    expect(existsSync(tree.path('services/hello/app/old.py'))).toBe(false);
    expect(readFileSync(tree.path('services/hello/.venv/pyvenv.cfg'), 'utf8')).toBe('home = /usr/bin\n');
    expect(readdirSync(tree.path('services'))).toEqual(['hello']);
  });

  it.each([
    ['a path escape', { 'services/hello/../../outside.py': 'x = 1\n' }],
    ['an absolute path', { '/tmp/assembly-line-evil.py': 'x = 1\n' }],
    ['a huge file', { 'services/hello/app/huge.py': 'x'.repeat(257 * 1024) }],
    ['a NUL byte', { 'services/hello/app/main.py': 'x = 1\0' }],
    ['a disallowed extension', { 'services/hello/app/evil.so': 'ELF' }],
  ])('writes nothing for %s and keeps the previous code', async (_label, extra) => {
    const tree = repo();
    await writeServiceFiles(ws(tree.root), NAME, good, stamp);
    const before = readFileSync(tree.path('services/hello/app/main.py'), 'utf8');
    const call = () =>
      writeServiceFiles(
        ws(tree.root),
        NAME,
        { ...good, 'services/hello/app/new.py': 'NEW = 1\n', ...extra },
        stamp,
      );
    await expect(call()).rejects.toThrow(FileMapRefused);
    await expect(call()).rejects.toThrow(/nothing was written/);
    expect(readFileSync(tree.path('services/hello/app/main.py'), 'utf8')).toBe(before);
    expect(existsSync(tree.path('services/hello/app/new.py'))).toBe(false);
    expect(existsSync(join(tree.root, '..', 'outside.py'))).toBe(false);
    expect(readdirSync(tree.path('services'))).toEqual(['hello']);
  });

  it('refuses to write through a symlinked folder inside the target', async () => {
    const tree = repo();
    const victim = tempTree({ 'victim/keep.txt': 'keep\n' });
    trees.push(victim);
    mkdirSync(tree.path('services/hello'), { recursive: true });
    symlinkSync(victim.path('victim'), tree.path('services/hello/app'));
    await expect(writeServiceFiles(ws(tree.root), NAME, good, stamp)).rejects.toThrow(
      /services\/hello\/app: is a symbolic link; refusing to write through it/,
    );
    expect(readdirSync(victim.path('victim'))).toEqual(['keep.txt']);
    expect(lstatSync(tree.path('services/hello/app')).isSymbolicLink()).toBe(true);
  });

  it('refuses a symlinked services/ or service folder', async () => {
    const tree = repo();
    const elsewhere = tempTree();
    trees.push(elsewhere);
    symlinkSync(elsewhere.root, tree.path('services'));
    await expect(writeServiceFiles(ws(tree.root), NAME, good, stamp)).rejects.toThrow(
      /services: is a symbolic link/,
    );
    expect(readdirSync(elsewhere.root)).toEqual([]);

    const other = repo();
    mkdirSync(other.path('services'));
    symlinkSync(elsewhere.root, other.path('services/hello'));
    await expect(writeServiceFiles(ws(other.root), NAME, good, stamp)).rejects.toThrow(
      /services\/hello: is a symbolic link/,
    );
    expect(readdirSync(elsewhere.root)).toEqual([]);
  });
});

describe('reusableGeneration', () => {
  it('is true only for the same SPEC, intent and generator with every file present', async () => {
    const tree = repo();
    expect(await reusableGeneration(ws(tree.root), NAME, stamp)).toBe(false);
    await writeServiceFiles(ws(tree.root), NAME, good, stamp);
    expect(await reusableGeneration(ws(tree.root), NAME, stamp)).toBe(true);

    const same = generationStamp('# SPEC\n', '{"service_name":"hello"}', 'test/1', 'rt/1');
    expect(await reusableGeneration(ws(tree.root), NAME, same)).toBe(true);
    expect(
      await reusableGeneration(
        ws(tree.root),
        NAME,
        generationStamp('# SPEC changed\n', '{"service_name":"hello"}', 'test/1', 'rt/1'),
      ),
    ).toBe(false);
    expect(
      await reusableGeneration(
        ws(tree.root),
        NAME,
        generationStamp('# SPEC\n', '{"service_name":"hello","port":1}', 'test/1', 'rt/1'),
      ),
    ).toBe(false);
    expect(
      await reusableGeneration(
        ws(tree.root),
        NAME,
        generationStamp('# SPEC\n', '{"service_name":"hello"}', 'test/2', 'rt/1'),
      ),
    ).toBe(false);
    // A new version of the vendored runtime regenerates the service too.
    expect(
      await reusableGeneration(
        ws(tree.root),
        NAME,
        generationStamp('# SPEC\n', '{"service_name":"hello"}', 'test/1', 'rt/2'),
      ),
    ).toBe(false);
  });

  it('is false when a listed file is gone or the manifest is damaged', async () => {
    const tree = repo();
    await writeServiceFiles(ws(tree.root), NAME, good, stamp);
    writeFileSync(tree.path('services/hello/app/main.py'), 'edited = True\n');
    expect(await reusableGeneration(ws(tree.root), NAME, stamp)).toBe(true); // a person's edit is kept, not regenerated
    const manifestPath = tree.path(`services/hello/${MANIFEST_NAME}`);
    const manifest = readManifest(tree.root, NAME);
    writeFileSync(
      manifestPath,
      JSON.stringify({ ...manifest, files: [...(manifest?.files ?? []), 'services/hello/app/gone.py'] }),
    );
    expect(await reusableGeneration(ws(tree.root), NAME, stamp)).toBe(false);
    // Paths that climb out of the service folder to files that do exist: only the `..` check refuses them.
    const escapes = [
      `services/hello/${relative(tree.path('services/hello'), '/etc/passwd')}`,
      'services/hello/../../intents/hello.yaml',
    ];
    tree.write('intents/hello.yaml', 'service_name: hello\n');
    for (const climb of escapes) {
      expect(lstatSync(join(tree.root, climb)).isFile()).toBe(true);
      writeFileSync(manifestPath, JSON.stringify({ ...manifest, files: [climb] }));
      expect(await reusableGeneration(ws(tree.root), NAME, stamp)).toBe(false);
    }
    writeFileSync(manifestPath, '{not json');
    expect(await reusableGeneration(ws(tree.root), NAME, stamp)).toBe(false);
  });
});

/** The build line writes and reuses services through the Workspace port, not through a folder path. */
describe('services through a Workspace without a local folder, on a real git repository', () => {
  const repository = gitRepo({ 'intents/hello.yaml': 'service_name: hello\n' });
  afterAll(() => repository.cleanup());

  /** The checkout seen only through the port's methods, as a remote adapter is: no localPath. */
  function portOnly(workspace: GitWorkspace): Workspace {
    return {
      description: workspace.description,
      resolveRef: (ref) => workspace.resolveRef(ref),
      defaultBranch: () => workspace.defaultBranch(),
      listFiles: (ref, prefix) => workspace.listFiles(ref, prefix),
      readFile: (ref, path) => workspace.readFile(ref, path),
      writeFiles: (changes) => workspace.writeFiles(changes),
      commitFiles: (request) => workspace.commitFiles(request),
    };
  }

  it('writes a generation, removes the files of the previous one, and judges reuse at a ref', async () => {
    const workspace = portOnly(new GitWorkspace(repository.root));
    await writeServiceFiles(workspace, NAME, { ...good, 'services/hello/app/old.py': 'OLD = 1\n' }, stamp);
    const first = repository.commitAll('first generation');
    await writeServiceFiles(workspace, NAME, good, stamp);
    expect(existsSync(repository.path('services/hello/app/old.py'))).toBe(false);
    expect(readFileSync(repository.path('services/hello/app/main.py'), 'utf8')).toBe(
      good['services/hello/app/main.py'],
    );
    expect(
      JSON.parse(readFileSync(repository.path(`services/hello/${MANIFEST_NAME}`), 'utf8')).files,
    ).toEqual(Object.keys(good).sort());
    const second = repository.commitAll('second generation');

    expect(await reusableGeneration(workspace, NAME, stamp, first)).toBe(true);
    expect(await reusableGeneration(workspace, NAME, stamp, repository.first)).toBe(false);
    // Someone removes a generated file in a later commit: that commit's code is not reusable.
    repository.git('rm', '--quiet', 'services/hello/app/main.py');
    const broken = repository.commitAll('main.py removed');
    expect(await reusableGeneration(workspace, NAME, stamp, second)).toBe(true);
    expect(await reusableGeneration(workspace, NAME, stamp, broken)).toBe(false);
  });

  it('refuses an unsafe file map before the Workspace sees any change', async () => {
    const workspace = portOnly(new GitWorkspace(repository.root));
    const writes: unknown[] = [];
    await expect(
      writeServiceFiles(
        { ...workspace, writeFiles: async (changes) => void writes.push(changes) },
        NAME,
        { ...good, 'services/hello/../../outside.py': 'x = 1\n' },
        stamp,
      ),
    ).rejects.toThrow(FileMapRefused);
    expect(writes).toEqual([]);
  });
});
