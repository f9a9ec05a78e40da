import type { TreeChange, TreeEntry } from '../git-store.js';
import { HttpError } from '../operations.js';
import { gitCommitJson, gitRefJson, nodeId } from '../resources.js';
import type { Context, Route, Services } from '../router.js';

const ZERO = '0'.repeat(40);

/** Git data: refs, trees, blobs and commits, all real objects in the repository's bare git store. */
export function gitRoutes(s: Services): Route[] {
  const refUrl = (ctx: Context, ref: string, sha: string) => gitRefJson(s.urls, ctx.repo, ref, sha);
  const treeJson = (ctx: Context, sha: string, entries: TreeEntry[]) => {
    const base = `${s.urls.api}/repos/${ctx.repo.fullName}/git`;
    return {
      sha,
      url: `${base}/trees/${sha}`,
      truncated: false,
      tree: entries.map((e) => ({
        path: e.path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(e.type === 'blob'
          ? { size: e.size ?? 0, url: `${base}/blobs/${e.sha}` }
          : { url: `${base}/trees/${e.sha}` }),
      })),
    };
  };
  const exists = async (ctx: Context, sha: string, type: string) =>
    (await ctx.repo.store.objectType(sha)) === type;

  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/git/ref/{ref}',
      requires: [['contents', 'read']],
      handle: async (ctx) => {
        const ref = `refs/${ctx.params.ref}`;
        const found = (await ctx.repo.store.listRefs(ref)).find((r) => r.ref === ref);
        if (!found) throw new HttpError(404, 'Not Found');
        return { status: 200, body: refUrl(ctx, found.ref, found.sha) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/git/matching-refs/{ref}',
      requires: [['contents', 'read']],
      handle: async (ctx) => {
        const prefix = `refs/${ctx.params.ref}`;
        const refs = (await ctx.repo.store.listRefs('refs/')).filter(
          (r) => r.ref.startsWith(prefix) && !r.ref.startsWith('refs/pull/'),
        );
        return { status: 200, body: refs.map((r) => refUrl(ctx, r.ref, r.sha)) };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/git/refs',
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const { ref, sha } = ctx.body as { ref: string; sha: string };
        if (!/^refs\/[^/]+\/.+/.test(ref))
          throw new HttpError(422, "Reference name must start with 'refs/' and have at least two slashes.");
        if (!(await exists(ctx, sha, 'commit'))) throw new HttpError(422, 'Object does not exist');
        if (await ctx.repo.store.resolveRef(ref)) throw new HttpError(422, 'Reference already exists');
        await ctx.repo.store.updateRef(ref, sha, null);
        await s.ops.refMoved(ctx.repo, ref, ZERO, sha, ctx.actor);
        return { status: 201, body: refUrl(ctx, ref, sha) };
      },
    },
    {
      method: 'PATCH',
      template: '/repos/{owner}/{repo}/git/refs/{ref}',
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const ref = `refs/${ctx.params.ref}`;
        const { sha, force } = ctx.body as { sha: string; force?: boolean };
        const before = await ctx.repo.store.resolveRef(ref);
        if (!before) throw new HttpError(422, 'Reference does not exist');
        if (!(await exists(ctx, sha, 'commit'))) throw new HttpError(422, 'Object does not exist');
        if (!force && !(await ctx.repo.store.isAncestor(before, sha)))
          throw new HttpError(422, 'Update is not a fast forward');
        await ctx.repo.store.updateRef(ref, sha, before);
        if (before !== sha) await s.ops.refMoved(ctx.repo, ref, before, sha, ctx.actor);
        return { status: 200, body: refUrl(ctx, ref, sha) };
      },
    },
    {
      method: 'DELETE',
      template: '/repos/{owner}/{repo}/git/refs/{ref}',
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const ref = `refs/${ctx.params.ref}`;
        const before = await ctx.repo.store.resolveRef(ref);
        if (!before) throw new HttpError(422, 'Reference does not exist');
        await ctx.repo.store.deleteRef(ref);
        await s.ops.refMoved(ctx.repo, ref, before, ZERO, ctx.actor);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/git/trees/{tree_sha}',
      requires: [['contents', 'read']],
      handle: async (ctx) => {
        const treeish = ctx.params.tree_sha!;
        const sha = await ctx.repo.store.treeOf(treeish).catch(() => undefined);
        if (!sha) throw new HttpError(404, 'Not Found');
        const recursive =
          ctx.query.recursive !== undefined && ctx.query.recursive !== '0' && ctx.query.recursive !== 'false';
        const entries = await ctx.repo.store.readTree(sha, recursive);
        return { status: 200, body: treeJson(ctx, sha, entries) };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/git/trees',
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const { base_tree: baseTree, tree } = ctx.body as {
          base_tree?: string;
          tree: Array<{ path: string; mode?: string; type?: string; sha?: string | null; content?: string }>;
        };
        if (baseTree && !(await exists(ctx, baseTree, 'tree')))
          throw new HttpError(422, 'base_tree is not a valid tree');
        const changes: TreeChange[] = [];
        for (const entry of tree) {
          if (entry.sha && !(await ctx.repo.store.objectType(entry.sha)))
            throw new HttpError(422, `tree.sha ${entry.sha} is not a valid ${entry.type ?? 'blob'}`);
          changes.push({
            path: entry.path,
            ...(entry.mode ? { mode: entry.mode } : {}),
            ...(entry.content !== undefined ? { content: entry.content } : { sha: entry.sha ?? null }),
          });
        }
        const sha = await ctx.repo.store.writeTree(baseTree, changes);
        const entries = await ctx.repo.store.readTree(sha);
        return { status: 201, body: treeJson(ctx, sha, entries) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/git/blobs/{file_sha}',
      requires: [['contents', 'read']],
      handle: async (ctx) => {
        const sha = ctx.params.file_sha!;
        if (!(await exists(ctx, sha, 'blob'))) throw new HttpError(404, 'Not Found');
        const content = await ctx.repo.store.readBlob(sha);
        return {
          status: 200,
          body: {
            sha,
            node_id: nodeId('Blob', sha),
            size: content.length,
            url: `${s.urls.api}/repos/${ctx.repo.fullName}/git/blobs/${sha}`,
            content: content.toString('base64'),
            encoding: 'base64',
          },
        };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/git/blobs',
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const { content, encoding } = ctx.body as { content: string; encoding?: string };
        const sha = await ctx.repo.store.writeBlob(
          Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'),
        );
        return {
          status: 201,
          body: { sha, url: `${s.urls.api}/repos/${ctx.repo.fullName}/git/blobs/${sha}` },
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/git/commits/{commit_sha}',
      requires: [['contents', 'read']],
      handle: async (ctx) => {
        const sha = ctx.params.commit_sha!;
        if (!(await exists(ctx, sha, 'commit'))) throw new HttpError(404, 'Not Found');
        return { status: 200, body: gitCommitJson(s.urls, ctx.repo, await ctx.repo.store.readCommit(sha)) };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/git/commits',
      requires: [['contents', 'write']],
      handle: async (ctx) => {
        const {
          message,
          tree,
          parents = [],
          author,
          committer,
        } = ctx.body as {
          message: string;
          tree: string;
          parents?: string[];
          author?: { name: string; email: string; date?: string };
          committer?: { name: string; email: string; date?: string };
        };
        if (!(await exists(ctx, tree, 'tree'))) throw new HttpError(422, 'Tree SHA does not exist');
        for (const parent of parents)
          if (!(await exists(ctx, parent, 'commit')))
            throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
        const when = `${new Date().toISOString().slice(0, 19)}Z`;
        const signer = { name: ctx.actor.login, email: ctx.actor.email, date: when };
        const by = author ? { ...author, date: author.date ?? when } : signer;
        const sha = await ctx.repo.store.writeCommit(
          tree,
          parents,
          message,
          by,
          committer ? { ...committer, date: committer.date ?? when } : by,
        );
        return { status: 201, body: gitCommitJson(s.urls, ctx.repo, await ctx.repo.store.readCommit(sha)) };
      },
    },
  ];
}
