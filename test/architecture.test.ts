import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { cycles, importsOf, packageImports, sourceFiles, unitEdges } from './helpers/import-graph.js';
import { tempTree } from './helpers/tmp.js';

const REPO = resolve(import.meta.dirname, '..');
const CORE = resolve(REPO, 'core');
const GITHUB_PACKAGES = /^(@actions\/|@octokit\/|probot(\/|$))/;

describe("core's architecture", () => {
  test("core's folders import each other without a cycle, type imports included", () => {
    expect(cycles(unitEdges(CORE))).toEqual([]);
  });

  test('core imports no GitHub package', () => {
    expect(packageImports(CORE, GITHUB_PACKAGES)).toEqual([]);
  });

  test('bot/ and action/ reach core only through its public entry, core/index.ts', () => {
    const deep = ['bot/src', 'action/src'].flatMap((folder) =>
      sourceFiles(resolve(REPO, folder)).flatMap((file) =>
        importsOf(file)
          .filter((specifier) => specifier.startsWith('.'))
          .map((specifier) => relative(REPO, resolve(dirname(file), specifier)))
          .filter((target) => target.startsWith('core/') && target !== 'core/index.js')
          .map((target) => `${relative(REPO, file)}: ${target}`),
      ),
    );
    expect(deep).toEqual([]);
  });

  test('no CLI command decides pipeline policy: it neither reads the policy fields nor calls the deciders', () => {
    const deciding = sourceFiles(resolve(CORE, 'cli')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const found = [
        ...text.matchAll(
          /\.(auto_build|deploy_local|approval_mode)\b|\b(buildsAfterSpec|deploysAfterBuild|approvalPolicy)\b/g,
        ),
      ];
      const phases = importsOf(file).filter((specifier) =>
        /\/(spec\/spec-(job|line)|build\/build-line|pipeline\/(build|deploy)-job)\.js$/.test(specifier),
      );
      return [...found.map((m) => m[0]), ...phases].map((what) => `${relative(CORE, file)}: ${what}`);
    });
    expect(deciding).toEqual([]);
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
