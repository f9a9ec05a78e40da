/** The service registry: where a deployed, healthy release is announced. Adapters: file, http, etcd (core/registry/). */

export interface RegistryEntry {
  name: string;
  url: string;
  version: string;
  release_id: string;
  /** ISO-8601 */
  registered_at: string;
  health: 'active' | 'degraded' | 'unknown';
}

export interface Registry {
  /** e.g. `file:/path/registry.json`, `http://host:8000`, `etcd://127.0.0.1:2379` */
  readonly description: string;
  /**
   * Where a deployed service can read the registry to probe its dependencies (an http registry's URL,
   * without credentials); absent when the registry is not reachable over HTTP (file, etcd).
   */
  readonly serviceUrl?: string;
  register(entry: RegistryEntry): Promise<void>;
  deregister(name: string): Promise<void>;
  get(name: string): Promise<RegistryEntry | undefined>;
  list(): Promise<RegistryEntry[]>;
}
