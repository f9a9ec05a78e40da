import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Auth, AuthError, type Principal } from './auth.js';
import type { Counters } from './counters.js';
import type { Faults } from './faults.js';
import { HttpError } from './operations.js';
import type { RestContract } from './rest-contract.js';
import type { Context, Reply, Router } from './router.js';
import type { State } from './state.js';
import type { Webhooks } from './webhooks.js';

export const API_PREFIX = '/api/v3';

/**
 * What went wrong in a way a test must see: an endpoint the double lacks, a request GitHub would refuse,
 * a response or payload of the double's own that breaks GitHub's description, or a handler crash.
 */
export interface Problem {
  kind: 'unhandled' | 'refused' | 'invalid-response' | 'invalid-payload' | 'crash';
  endpoint: string;
  message: string;
}

interface Parts {
  state: State;
  router: Router;
  contract: RestContract;
  auth: Auth;
  faults: Faults;
  counters: Counters;
  webhooks: Webhooks;
  problems: Problem[];
}

const DOCS = 'https://docs.github.com/rest';

function send(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-resource': 'core',
    ...reply.headers,
  });
  res.end(body);
}

function errorReply(status: number, message: string, errors?: unknown[]): Reply {
  return {
    status,
    body: { message, documentation_url: DOCS, ...(errors ? { errors } : {}), status: String(status) },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The double's HTTP pipeline: faults, routing, auth, request validation, handler, response validation. */
export class DoubleServer {
  private server: Server | undefined;
  port = 0;

  constructor(private readonly parts: Parts) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.parts.problems.push({
          kind: 'crash',
          endpoint: `${req.method} ${req.url}`,
          message: String(error),
        });
        if (!res.headersSent) send(res, errorReply(500, `the GitHub double crashed: ${String(error)}`));
      });
    });
    // Clients keep connections alive; closing an idle one while a busy test pauses races their reuse
    // of it (ECONNRESET). stop() closes them all anyway.
    this.server.keepAliveTimeout = 120_000;
    this.server.headersTimeout = 121_000;
    // Port 0: the OS picks a free port, so parallel tests never clash.
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { router, contract, auth, faults, counters, webhooks, problems, state } = this.parts;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const path = url.pathname.startsWith(API_PREFIX)
      ? url.pathname.slice(API_PREFIX.length) || '/'
      : undefined;
    const match = path === undefined ? undefined : router.match(method, path);
    const endpoint = match ? `${method} ${match.route.template}` : `${method} ${url.pathname}`;
    let principal: Principal | undefined;
    const record = (status: number) =>
      counters.record({
        method,
        endpoint,
        status,
        kind: method === 'GET' || method === 'HEAD' ? 'read' : 'write',
        actor: principal?.actor.login,
        delivery: webhooks.current?.key,
      });
    const reply = (r: Reply) => {
      record(r.status);
      send(res, r);
    };

    const fault = faults.take(endpoint);
    if (fault?.kind === 'secondary-rate-limit')
      return reply({
        ...errorReply(
          403,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        ),
        headers: { 'retry-after': String(fault.retryAfterSeconds), 'x-ratelimit-remaining': '4999' },
      });
    if (fault?.kind === 'bad-gateway') return reply({ status: 502, body: { message: 'Server Error' } });
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));

    if (!match) {
      problems.push({
        kind: 'unhandled',
        endpoint,
        message: `the GitHub double does not implement ${endpoint}`,
      });
      return reply(errorReply(404, 'Not Found'));
    }

    let body: unknown;
    if (raw.trim()) {
      try {
        body = JSON.parse(raw);
      } catch {
        return reply(errorReply(400, 'Problems parsing JSON'));
      }
    }
    const query = Object.fromEntries(url.searchParams);
    const { route, params } = match;
    try {
      principal = auth.authenticate(req.headers.authorization);
      const repo = params.owner && params.repo ? state.repo(`${params.owner}/${params.repo}`) : undefined;
      if (params.owner && params.repo && !repo) throw new HttpError(404, 'Not Found');
      const role = repo && principal ? state.roleOf(repo, principal.actor.login) : undefined;
      auth.authorize(principal, route.requires, repo, role, route.people);

      const refusals = contract.validateRequest(method, route.template, { path: params, query, body });
      if (refusals.length > 0) {
        const message = refusals.join('; ');
        problems.push({ kind: 'refused', endpoint, message });
        return reply(errorReply(422, `Invalid request.\n\n${message}`));
      }
      const ctx: Context = {
        params,
        query,
        body,
        repo: repo!,
        principal,
        actor: principal?.actor ?? state.user('ghost'),
      };
      const result = await route.handle(ctx);
      if (result.status >= 200 && result.status < 300) {
        const invalid = contract.validateResponse(method, route.template, result.status, result.body);
        if (invalid.length > 0) {
          const message = `the GitHub double answered outside GitHub's description: ${invalid.join('; ')}`;
          problems.push({ kind: 'invalid-response', endpoint, message });
          return reply(errorReply(500, message));
        }
      }
      return reply(result);
    } catch (error) {
      if (error instanceof AuthError) return reply(errorReply(error.status, error.message));
      if (error instanceof HttpError) return reply(errorReply(error.status, error.message, error.errors));
      throw error;
    }
  }
}
