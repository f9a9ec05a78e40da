// ---------------------------------------------------------------------------------------------------
// The bot's HTTP windows on Probot's own server (added with Server#addHandler, after the webhook
// middleware and /ping): the seed's JSON routes and, when a page renderer is given, the HTML dashboard.
// Handlers are thin: access, body, then a pure function of the LineView (seed.ts) or the submit.
// Every answer is JSON (or the page); no error carries a stack trace or a secret.
// ---------------------------------------------------------------------------------------------------
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBoundedBody, redactSecrets } from '../core.js';
import type { LineViews } from './derive.js';
import { publicBase } from './public-url.js';
import { buildStatusJson, buildsJson, dashboardJson, intentStatusJson } from './seed.js';
import type { SubmitAnswer } from './submit-answer.js';
import type { LineView } from './view.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface WindowsOptions {
  views: LineViews;
  submit(body: Record<string, unknown>): Promise<SubmitAnswer>;
  /** ASSEMBLY_LINE_API_TOKEN: writes need it; unset, they are refused with 403. */
  apiToken?: string;
  /** ASSEMBLY_LINE_PUBLIC_URL, parsed: the base of the URLs answers give; absent: from the request. */
  publicUrl?: string;
  /** ASSEMBLY_LINE_DASHBOARD_TOKEN: reads need it when set. */
  dashboardToken?: string;
  /** The HTML dashboard at `GET /` (bot/src/windows/page.ts); absent: `/` is not served. */
  page?: (view: LineView, now: number) => string;
  clock?: () => number;
  log?: { error(message: string): void };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares in constant time: equal-length digests, whatever the lengths of the tokens. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

function requireToken(req: IncomingMessage, expected: string, variable: string): void {
  if (!tokenMatches(bearer(req), expected))
    throw new HttpProblem(401, `this route needs 'Authorization: Bearer <${variable}>'`, {
      'www-authenticate': 'Bearer realm="assembly-line"',
    });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length']);
  if (declared > BODY_LIMIT_BYTES)
    throw new HttpProblem(413, `the body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`);
  let text: string;
  try {
    text = await readBoundedBody(req, BODY_LIMIT_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new HttpProblem(413, `the body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`);
    throw new HttpProblem(400, 'the body could not be read');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpProblem(400, `the body is not JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new HttpProblem(400, 'the body must be a JSON object (the intent)');
  return value as Record<string, unknown>;
}

const ROUTES = [
  'POST /intents/submit',
  'GET /intents/{id}/status',
  'GET /builds',
  'GET /builds/{id}/status',
  'GET /dashboard',
] as const;

/** The request handler for Probot's server: answers every path it owns, and 404 for the rest. */
export function windowsHandler(options: WindowsOptions): Handler {
  const clock = options.clock ?? Date.now;
  const routes = options.page ? [...ROUTES, 'GET /'] : [...ROUTES];

  const read = async (req: IncomingMessage, url: URL): Promise<LineView> => {
    if (options.dashboardToken) requireToken(req, options.dashboardToken, 'ASSEMBLY_LINE_DASHBOARD_TOKEN');
    const repo = url.searchParams.get('repo') ?? undefined;
    const view = await options.views.view(repo);
    if (repo && view.repositories.length === 0)
      throw new HttpProblem(404, `'${repo}' is not a repository the app serves`);
    return view;
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const known = (m: string) => {
      if (method !== m && !(m === 'GET' && method === 'HEAD'))
        throw new HttpProblem(405, `${method} is not allowed here; use ${m}`, { allow: m });
    };
    if (path === '/intents/submit') {
      known('POST');
      if (!options.apiToken)
        throw new HttpProblem(
          403,
          'submitting intents is turned off: set ASSEMBLY_LINE_API_TOKEN (a random secret of 16 characters or more) in the bot\'s environment and send it as "Authorization: Bearer <token>"',
        );
      requireToken(req, options.apiToken, 'ASSEMBLY_LINE_API_TOKEN');
      const answer = await options.submit(await jsonBody(req));
      const { status_url: statusPath, ...body } = answer.body;
      if (typeof statusPath === 'string') {
        const base = publicBase(req.headers, options.publicUrl, {
          address: req.socket.localAddress,
          port: req.socket.localPort,
        });
        send(res, answer.status, { ...body, status_url: `${base}${statusPath}` });
      } else send(res, answer.status, answer.body);
      return;
    }
    if (path === '/dashboard') {
      known('GET');
      send(res, 200, dashboardJson(await read(req, url), clock()));
      return;
    }
    if (path === '/builds') {
      known('GET');
      send(res, 200, buildsJson(await read(req, url)));
      return;
    }
    const intent = /^\/intents\/([^/]+)\/status$/.exec(path);
    if (intent) {
      known('GET');
      const id = decodeURIComponent(intent[1]!);
      const view = await read(req, url);
      const name = id.split('@')[0];
      const found =
        view.intents.find((i) => i.intentId === id) ?? view.intents.find((i) => i.serviceName === name);
      if (!found)
        throw new HttpProblem(
          404,
          `no intent '${id}' in ${view.repositories.join(', ') || 'any repository'}`,
        );
      send(res, 200, intentStatusJson(found));
      return;
    }
    const build = /^\/builds\/([^/]+)\/status$/.exec(path);
    if (build) {
      known('GET');
      const id = decodeURIComponent(build[1]!);
      const view = await read(req, url);
      const run = view.runs.find((r) => r.kind === 'build' && (r.id === id || r.id === `build:${id}`));
      if (!run) throw new HttpProblem(404, `no build '${id}'`);
      send(res, 200, buildStatusJson(run, view));
      return;
    }
    if (path === '/' && options.page) {
      known('GET');
      const html = options.page(await read(req, url), clock());
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // The page is self-contained: nothing to fetch, nothing to run, even if escaping ever slipped.
        'content-security-policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      });
      res.end(html);
      return;
    }
    throw new HttpProblem(404, `no route ${method} ${path}; the bot serves ${routes.join(', ')}`);
  };

  return async (req, res) => {
    if (res.headersSent) return false;
    const url = new URL(req.url ?? '/', 'http://bot.invalid');
    try {
      await dispatch(req, res, url);
    } catch (error) {
      if (error instanceof HttpProblem) send(res, error.status, { error: error.message }, error.headers);
      else {
        const message = redactSecrets(error instanceof Error ? error.message : String(error));
        options.log?.error(`${req.method} ${url.pathname} failed: ${message}`);
        send(res, 502, { error: `reading GitHub failed: ${message}` });
      }
    }
    return true;
  };
}
