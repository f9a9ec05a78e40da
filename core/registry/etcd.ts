import type { Registry, RegistryEntry } from '../ports/index.js';
import { redactUrlCredentials } from '../redact.js';
import { checkEntry, checkName, defaultWarn, RegistryError, type RegistryWarn, readEntry } from './entry.js';
import {
  DEFAULT_RETRY,
  excerpt,
  type JsonResponse,
  type RetryPolicy,
  redactUrl,
  requestJson,
  splitCredentials,
} from './http-client.js';

export const DEFAULT_ETCD_PREFIX = '/assembly-line/services/';

export interface EtcdRegistryOptions {
  /** Keys are `<prefix><name>`; a missing trailing `/` is added. Default `/assembly-line/services/`. */
  prefix?: string;
  retry?: Partial<RetryPolicy>;
  warn?: RegistryWarn;
}

interface EtcdKeyValue {
  key?: string;
  value?: string;
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64');

export function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return DEFAULT_ETCD_PREFIX;
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** The end of the key range holding every key that starts with `prefix` (etcd's `GetPrefixRangeEnd`). */
export function prefixRangeEnd(prefix: string | Uint8Array): Buffer {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i] = bytes[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** What an etcd gateway error answer says (`{"error", "code", "message"}`). */
function etcdMessage(response: JsonResponse): string {
  const body = response.body as { message?: unknown; error?: unknown } | undefined;
  const said =
    typeof body?.message === 'string' ? body.message : typeof body?.error === 'string' ? body.error : '';
  return excerpt(redactUrlCredentials(said || response.text)) || 'no details';
}

/**
 * Entries in etcd (v3 API, through its JSON gateway `/v3/kv/*`; etcd 3.4 and later), one key per
 * service holding the entry as JSON. Credentials in the endpoint (`http://user:pass@host:2379`) log in
 * through `/v3/auth/authenticate`; the token is renewed when etcd stops accepting it.
 */
export class EtcdRegistry implements Registry {
  readonly description: string;
  readonly prefix: string;
  private readonly endpoint: URL;
  private readonly username: string;
  private readonly password: string;
  private readonly retry: RetryPolicy;
  private readonly warn: RegistryWarn;
  private token: string | undefined;

  constructor(endpoint: string | URL, options: EtcdRegistryOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(endpoint);
    } catch {
      throw new RegistryError(`not an etcd endpoint URL: ${redactUrlCredentials(String(endpoint))}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new RegistryError(`not an http:// or https:// etcd endpoint: ${redactUrl(parsed)}`);
    const { url, username, password } = splitCredentials(parsed);
    url.pathname = '/';
    url.search = '';
    url.hash = '';
    this.endpoint = url;
    this.username = username;
    this.password = password;
    this.prefix = normalizePrefix(options.prefix);
    this.description = `etcd://${url.host}${this.prefix}${url.protocol === 'https:' ? ' (https)' : ''}`;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.warn = options.warn ?? defaultWarn;
  }

  async register(entry: RegistryEntry): Promise<void> {
    const checked = checkEntry(entry, this.description);
    await this.call('kv/put', { key: b64(this.prefix + checked.name), value: b64(JSON.stringify(checked)) });
  }

  async deregister(name: string): Promise<void> {
    checkName(name, this.description);
    await this.call('kv/deleterange', { key: b64(this.prefix + name) });
  }

  async get(name: string): Promise<RegistryEntry | undefined> {
    checkName(name, this.description);
    const body = (await this.call('kv/range', { key: b64(this.prefix + name) })) as { kvs?: EtcdKeyValue[] };
    const found = body.kvs?.[0];
    if (!found) return undefined;
    const reading = this.readValue(found, name);
    if (reading.ok) return reading.entry;
    this.warn(reading.problem);
    return undefined;
  }

  async list(): Promise<RegistryEntry[]> {
    const body = (await this.call('kv/range', {
      key: b64(this.prefix),
      range_end: b64(prefixRangeEnd(this.prefix)),
    })) as { kvs?: EtcdKeyValue[] };
    const entries: RegistryEntry[] = [];
    for (const kv of body.kvs ?? []) {
      const name = unb64(kv.key).toString('utf8').slice(this.prefix.length);
      const reading = this.readValue(kv, name);
      if (reading.ok) entries.push(reading.entry);
      else this.warn(reading.problem);
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  private readValue(kv: EtcdKeyValue, name: string) {
    const source = `${this.description}: key ${JSON.stringify(this.prefix + name)}`;
    let value: unknown;
    try {
      value = JSON.parse(unb64(kv.value).toString('utf8'));
    } catch {
      return { ok: false as const, problem: `${source}: ignoring a value that is not JSON` };
    }
    return readEntry(value, source, name);
  }

  /** One gateway call; logs in first when the endpoint has credentials, and once more if the token expired. */
  private async call(method: string, body: Record<string, unknown>): Promise<unknown> {
    for (let round = 1; ; round++) {
      const headers: Record<string, string> = {};
      if (this.username) headers.authorization = await this.authToken();
      const response = await this.send(method, body, headers);
      if (
        response.status >= 200 &&
        response.status < 300 &&
        typeof response.body === 'object' &&
        response.body
      )
        return response.body;
      if (response.status === 401 && this.username && round === 1) {
        this.token = undefined;
        continue;
      }
      const said = etcdMessage(response);
      const needsLogin = !this.username && (response.status === 401 || said.includes('user name is empty'));
      throw new RegistryError(
        `etcd ${this.description}: ${method} was refused with HTTP ${response.status}: ${said}` +
          (needsLogin ? ' (etcd requires a login: give etcd://USER:PASSWORD@HOST:PORT)' : ''),
      );
    }
  }

  private async authToken(): Promise<string> {
    if (this.token) return this.token;
    const response = await this.send(
      'auth/authenticate',
      { name: this.username, password: this.password },
      {},
    );
    const token = (response.body as { token?: unknown } | undefined)?.token;
    if (response.status !== 200 || typeof token !== 'string')
      throw new RegistryError(
        `etcd ${this.description}: authentication failed with HTTP ${response.status}: ${etcdMessage(response)}`,
      );
    this.token = token;
    return token;
  }

  private send(method: string, body: Record<string, unknown>, headers: Record<string, string>) {
    const url = new URL(`v3/${method}`, this.endpoint);
    return requestJson({ method: 'POST', url, body, headers }, this.retry).catch((error: Error) => {
      throw new RegistryError(`etcd ${this.description}: ${error.message}`);
    });
  }
}
