import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileRegistry } from '../core/registry/file.js';
import { type BenchResult, measure } from './measure.js';

const entry = (name: string) => ({
  name,
  url: 'http://127.0.0.1:9000/',
  version: '1.0.0',
  release_id: '20261125T041713Z-3f9a2c1',
  registered_at: new Date().toISOString(),
  health: 'active' as const,
});

/** The file registry: one registration (lock, read, fsync'd write, rename), and 20 concurrent writers. */
export async function benchFileRegistry(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-bench-'));
  try {
    const path = join(root, 'registry.json');
    const registry = new FileRegistry(path);
    for (let i = 0; i < 100; i++) await registry.register(entry(`svc-${i}`));
    let round = 0;
    const single = await measure('file registry: register one entry (100 in the file)', () =>
      registry.register(entry(`svc-${round++ % 100}`)),
    );
    const writers = Array.from({ length: 20 }, () => new FileRegistry(path));
    const concurrent = await measure('file registry: 20 concurrent registrations (separate instances)', () =>
      Promise.all(writers.map((writer, i) => writer.register(entry(`svc-${i}`)))),
    );
    const list = await measure('file registry: list 100 entries', () => registry.list(), 20);
    return [single, concurrent, list];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
