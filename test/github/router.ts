import type { Auth, Principal, Requirement } from './auth.js';
import type { Operations } from './operations.js';
import type { Urls } from './resources.js';
import type { App, Repo, State, User } from './state.js';

/** What a handler sees of one request, after routing, authentication and schema validation. */
export interface Context {
  params: Record<string, string>;
  query: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies were just validated against GitHub's schema.
  body: any;
  /** The repository named by {owner}/{repo}, when the route has them. */
  repo: Repo;
  principal: Principal | undefined;
  actor: User;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Everything handlers share. */
export interface Services {
  state: State;
  ops: Operations;
  urls: Urls;
  app: App;
  auth: Auth;
}

export interface Route {
  method: string;
  /** Exactly as in GitHub's OpenAPI description, e.g. /repos/{owner}/{repo}/git/ref/{ref}. */
  template: string;
  requires: Requirement;
  /** What a person's role must allow, when it differs from the requirement (anyone may comment). */
  people?: 'read';
  handle(ctx: Context): Promise<Reply> | Reply;
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

// Parameters GitHub lets hold slashes (refs and file paths).
const GREEDY = new Set(['ref', 'path', 'name']);

function templateRegex(template: string): RegExp {
  const pattern = template
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{(\w+)\}/g, (_, name: string) => (GREEDY.has(name) ? `(?<${name}>.+)` : `(?<${name}>[^/]+)`));
  return new RegExp(`^${pattern}$`);
}

/** Finds the route for a method and path (without /api/v3); literal segments win over parameters. */
export class Router {
  private readonly table: Array<{ route: Route; regex: RegExp; literal: number }>;

  constructor(routes: Route[]) {
    this.table = routes
      .map((route) => ({
        route,
        regex: templateRegex(route.template),
        literal: route.template.replace(/\{\w+\}/g, '').length,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  match(method: string, path: string): Match | undefined {
    for (const { route, regex } of this.table) {
      if (route.method !== method) continue;
      const found = regex.exec(path);
      if (!found) continue;
      const params = Object.fromEntries(
        Object.entries(found.groups ?? {}).map(([key, value]) => [key, decodeURIComponent(value)]),
      );
      return { route, params };
    }
    return undefined;
  }
}

/** One page of a list and GitHub's Link header for the others (Octokit's paginate follows it). */
export function paginate<T>(
  ctx: Context,
  items: T[],
  baseUrl: string,
  pick: (page: T[]) => unknown = (p) => p,
): Reply {
  const perPage = Math.min(Number(ctx.query.per_page ?? 30) || 30, 100);
  const page = Math.max(Number(ctx.query.page ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const url = new URL(baseUrl);
    for (const [key, value] of Object.entries(ctx.query)) url.searchParams.set(key, value);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url}>; rel="${rel}"`;
  };
  const links = [];
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  const body = pick(items.slice((page - 1) * perPage, page * perPage));
  return { status: 200, body, ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}) };
}
