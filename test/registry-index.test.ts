import { existsSync } from 'node:fs';
import { afterEach, describe, expect, test } from '@jest/globals';
import { EtcdRegistry } from '../core/registry/etcd.js';
import { FileRegistry } from '../core/registry/file.js';
import { HttpRegistry } from '../core/registry/http.js';
import { createRegistry, REGISTRY_FORMS } from '../core/registry/index.js';
import { sampleEntry } from './helpers/registry.js';
import { tempTree } from './helpers/tmp.js';

let tree: ReturnType<typeof tempTree> | undefined;
afterEach(() => tree?.cleanup());

describe('createRegistry', () => {
  test('file:PATH is relative to the working directory', async () => {
    tree = tempTree();
    const registry = createRegistry('file:.assembly-line/registry.json', { cwd: tree.root });
    expect(registry).toBeInstanceOf(FileRegistry);
    expect(registry.description).toBe(`file:${tree.path('.assembly-line/registry.json')}`);
    await registry.register(sampleEntry('hello-world'));
    expect(existsSync(tree.path('.assembly-line/registry.json'))).toBe(true);
  });

  test.each([
    ['file:/srv/registry.json', 'file:/srv/registry.json'],
    ['file:///srv/my%20registry.json', 'file:/srv/my registry.json'],
    ['file:../shared/registry.json', 'file:/work/shared/registry.json'],
  ])('%s is the file registry %s', (spec, description) => {
    expect(createRegistry(spec, { cwd: '/work/main' }).description).toBe(description);
  });

  test.each([
    ['http://127.0.0.1:8000', 'http://127.0.0.1:8000', HttpRegistry],
    ['https://registry.example.org/api/', 'https://registry.example.org/api', HttpRegistry],
    ['https://ops:t0ps3cret@registry.example.org', 'https://registry.example.org', HttpRegistry],
    ['etcd://127.0.0.1:2379', 'etcd://127.0.0.1:2379/assembly-line/services/', EtcdRegistry],
    ['etcd://etcd.internal', 'etcd://etcd.internal:2379/assembly-line/services/', EtcdRegistry],
    ['etcd://root:t0ps3cret@10.0.0.5:12379/fleet/prod', 'etcd://10.0.0.5:12379/fleet/prod/', EtcdRegistry],
  ])('%s is described as %s, without credentials', (spec, description, kind) => {
    const registry = createRegistry(spec, { cwd: '/' });
    expect(registry).toBeInstanceOf(kind);
    expect(registry.description).toBe(description);
  });

  test.each([
    ['', /no kind given/],
    ['registry.json', /no kind given/],
    ['file:', /no path after "file:"/],
    ['ftp://registry.example.org', /unknown kind "ftp:"/],
    ['http://', /not a valid URL/],
    ['etcd://', /no host/],
    ['etcd://root:t0ps3cret@10.0.0.5:2379/p?x=1', /no query or fragment/],
    ['https://ops:t0ps3cret@exa mple.org', /not a valid URL/],
  ])('%j is refused with the accepted forms, and no credentials', (spec, why) => {
    let message = '';
    try {
      createRegistry(spec, { cwd: '/' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(why);
    expect(message).toContain(REGISTRY_FORMS);
    expect(message).toMatch(/^registry ".*" is not understood/);
    expect(message).not.toContain('t0ps3cret');
  });
});
