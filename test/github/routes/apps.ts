import { AuthError } from '../auth.js';
import { HttpError } from '../operations.js';
import { appJson, installationJson, repoJson } from '../resources.js';
import type { Route, Services } from '../router.js';
import { paginate } from '../router.js';

/** The app (JWT) side and the installation side of GitHub App auth. */
export function appRoutes(s: Services): Route[] {
  const installationOf = (id: string | undefined) => {
    const installation = s.state.installations.get(Number(id));
    if (!installation) throw new HttpError(404, 'Not Found');
    return installation;
  };
  return [
    {
      method: 'GET',
      template: '/app',
      requires: 'app',
      handle: () => ({ status: 200, body: appJson(s.urls, s.app) }),
    },
    {
      method: 'GET',
      template: '/app/installations',
      requires: 'app',
      handle: (ctx) =>
        paginate(ctx, [...s.state.installations.values()], `${s.urls.api}/app/installations`, (page) =>
          page.map((i) => installationJson(s.urls, s.app, i)),
        ),
    },
    {
      method: 'GET',
      template: '/app/installations/{installation_id}',
      requires: 'app',
      handle: (ctx) => ({
        status: 200,
        body: installationJson(s.urls, s.app, installationOf(ctx.params.installation_id)),
      }),
    },
    {
      method: 'POST',
      template: '/app/installations/{installation_id}/access_tokens',
      requires: 'app',
      handle: (ctx) => {
        const installation = installationOf(ctx.params.installation_id);
        const body = (ctx.body ?? {}) as {
          repositories?: string[];
          permissions?: Record<string, 'read' | 'write'>;
        };
        let minted: ReturnType<typeof s.auth.installationToken>;
        try {
          minted = s.auth.installationToken(installation, body);
        } catch (error) {
          if (error instanceof AuthError) throw new HttpError(422, error.message);
          throw error;
        }
        return {
          status: 201,
          body: {
            token: minted.token,
            expires_at: minted.expiresAt,
            permissions: minted.permissions,
            repository_selection: 'selected',
            repositories: minted.repositories.map((r) => repoJson(s.urls, r)),
          },
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/installation',
      requires: 'app',
      handle: (ctx) => {
        const installation = s.ops.installationFor(ctx.repo);
        if (!installation) throw new HttpError(404, 'Not Found');
        return { status: 200, body: installationJson(s.urls, s.app, installation) };
      },
    },
    {
      method: 'GET',
      template: '/installation/repositories',
      requires: 'any-token',
      handle: (ctx) => {
        const principal = ctx.principal;
        if (principal?.kind !== 'installation')
          throw new HttpError(403, 'This endpoint requires an installation access token');
        return paginate(ctx, principal.repositories, `${s.urls.api}/installation/repositories`, (page) => ({
          total_count: principal.repositories.length,
          repository_selection: 'selected',
          repositories: page.map((r) => repoJson(s.urls, r)),
        }));
      },
    },
  ];
}
