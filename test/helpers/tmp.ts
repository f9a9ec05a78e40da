import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary directory tree, removed by `cleanup()`. */
export function tempTree(files: Record<string, string | Uint8Array> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-test-'));
  const write = (path: string, content: string | Uint8Array) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return {
    root,
    write,
    path: (p: string) => join(root, p),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface IntentFields {
  [key: string]: unknown;
}

/**
 * A valid intent as YAML text, with fields overridden or removed (`undefined`). Layout: service_name on
 * line 1, service_type 2, priority 3, purpose 4, port 5, key_features 6 with items from line 7, then
 * dependencies, then any extra fields.
 */
export function intentYaml(name: string, overrides: IntentFields = {}): string {
  const fields: IntentFields = {
    service_name: name,
    service_type: 'domain',
    priority: 'medium',
    purpose: `Serve ${name} requests`,
    port: 9000,
    key_features: ['GET /items endpoint'],
    dependencies: ['registry'],
    ...overrides,
  };
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) =>
      Array.isArray(value)
        ? value.length === 0
          ? `${key}: []`
          : `${key}:\n${value.map((item) => `  - ${JSON.stringify(item)}`).join('\n')}`
        : `${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    )
    .join('\n')
    .concat('\n');
}
