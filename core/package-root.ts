import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder with the package.json above a module. tsc copies no `.md`, `.py` or `.sh` files into
 * `out/`, so modules find the files they ship from the package root, whether they run from `core/…`
 * (ts-jest, tsx) or from `out/core/…` (the CLI).
 */
export function packageRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
  return dir;
}
