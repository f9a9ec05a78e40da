import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const REPO_ROOT = resolve(import.meta.dirname ?? dirname(new URL(import.meta.url).pathname), '../..');

/**
 * Compiles a source module and every module it imports (relative imports, followed transitively) to
 * plain ESM JavaScript in a temporary tree, with the repository's node_modules linked in, so child
 * processes can run the real code while the build directory may be stale. No type checking.
 */
export function transpileForChildProcesses(entries: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-js-'));
  writeFileSync(join(root, 'package.json'), '{"type": "module"}\n');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  const pending = entries.map((entry) => resolve(REPO_ROOT, entry));
  const done = new Set<string>();
  while (pending.length > 0) {
    const source = pending.pop()!;
    if (done.has(source)) continue;
    done.add(source);
    const text = readFileSync(source, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)\.js'/g))
      pending.push(resolve(dirname(source), `${match[1]}.ts`));
    const output = ts.transpileModule(text, {
      fileName: source,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const target = join(root, relative(REPO_ROOT, source)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return {
    root,
    write: (path: string, text: string) => {
      writeFileSync(join(root, path), text);
      return join(root, path);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
