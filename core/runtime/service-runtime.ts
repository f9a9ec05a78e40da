import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../hash.js';
import { packageRoot } from '../package-root.js';

/**
 * The Python every generated service runs, whatever its SPEC: the UDC endpoints, request metrics, JSON
 * logs, configuration, registration, dependency probes and the message envelope. It is the package
 * `assembly_line_runtime` in `core/runtime/python/`, linted with pyflakes and tested with pytest there,
 * and copied as it is into each built service (`services/<name>/assembly_line_runtime/`), so a deployed
 * release needs nothing from this product.
 */
export const RUNTIME_PACKAGE = 'assembly_line_runtime';

/** `core/runtime/python/` of this package: the runtime package and its tests. */
export function runtimePythonDir(moduleUrl: string = import.meta.url): string {
  return join(packageRoot(moduleUrl), 'core', 'runtime', 'python');
}

export interface RuntimeSources {
  /** `assembly_line_runtime/<module>.py` → text, in name order. */
  files: Record<string, string>;
  /** `__version__` of the package, then `+` and 12 hex digits of the sources' hash: any edit changes it. */
  version: string;
}

let cached: RuntimeSources | undefined;

/** The runtime's modules as they are vendored, and the version a service's stamp records. */
export function runtimeSources(): RuntimeSources {
  if (cached) return cached;
  const dir = join(runtimePythonDir(), RUNTIME_PACKAGE);
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.py'))
      .sort();
  } catch (error) {
    throw new Error(`the service runtime ${dir} cannot be read: ${(error as Error).message}`);
  }
  const files: Record<string, string> = {};
  for (const name of names) files[`${RUNTIME_PACKAGE}/${name}`] = readFileSync(join(dir, name), 'utf8');
  const declared = /^__version__ = "([^"]+)"$/m.exec(files[`${RUNTIME_PACKAGE}/__init__.py`] ?? '')?.[1];
  if (!declared) throw new Error(`${dir}/__init__.py declares no __version__`);
  const digest = sha256(
    Object.entries(files)
      .map(([path, text]) => `${path}\0${text}`)
      .join('\0'),
  );
  cached = { files, version: `${declared}+${digest.slice(0, 12)}` };
  return cached;
}
