import type { ProbotOctokit } from 'probot';
import {
  type CommitRequest,
  type CommitResult,
  type FileChange,
  RefConflict,
  WORKING_TREE,
  type Workspace,
} from '../core.js';

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

interface TreeListing {
  tree: string;
  /** path → blob sha, files only. */
  blobs: Map<string, string>;
}

const SHA = /^[0-9a-f]{40}$/;
const MAX_TREES = 256;
const DEFAULT_AUTHOR = { name: 'Assembly Line', email: 'assembly-line@users.noreply.github.com' };

/**
 * Blobs are content-addressed, so a cache of them never goes stale; it is shared by every workspace
 * of the process, so a push that changes nothing reads only the tree again.
 */
export class BlobCache {
  private readonly blobs = new Map<string, Uint8Array>();
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}
  private bytes = 0;

  get(sha: string): Uint8Array | undefined {
    const hit = this.blobs.get(sha);
    if (hit) {
      this.blobs.delete(sha);
      this.blobs.set(sha, hit);
    }
    return hit;
  }

  set(sha: string, content: Uint8Array): void {
    if (this.blobs.has(sha)) return;
    this.blobs.set(sha, content);
    this.bytes += content.length;
    for (const [oldest, value] of this.blobs) {
      if (this.bytes <= this.maxBytes) break;
      this.blobs.delete(oldest);
      this.bytes -= value.length;
    }
  }
}

/**
 * The Workspace port over GitHub's git data API. Reads take one recursive tree per commit and one
 * blob per file not seen before; a commit is one tree (contents inline), one commit and one ref
 * write. There is no working copy.
 */
export class GitHubWorkspace implements Workspace {
  readonly description: string;
  private readonly trees = new Map<string, Promise<TreeListing>>();
  private defaultBranchName?: string;

  constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoRef,
    private readonly blobs: BlobCache = new BlobCache(),
    defaultBranch?: string,
  ) {
    this.description = `github:${repo.owner}/${repo.repo}`;
    if (defaultBranch) this.defaultBranchName = defaultBranch;
  }

  async resolveRef(ref: string): Promise<string | undefined> {
    if (ref === WORKING_TREE) throw new Error(`${this.description} has no working tree`);
    if (SHA.test(ref)) return ref;
    const name = ref.startsWith('refs/') ? ref.slice('refs/'.length) : `heads/${ref}`;
    try {
      const { data } = await this.octokit.rest.git.getRef({ ...this.repo, ref: name });
      return data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async defaultBranch(): Promise<string> {
    if (!this.defaultBranchName) {
      const { data } = await this.octokit.rest.repos.get({ ...this.repo });
      this.defaultBranchName = data.default_branch;
    }
    return this.defaultBranchName;
  }

  private async listing(ref: string): Promise<TreeListing> {
    const commit = await this.resolveRef(ref);
    if (!commit) throw new Error(`${this.description} has no ref ${ref}`);
    let listing = this.trees.get(commit);
    if (!listing) {
      listing = this.octokit.rest.git
        .getTree({ ...this.repo, tree_sha: commit, recursive: '1' })
        .then(({ data }) => {
          if (data.truncated)
            throw new Error(`${this.description}: the tree of ${commit} is too large for one read`);
          const blobs = new Map<string, string>();
          for (const entry of data.tree)
            if (entry.type === 'blob' && entry.path && entry.sha) blobs.set(entry.path, entry.sha);
          return { tree: data.sha, blobs };
        });
      listing.catch(() => this.trees.delete(commit));
      this.trees.set(commit, listing);
      // A long-running bot sees a new commit on every push: keep the recent listings only.
      if (this.trees.size > MAX_TREES) this.trees.delete(this.trees.keys().next().value!);
    }
    return listing;
  }

  async listFiles(ref: string, prefix: string): Promise<string[]> {
    const { blobs } = await this.listing(ref);
    return [...blobs.keys()].filter((path) => path.startsWith(prefix)).sort();
  }

  async readFile(ref: string, path: string): Promise<Uint8Array | undefined> {
    const sha = (await this.listing(ref)).blobs.get(path);
    if (!sha) return undefined;
    const cached = this.blobs.get(sha);
    if (cached) return cached;
    const { data } = await this.octokit.rest.git.getBlob({ ...this.repo, file_sha: sha });
    const content = new Uint8Array(Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8'));
    this.blobs.set(sha, content);
    return content;
  }

  async writeFiles(_changes: readonly FileChange[]): Promise<void> {
    throw new Error(`${this.description} has no working copy; commit the files instead`);
  }

  async commitFiles(request: CommitRequest): Promise<CommitResult> {
    const base = await this.resolveRef(request.base);
    if (!base) throw new Error(`${this.description} has no ref ${request.base}`);
    // Creating a ref is a compare-and-swap on GitHub (422 when it exists); moving one is not, so the
    // head is read first and the race narrows to the one PATCH below.
    if (request.expectedHead !== null) {
      const current = (await this.resolveRef(request.branch)) ?? null;
      if (current !== request.expectedHead)
        throw new RefConflict(request.branch, request.expectedHead, current);
    }
    const baseTree = (await this.listing(base)).tree;
    const { data: tree } = await this.octokit.rest.git.createTree({
      ...this.repo,
      base_tree: baseTree,
      tree: request.changes.map((change) =>
        'delete' in change
          ? { path: change.path, mode: '100644' as const, type: 'blob' as const, sha: null }
          : {
              path: change.path,
              mode: '100644' as const,
              type: 'blob' as const,
              content:
                typeof change.content === 'string'
                  ? change.content
                  : Buffer.from(change.content).toString('utf8'),
            },
      ),
    });
    const author = request.author ?? DEFAULT_AUTHOR;
    const { data: commit } = await this.octokit.rest.git.createCommit({
      ...this.repo,
      message: request.message,
      tree: tree.sha,
      parents: [base],
      author,
    });
    if (request.expectedHead === null) {
      try {
        await this.octokit.rest.git.createRef({
          ...this.repo,
          ref: `refs/heads/${request.branch}`,
          sha: commit.sha,
        });
      } catch (error) {
        if ((error as { status?: number }).status !== 422) throw error;
        throw new RefConflict(request.branch, null, (await this.resolveRef(request.branch)) ?? null);
      }
    } else
      await this.octokit.rest.git.updateRef({
        ...this.repo,
        ref: `heads/${request.branch}`,
        sha: commit.sha,
        force: true,
      });
    return { commit: commit.sha, tree: tree.sha };
  }
}
