import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Registry } from '../ports/index.js';
import { redactUrlCredentials } from '../redact.js';
import { RegistryError, type RegistryWarn } from './entry.js';
import { EtcdRegistry } from './etcd.js';
import { FileRegistry } from './file.js';
import type { LockOptions } from './file-lock.js';
import { HttpRegistry, type HttpRegistryPaths } from './http.js';
import type { RetryPolicy } from './http-client.js';

export { RegistryEntrySchema, RegistryError, type RegistryWarn } from './entry.js';
export { DEFAULT_ETCD_PREFIX, EtcdRegistry } from './etcd.js';
export { FileRegistry } from './file.js';
export { DEFAULT_HTTP_PATHS, HttpRegistry } from './http.js';

export const REGISTRY_FORMS = 'file:PATH, http(s)://HOST[:PORT][/PATH], or etcd://HOST[:PORT][/PREFIX]';
export const DEFAULT_ETCD_PORT = 2379;

export interface CreateRegistryOptions {
  /** `file:` paths are relative to this directory. */
  cwd: string;
  /** Told about invalid entries found in the registry; default: a process warning. */
  warn?: RegistryWarn;
  /** file registry: how writers wait for each other. */
  lock?: LockOptions;
  /** http and etcd registries: tries, backoff, timeout per request. */
  retry?: Partial<RetryPolicy>;
  /** http registry: the service's API paths. */
  httpPaths?: Partial<HttpRegistryPaths>;
}

function malformed(spec: string, why: string): RegistryError {
  return new RegistryError(
    `registry ${JSON.stringify(redactUrlCredentials(spec))} is not understood (${why}); use ${REGISTRY_FORMS}`,
  );
}

function parseUrl(spec: string): URL {
  try {
    return new URL(spec);
  } catch {
    throw malformed(spec, 'not a valid URL');
  }
}

/**
 * The registry a spec names: `file:PATH` (relative to `cwd`, or a `file:///` URL), `http://…` or
 * `https://…` (the registry service's base URL), `etcd://HOST[:PORT][/PREFIX]` (port 2379 and prefix
 * `/assembly-line/services/` by default). Credentials in a URL are used, never shown.
 */
export function createRegistry(spec: string, options: CreateRegistryOptions): Registry {
  const text = spec.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  const common = { warn: options.warn, retry: options.retry };
  switch (scheme) {
    case 'file': {
      const rest = text.slice('file:'.length);
      if (rest === '') throw malformed(spec, 'no path after "file:"');
      let path: string;
      try {
        path = rest.startsWith('//') ? fileURLToPath(text) : resolve(options.cwd, rest);
      } catch {
        throw malformed(spec, 'not a valid file URL');
      }
      return new FileRegistry(path, { lock: options.lock, warn: options.warn });
    }
    case 'http':
    case 'https': {
      const url = parseUrl(text);
      if (!url.hostname) throw malformed(spec, 'no host');
      return new HttpRegistry(url, { ...common, paths: options.httpPaths });
    }
    case 'etcd': {
      const url = parseUrl(text);
      if (!url.hostname) throw malformed(spec, 'no host');
      if (url.search || url.hash) throw malformed(spec, 'no query or fragment allowed');
      const endpoint = new URL('http://localhost');
      endpoint.hostname = url.hostname;
      endpoint.port = url.port || String(DEFAULT_ETCD_PORT);
      endpoint.username = url.username;
      endpoint.password = url.password;
      const prefix = decodeURIComponent(url.pathname);
      return new EtcdRegistry(endpoint, { ...common, prefix: prefix === '' ? undefined : prefix });
    }
    default:
      throw malformed(spec, scheme ? `unknown kind "${scheme}:"` : 'no kind given');
  }
}
