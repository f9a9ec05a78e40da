import { HttpError } from '../operations.js';
import { repoJson, userJson } from '../resources.js';
import type { Context, Route, Services } from '../router.js';

/** Repositories, file contents and collaborator permission. */
export function repoRoutes(s: Services): Route[] {
  const fileJson = (ctx: Context, path: string, sha: string, size: number, content?: Buffer) => {
    const { fullName } = ctx.repo;
    const url = `${s.urls.api}/repos/${fullName}/contents/${path}`;
    const html = `${s.urls.html}/${fullName}/blob/${ctx.query.ref ?? ctx.repo.defaultBranch}/${path}`;
    const git = `${s.urls.api}/repos/${fullName}/git/blobs/${sha}`;
    return {
      type: 'file',
      encoding: 'base64',
      size,
      name: path.split('/').at(-1)!,
      path,
      sha,
      url,
      git_url: git,
      html_url: html,
      download_url: `${s.urls.html}/raw/${fullName}/${path}`,
      _links: { self: url, git, html },
      ...(content ? { content: content.toString('base64') } : {}),
    };
  };

  const resolve = async (ctx: Context, ref: string | undefined) => {
    const name = ref ?? ctx.repo.defaultBranch;
    const sha = await ctx.repo.store.resolveCommitish(name);
    if (!sha) throw new HttpError(404, `No commit found for the ref ${name}`);
    return sha;
  };

  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}',
      requires: [['metadata', 'read']],
      handle: (ctx) => {
        const role = s.state.roleOf(ctx.repo, ctx.actor.login);
        const user = ctx.principal?.kind === 'user';
        const permissions = user
          ? { admin: role === 'admin', push: role !== 'read' && role !== 'none', pull: true }
          : undefined;
        return { status: 200, body: repoJson(s.urls, ctx.repo, permissions) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/contents/{path}',
      requires: [['contents', 'read']],
      handle: async (ctx) => {
        const path = ctx.params.path!.replace(/\/$/, '');
        const commit = await resolve(ctx, ctx.query.ref);
        const entries = await ctx.repo.store.readTree(`${commit}:${path}`).catch(() => undefined);
        const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
        const siblings = await ctx.repo.store
          .readTree(parent ? `${commit}:${parent}` : commit)
          .catch(() => []);
        const self = siblings.find((e) => e.path === path.split('/').at(-1));
        if (!self) throw new HttpError(404, 'Not Found');
        if (self.type === 'blob') {
          const content = await ctx.repo.store.readBlob(self.sha);
          return { status: 200, body: fileJson(ctx, path, self.sha, content.length, content) };
        }
        const list = (entries ?? []).map((entry) => {
          const full = `${path}/${entry.path}`;
          const json = fileJson(ctx, full, entry.sha, entry.size ?? 0);
          return entry.type === 'tree' ? { ...json, type: 'dir', download_url: null } : json;
        });
        return { status: 200, body: list };
      },
    },
    {
      method: 'PUT',
      template: '/repos/{owner}/{repo}/contents/{path}',
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const path = ctx.params.path!;
        const branch = ctx.body.branch ?? ctx.repo.defaultBranch;
        const before = await ctx.repo.store.resolveRef(`refs/heads/${branch}`);
        const existing = before
          ? (await ctx.repo.store.readTree(before, true)).find((e) => e.path === path && e.type === 'blob')
          : undefined;
        if (existing && !ctx.body.sha)
          throw new HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
        if (existing && ctx.body.sha !== existing.sha)
          throw new HttpError(409, `${path} does not match ${ctx.body.sha}`);
        const content = Buffer.from(ctx.body.content, 'base64').toString('utf8');
        const sha = await s.ops.commitFiles(
          ctx.repo,
          branch,
          { [path]: content },
          ctx.body.message,
          ctx.actor,
        );
        const tree = await ctx.repo.store.readTree(sha, true);
        const blob = tree.find((e) => e.path === path)!;
        const commit = await ctx.repo.store.readCommit(sha);
        return {
          status: existing ? 200 : 201,
          body: {
            content: fileJson(ctx, path, blob.sha, blob.size ?? 0),
            commit: {
              sha,
              node_id: sha,
              url: `${s.urls.api}/repos/${ctx.repo.fullName}/git/commits/${sha}`,
              html_url: `${s.urls.html}/${ctx.repo.fullName}/commit/${sha}`,
              author: commit.author,
              committer: commit.committer,
              message: commit.message.trimEnd(),
              tree: {
                sha: commit.tree,
                url: `${s.urls.api}/repos/${ctx.repo.fullName}/git/trees/${commit.tree}`,
              },
              parents: commit.parents.map((p) => ({
                sha: p,
                url: `${s.urls.api}/repos/${ctx.repo.fullName}/git/commits/${p}`,
                html_url: `${s.urls.html}/${ctx.repo.fullName}/commit/${p}`,
              })),
              verification: {
                verified: false,
                reason: 'unsigned',
                signature: null,
                payload: null,
                verified_at: null,
              },
            },
          },
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/collaborators/{username}/permission',
      requires: [['metadata', 'read']],
      handle: (ctx) => {
        const user = s.state.users.get(ctx.params.username!);
        if (!user) throw new HttpError(404, 'Not Found');
        const role = s.state.roleOf(ctx.repo, user.login);
        return {
          status: 200,
          body: {
            permission: role,
            role_name: role,
            user: {
              ...userJson(s.urls, user),
              permissions: {
                admin: role === 'admin',
                maintain: role === 'admin',
                push: role === 'admin' || role === 'write',
                triage: role !== 'read' && role !== 'none',
                pull: role !== 'none',
              },
              role_name: role,
            },
          },
        };
      },
    },
  ];
}
