import { resolve } from 'node:path';
import { cycles, packageImports, unitEdges } from './helpers/import-graph.js';
import { tempTree } from './helpers/tmp.js';

const CORE = resolve(import.meta.dirname, '..', 'core');
const GITHUB_PACKAGES = /^(@actions\/|@octokit\/|probot(\/|$))/;

describe("core's architecture", () => {
  test("core's folders import each other without a cycle, type imports included", () => {
    expect(cycles(unitEdges(CORE))).toEqual([]);
  });

  test('core imports no GitHub package', () => {
    expect(packageImports(CORE, GITHUB_PACKAGES)).toEqual([]);
  });

  describe('the checks find what they look for', () => {
    const trees: ReturnType<typeof tempTree>[] = [];
    afterAll(() => {
      for (const tree of trees) tree.cleanup();
    });

    test('a cycle through a type import and a top-level module', () => {
      const tree = tempTree({
        'a/x.ts': "import type { Y } from '../b/y.js';\nexport type X = Y;\n",
        'b/y.ts': "import { z } from '../z.js';\nexport type Y = number;\nexport const y = z;\n",
        'z.ts': "export { type X } from './a/x.js';\nexport const z = 1;\n",
        'c/w.ts': "import { y } from '../b/y.js';\nexport const w = y;\n",
      });
      trees.push(tree);
      expect(cycles(unitEdges(tree.root))).toEqual([['a/', 'b/', 'z', 'a/']]);
    });

    test('GitHub packages, static, dynamic and type-only', () => {
      const tree = tempTree({
        'gh/a.ts': "import * as core from '@actions/core';\nimport type { Octokit } from '@octokit/rest';\n",
        'gh/b.ts': "export const app = await import('probot');\nimport { z } from 'zod';\n",
        'gh/c.ts': "import probotLike from 'probotic';\n",
      });
      trees.push(tree);
      expect(packageImports(tree.root, GITHUB_PACKAGES).sort()).toEqual([
        'gh/a.ts: @actions/core',
        'gh/a.ts: @octokit/rest',
        'gh/b.ts: probot',
      ]);
    });
  });
});
