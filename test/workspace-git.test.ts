import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { RefConflict, WORKING_TREE } from '../core/ports/index.js';
import { GitWorkspace } from '../core/workspace/git.js';
import { gitRepo } from './helpers/git.js';
import { tempTree } from './helpers/tmp.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repo(files: Record<string, string>) {
  const r = gitRepo(files);
  cleanups.push(r.cleanup);
  return r;
}

const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

describe('GitWorkspace reads', () => {
  it('lists and reads files at a ref, apart from the working tree', async () => {
    const r = repo({ 'intents/a.yaml': 'a: 1\n', 'intents/b.yaml': 'b: 1\n', 'specs/a/SPEC.md': '# A\n' });
    r.write('intents/a.yaml', 'a: 2\n');
    r.write('intents/c.yaml', 'c: 1\n');
    const ws = new GitWorkspace(r.root);

    expect(await ws.listFiles('main', 'intents/')).toEqual(['intents/a.yaml', 'intents/b.yaml']);
    expect(await ws.listFiles('main', 'intents')).toEqual(['intents/a.yaml', 'intents/b.yaml']);
    expect(await ws.listFiles(WORKING_TREE, 'intents/')).toEqual([
      'intents/a.yaml',
      'intents/b.yaml',
      'intents/c.yaml',
    ]);
    expect(await ws.listFiles('main', '')).toEqual(['intents/a.yaml', 'intents/b.yaml', 'specs/a/SPEC.md']);
    expect(text(await ws.readFile('main', 'intents/a.yaml'))).toBe('a: 1\n');
    expect(text(await ws.readFile(r.first, 'intents/a.yaml'))).toBe('a: 1\n');
    expect(text(await ws.readFile(WORKING_TREE, 'intents/a.yaml'))).toBe('a: 2\n');
    expect(await ws.readFile('main', 'intents/c.yaml')).toBeUndefined();
    expect(await ws.readFile('main', 'specs/a')).toBeUndefined();
    expect(await ws.readFile(WORKING_TREE, 'specs/a')).toBeUndefined();
    expect(await ws.resolveRef('main')).toBe(r.first);
    expect(await ws.resolveRef('no-such-branch')).toBeUndefined();
    expect(await ws.defaultBranch()).toBe('main');
  });

  it('names an unknown ref and refuses paths outside the repository', async () => {
    const ws = new GitWorkspace(repo({ 'intents/a.yaml': 'a: 1\n' }).root);
    await expect(ws.readFile('nope', 'intents/a.yaml')).rejects.toThrow(/no commit or branch named 'nope'/);
    await expect(ws.listFiles('--output=x', '')).rejects.toThrow(/invalid ref '--output=x'/);
    for (const bad of ['../etc/passwd', '/etc/passwd', 'intents/../../x', '.git/config', 'a\\b']) {
      await expect(ws.readFile('main', bad)).rejects.toThrow(`invalid repository path '${bad}'`);
    }
  });

  it('works on a folder inside a larger git repository, with paths relative to that folder', async () => {
    const r = repo({ 'product/intents/a.yaml': 'a: 1\n', 'other/x.txt': 'x\n' });
    const ws = new GitWorkspace(r.path('product'));
    expect(await ws.listFiles('main', '')).toEqual(['intents/a.yaml']);
    expect(text(await ws.readFile('main', 'intents/a.yaml'))).toBe('a: 1\n');
    const { commit } = await ws.commitFiles({
      branch: 'feature',
      base: 'main',
      expectedHead: null,
      changes: [{ path: 'specs/a/SPEC.md', content: '# A\n' }],
      message: 'spec: a',
    });
    expect(r.git('ls-tree', '-r', '--name-only', commit).split('\n')).toEqual([
      'other/x.txt',
      'product/intents/a.yaml',
      'product/specs/a/SPEC.md',
    ]);
  });

  it('reads the working tree of a folder that is not a git repository, and says so for refs', async () => {
    const tree = tempTree({ 'intents/a.yaml': 'a: 1\n' });
    cleanups.push(tree.cleanup);
    const ws = new GitWorkspace(tree.root);
    expect(await ws.listFiles(WORKING_TREE, 'intents/')).toEqual(['intents/a.yaml']);
    await expect(ws.listFiles('HEAD', 'intents/')).rejects.toThrow(/is not a git repository/);
  });
});

describe('GitWorkspace writes', () => {
  it('commits changes on a new branch without touching the index or the working tree', async () => {
    const r = repo({ 'intents/a.yaml': 'a: 1\n', 'specs/old/SPEC.md': '# old\n' });
    r.write('intents/a.yaml', 'a: edited\n');
    const ws = new GitWorkspace(r.root);
    const binary = new Uint8Array([0, 255, 1, 254, 10]);
    const result = await ws.commitFiles({
      branch: 'assembly-line/spec/a',
      base: 'main',
      expectedHead: null,
      changes: [
        { path: 'specs/a/SPEC.md', content: '# A\n' },
        { path: 'specs/a/blob.bin', content: binary },
        { path: 'specs/old/SPEC.md', delete: true },
      ],
      message: 'spec: a\n\nwritten by the test',
    });

    expect(await ws.resolveRef('assembly-line/spec/a')).toBe(result.commit);
    expect(r.git('rev-parse', `${result.commit}^`)).toBe(r.first);
    expect(r.git('rev-parse', `${result.commit}^{tree}`)).toBe(result.tree);
    expect(r.git('log', '-1', '--format=%an <%ae>|%s', result.commit)).toBe(
      'Assembly Line <assembly-line@users.noreply.github.com>|spec: a',
    );
    expect(await ws.listFiles(result.commit, '')).toEqual([
      'intents/a.yaml',
      'specs/a/SPEC.md',
      'specs/a/blob.bin',
    ]);
    expect(await ws.readFile(result.commit, 'specs/a/blob.bin')).toEqual(binary);
    // The checkout is exactly as the person left it.
    expect(r.git('rev-parse', 'HEAD')).toBe(r.first);
    expect(r.git('status', '--porcelain')).toBe('M intents/a.yaml');
    expect(r.git('diff', '--cached', '--name-only')).toBe('');
    expect(existsSync(r.path('specs/a/SPEC.md'))).toBe(false);
  });

  it('moves a branch only from the head the caller saw (compare-and-swap)', async () => {
    const r = repo({ 'intents/a.yaml': 'a: 1\n' });
    const ws = new GitWorkspace(r.root);
    const change = (content: string) => [{ path: 'specs/a/SPEC.md', content }];
    const one = await ws.commitFiles({
      branch: 'b',
      base: 'main',
      expectedHead: null,
      changes: change('1\n'),
      message: 'one',
    });
    // Rebuilt on the base (not on top of the branch), from the head we saw: the bot's one-commit PR branch.
    const two = await ws.commitFiles({
      branch: 'b',
      base: 'main',
      expectedHead: one.commit,
      changes: change('2\n'),
      message: 'two',
    });
    expect(r.git('rev-parse', `${two.commit}^`)).toBe(r.first);

    const stale = ws.commitFiles({
      branch: 'b',
      base: 'main',
      expectedHead: one.commit,
      changes: change('3\n'),
      message: 'three',
    });
    await expect(stale).rejects.toBeInstanceOf(RefConflict);
    await expect(stale).rejects.toThrow(`branch b moved: expected ${one.commit}, found ${two.commit}`);
    const exists = ws.commitFiles({
      branch: 'b',
      base: 'main',
      expectedHead: null,
      changes: [],
      message: 'x',
    });
    await expect(exists).rejects.toThrow(`expected no branch, found ${two.commit}`);
    expect(await ws.resolveRef('b')).toBe(two.commit);
    expect(text(await ws.readFile('b', 'specs/a/SPEC.md'))).toBe('2\n');
  });

  it('refuses the checked-out branch, bad branch names and unknown bases', async () => {
    const r = repo({ 'intents/a.yaml': 'a: 1\n' });
    const ws = new GitWorkspace(r.root);
    const request = { base: 'main', expectedHead: r.first, changes: [], message: 'x' };
    await expect(ws.commitFiles({ ...request, branch: 'main' })).rejects.toThrow(
      /branch main is checked out in .*; commit to another branch/,
    );
    await expect(ws.commitFiles({ ...request, branch: 'a..b' })).rejects.toThrow(
      "'a..b' is not a valid branch name",
    );
    await expect(ws.commitFiles({ ...request, branch: 'x', base: 'nope' })).rejects.toThrow(
      /no commit or branch named 'nope'/,
    );
    expect(r.git('rev-parse', 'main')).toBe(r.first);
  });

  it('writes and deletes files in the working tree and gives local paths for tools', async () => {
    const r = repo({ 'intents/a.yaml': 'a: 1\n' });
    const ws = new GitWorkspace(r.root);
    await ws.writeFiles([
      { path: 'specs/a/SPEC.md', content: '# A\n' },
      { path: 'intents/a.yaml', delete: true },
    ]);
    expect(readFileSync(r.path('specs/a/SPEC.md'), 'utf8')).toBe('# A\n');
    expect(existsSync(r.path('intents/a.yaml'))).toBe(false);
    expect(ws.localPath('services/a')).toBe(r.path('services/a'));
    await expect(ws.writeFiles([{ path: '../escape', content: 'x' }])).rejects.toThrow(
      "invalid repository path '../escape'",
    );
    expect(() => ws.localPath('../x')).toThrow("invalid repository path '../x'");
  });
});
