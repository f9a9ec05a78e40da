import type { RegistryEntry } from '../../core/ports/index.js';

/** A valid registry entry for `name`, with fields overridden. */
export function sampleEntry(name: string, overrides: Partial<RegistryEntry> = {}): RegistryEntry {
  return {
    name,
    url: `http://127.0.0.1:9000/${name}`,
    version: '1.0.0',
    release_id: '20261125T041713Z-3f9a2c1',
    registered_at: '2026-11-25T04:17:13.000Z',
    health: 'active',
    ...overrides,
  };
}

/** Collects the warnings a registry reports. */
export function warnings() {
  const messages: string[] = [];
  return { messages, warn: (message: string) => void messages.push(message) };
}
