import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';
import { HttpRegistry } from '../core/registry/http.js';
import { createRegistry } from '../core/registry/index.js';
import { findFreePort } from '../core/udc/launch.js';
import { sampleEntry, warnings } from './helpers/registry.js';

interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

type Canned = (response: ServerResponse) => void;

/** The seed's registry service in miniature: POST /register, DELETE /register/{name}, GET /services[/{name}]. */
async function startRegistryService() {
  const services = new Map<string, unknown>();
  const seen: SeenRequest[] = [];
  /** Answers given before the normal API, one per request (e.g. a 503, or no answer at all). */
  const canned: Canned[] = [];
  let listAnswer: unknown;
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '';
      seen.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });
      const next = canned.shift();
      if (next) return next(response);
      const route = /^(?:\/api\/v1)?(\/register|\/services)(?:\/([^/]+))?$/.exec(path);
      const name = route?.[2] && decodeURIComponent(route[2]);
      if (request.method === 'POST' && route?.[1] === '/register' && !name) {
        const entry = JSON.parse(body) as { name: string };
        services.set(entry.name, entry);
        return json(response, 201, { registered: entry.name });
      }
      if (request.method === 'DELETE' && name) {
        if (!services.delete(name)) return json(response, 404, { detail: 'not registered' });
        return json(response, 200, { deregistered: name });
      }
      if (request.method === 'GET' && route?.[1] === '/services' && name) {
        return services.has(name)
          ? json(response, 200, services.get(name))
          : json(response, 404, { detail: 'not found' });
      }
      if (request.method === 'GET' && route?.[1] === '/services')
        return json(response, 200, listAnswer ?? { services: [...services.values()] });
      json(response, 404, { detail: 'no such route' });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    services,
    seen,
    canned,
    answerListWith(value: unknown) {
      listAnswer = value;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

type Service = Awaited<ReturnType<typeof startRegistryService>>;
let service: Service | undefined;

async function serve(): Promise<Service> {
  service = await startRegistryService();
  return service;
}

afterEach(async () => {
  await service?.close();
  service = undefined;
});

const fast = { attempts: 3, backoffMs: 5, timeoutMs: 2000 };
const status =
  (code: number, body: unknown): Canned =>
  (response) => {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

describe('http registry', () => {
  test('registers, reads, lists and deregisters through the service API', async () => {
    const api = await serve();
    const registry = createRegistry(api.url, { cwd: '/', retry: fast });
    expect(registry.description).toBe(api.url);
    const hello = sampleEntry('hello-world');
    await registry.register(hello);
    await registry.register(sampleEntry('billing'));
    expect(api.seen[0]).toMatchObject({ method: 'POST', path: '/register' });
    expect(JSON.parse(api.seen[0]!.body)).toEqual(hello);

    expect(await registry.get('hello-world')).toEqual(hello);
    expect(await registry.get('unknown')).toBeUndefined();
    expect((await registry.list()).map((e) => e.name)).toEqual(['billing', 'hello-world']);

    await registry.deregister('hello-world');
    await registry.deregister('hello-world'); // already gone: a 404 counts as done
    expect(api.seen.slice(-2).map((r) => `${r.method} ${r.path}`)).toEqual([
      'DELETE /register/hello-world',
      'DELETE /register/hello-world',
    ]);
    expect([...api.services.keys()]).toEqual(['billing']);
  });

  test('keeps the base path of the URL and uses configured paths', async () => {
    const api = await serve();
    const registry = createRegistry(`${api.url}/api/v1/`, {
      cwd: '/',
      retry: fast,
      httpPaths: { deregister: '/services/{name}' },
    });
    await registry.register(sampleEntry('api'));
    await registry.deregister('api');
    expect(api.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/register',
      'DELETE /api/v1/services/api',
    ]);
    expect(api.services.size).toBe(0);
  });

  test('retries 5xx answers and succeeds on the third attempt', async () => {
    const api = await serve();
    api.canned.push(status(503, { detail: 'starting' }), status(503, { detail: 'starting' }));
    const registry = new HttpRegistry(api.url, { retry: fast });
    await registry.register(sampleEntry('hello-world'));
    expect(api.seen.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(api.services.has('hello-world')).toBe(true);
  });

  test('gives up after the configured attempts with the last reason', async () => {
    const api = await serve();
    for (let i = 0; i < 3; i++) api.canned.push(status(503, { detail: 'overloaded' }));
    const registry = new HttpRegistry(api.url, { retry: fast });
    await expect(registry.list()).rejects.toThrow(
      `registry ${api.url}: GET ${api.url}/services failed after 3 attempts: HTTP 503: {"detail":"overloaded"}`,
    );
    expect(api.seen).toHaveLength(3);
  });

  test('a 4xx fails at once with what the service said', async () => {
    const api = await serve();
    api.canned.push(status(422, { detail: 'version: field required' }));
    const registry = new HttpRegistry(api.url, { retry: fast });
    await expect(registry.register(sampleEntry('hello-world'))).rejects.toThrow(
      `registry ${api.url}: POST ${api.url}/register was refused with HTTP 422: {"detail":"version: field required"}`,
    );
    expect(api.seen).toHaveLength(1);
  });

  test('a registry that is down: connection refused, after every attempt', async () => {
    const port = await findFreePort();
    const registry = new HttpRegistry(`http://127.0.0.1:${port}`, { retry: fast });
    await expect(registry.register(sampleEntry('hello-world'))).rejects.toThrow(
      `POST http://127.0.0.1:${port}/register failed after 3 attempts: connection refused`,
    );
  });

  test('a request that gets no answer times out, and is tried again', async () => {
    const api = await serve();
    const silent: Canned = () => {};
    api.canned.push(silent, silent);
    const registry = new HttpRegistry(api.url, { retry: { attempts: 2, backoffMs: 5, timeoutMs: 150 } });
    await expect(registry.get('hello-world')).rejects.toThrow(
      'failed after 2 attempts: no answer within 150 ms',
    );
    expect(api.seen).toHaveLength(2);
  });

  test('credentials in the URL are sent as Basic authorization and never shown', async () => {
    const api = await serve();
    const registry = createRegistry(`http://reg-user:p%40ss-w0rd@127.0.0.1:${api.port}`, {
      cwd: '/',
      retry: fast,
    });
    expect(registry.description).toBe(api.url);
    await registry.register(sampleEntry('hello-world'));
    expect(api.seen[0]!.authorization).toBe(`Basic ${Buffer.from('reg-user:p@ss-w0rd').toString('base64')}`);

    api.canned.push(
      status(403, { detail: `forbidden for http://reg-user:p%40ss-w0rd@127.0.0.1:${api.port}` }),
    );
    const message = await registry.deregister('hello-world').then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toContain('HTTP 403');
    expect(message).not.toMatch(/p%40ss|p@ss|reg-user/);
  });

  test('reads the list in each accepted shape and reports entries that are not valid', async () => {
    const api = await serve();
    const { messages, warn } = warnings();
    const registry = new HttpRegistry(api.url, { retry: fast, warn });
    const a = sampleEntry('alpha');
    const b = sampleEntry('beta');

    api.answerListWith([b, a, { name: 'broken', url: 'http://x' }]);
    expect((await registry.list()).map((e) => e.name)).toEqual(['alpha', 'beta']);
    expect(messages).toEqual([
      expect.stringMatching(/GET .*\/services \[2\]: ignoring an invalid entry: version/),
    ]);

    api.answerListWith({ services: { alpha: a, beta: a } });
    expect((await registry.list()).map((e) => e.name)).toEqual(['alpha']);
    expect(messages[1]).toMatch(/entry named "alpha" stored under "beta"/);

    api.answerListWith({ services: [a] });
    expect(await registry.list()).toEqual([a]);

    api.answerListWith({ status: 'ok' });
    await expect(registry.list()).rejects.toThrow(
      /answered something that is not a service list.*\{"status":"ok"\}/,
    );
  });

  test('an invalid single entry is reported and read as absent', async () => {
    const api = await serve();
    const { messages, warn } = warnings();
    api.canned.push(status(200, { name: 'hello-world', health: 'sideways' }));
    const registry = new HttpRegistry(api.url, { retry: fast, warn });
    expect(await registry.get('hello-world')).toBeUndefined();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/GET .*\/services\/hello-world: ignoring an invalid entry: .*health/);
  });
});
