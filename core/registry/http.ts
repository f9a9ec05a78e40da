import type { Registry, RegistryEntry } from '../ports/index.js';
import { redactUrlCredentials } from '../redact.js';
import {
  checkEntry,
  checkName,
  defaultWarn,
  keepValidEntries,
  RegistryError,
  type RegistryWarn,
  readEntry,
} from './entry.js';
import {
  DEFAULT_RETRY,
  excerpt,
  type JsonRequest,
  type JsonResponse,
  type RetryPolicy,
  redactUrl,
  requestJson,
  splitCredentials,
} from './http-client.js';

/** Paths of the registry service's API, relative to the base URL; `{name}` is the service name. */
export interface HttpRegistryPaths {
  /** POST the entry as JSON. */
  register: string;
  /** DELETE; a 404 counts as done. */
  deregister: string;
  /** GET one entry; 404 when unknown. */
  service: string;
  /** GET all: a JSON array of entries, or `{"services": [...]}`, or `{"services": {"<name>": entry}}`. */
  services: string;
}

export const DEFAULT_HTTP_PATHS: HttpRegistryPaths = {
  register: '/register',
  deregister: '/register/{name}',
  service: '/services/{name}',
  services: '/services',
};

export interface HttpRegistryOptions {
  paths?: Partial<HttpRegistryPaths>;
  retry?: Partial<RetryPolicy>;
  /** Extra request headers (e.g. an authorization token); never shown in messages. */
  headers?: Record<string, string>;
  warn?: RegistryWarn;
}

/**
 * The seed's registry service, over HTTP. Credentials in the base URL (`https://user:pass@host`) are
 * sent as HTTP Basic authorization and never shown. Every request is safe to repeat, so connection
 * errors, timeouts and 5xx answers are retried; a 4xx fails at once.
 */
export class HttpRegistry implements Registry {
  readonly description: string;
  readonly serviceUrl: string;
  private readonly base: URL;
  private readonly paths: HttpRegistryPaths;
  private readonly retry: RetryPolicy;
  private readonly headers: Record<string, string>;
  private readonly warn: RegistryWarn;

  constructor(baseUrl: string | URL, options: HttpRegistryOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new RegistryError(`not a registry URL: ${redactUrlCredentials(String(baseUrl))}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new RegistryError(`not an http:// or https:// registry URL: ${redactUrl(parsed)}`);
    const { url, username, password } = splitCredentials(parsed);
    url.search = '';
    url.hash = '';
    this.base = url;
    this.description = redactUrl(url).replace(/\/$/, '');
    this.serviceUrl = this.description;
    this.paths = { ...DEFAULT_HTTP_PATHS, ...options.paths };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.headers = { ...options.headers };
    if (username || password)
      this.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    this.warn = options.warn ?? defaultWarn;
  }

  async register(entry: RegistryEntry): Promise<void> {
    const checked = checkEntry(entry, this.description);
    const response = await this.send({ method: 'POST', url: this.url('register'), body: checked });
    this.expectSuccess(response, 'POST', this.url('register'));
  }

  async deregister(name: string): Promise<void> {
    checkName(name, this.description);
    const url = this.url('deregister', name);
    const response = await this.send({ method: 'DELETE', url });
    if (response.status === 404) return;
    this.expectSuccess(response, 'DELETE', url);
  }

  async get(name: string): Promise<RegistryEntry | undefined> {
    checkName(name, this.description);
    const url = this.url('service', name);
    const response = await this.send({ method: 'GET', url });
    if (response.status === 404) return undefined;
    this.expectSuccess(response, 'GET', url);
    const reading = readEntry(response.body, `${this.description}: GET ${redactUrl(url)}`, name);
    if (reading.ok) return reading.entry;
    this.warn(reading.problem);
    return undefined;
  }

  async list(): Promise<RegistryEntry[]> {
    const url = this.url('services');
    const response = await this.send({ method: 'GET', url });
    this.expectSuccess(response, 'GET', url);
    const source = `${this.description}: GET ${redactUrl(url)}`;
    const body = response.body;
    const services =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as { services?: unknown }).services
        : body;
    if (Array.isArray(services))
      return keepValidEntries(
        services.map((value, i) => ({ value, source: `${source} [${i}]` })),
        this.warn,
      );
    if (typeof services === 'object' && services !== null)
      return keepValidEntries(
        Object.entries(services).map(([name, value]) => ({
          value,
          source: `${source} ${name}`,
          expectedName: name,
        })),
        this.warn,
      );
    throw new RegistryError(
      `${source} answered something that is not a service list ` +
        `(expected a JSON array or {"services": ...}): ${excerpt(redactUrlCredentials(response.text)) || 'an empty body'}`,
    );
  }

  private url(path: keyof HttpRegistryPaths, name?: string): URL {
    const template = this.paths[path];
    const relative = name === undefined ? template : template.replaceAll('{name}', encodeURIComponent(name));
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
    return url;
  }

  private send(request: Omit<JsonRequest, 'headers'>): Promise<JsonResponse> {
    return requestJson({ ...request, headers: this.headers }, this.retry).catch((error: Error) => {
      throw new RegistryError(`registry ${this.description}: ${error.message}`);
    });
  }

  private expectSuccess(response: JsonResponse, method: string, url: URL): void {
    if (response.status >= 200 && response.status < 300) return;
    const detail = excerpt(redactUrlCredentials(response.text));
    throw new RegistryError(
      `registry ${this.description}: ${method} ${redactUrl(url)} was refused with HTTP ${response.status}` +
        (detail ? `: ${detail}` : ''),
    );
  }
}
