import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

/**
 * The Python every generated service runs, whatever its SPEC: structured logs, the UDC runtime
 * (metrics, dependency probes, envelope checks), registration and response shaping. They live as real
 * modules in `core/runtime/python/app/`, linted with pyflakes and tested with pytest, and import the
 * service's own values from `app.config` and `app.models`, so they carry no intent text at all.
 *
 * Written for FastAPI 0.92 / pydantic 1.10 (Debian) and current FastAPI / pydantic 2 alike: no
 * version-specific pydantic API (`as_data` checks which dump method exists), errors read with
 * `.get(...)`, strict types via `StrictStr` (in both), and only the standard library for HTTP calls.
 */
export const RUNTIME_MODULES = ['logs.py', 'udc.py', 'registration.py', 'shaping.py'] as const;
export type RuntimeModule = (typeof RUNTIME_MODULES)[number];

/** `core/runtime/python/` of this package: the `app/` runtime modules and their tests. */
export function runtimePythonDir(moduleUrl: string = import.meta.url): string {
  return join(packageRoot(moduleUrl), 'core', 'runtime', 'python');
}

const loaded = new Map<RuntimeModule, string>();

/** The text of one runtime module, as it is written to `services/<name>/app/`. */
export function runtimeModule(name: RuntimeModule): string {
  let text = loaded.get(name);
  if (text === undefined) {
    const path = join(runtimePythonDir(), 'app', name);
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`the service runtime module ${path} cannot be read: ${(error as Error).message}`);
    }
    loaded.set(name, text);
  }
  return text;
}
