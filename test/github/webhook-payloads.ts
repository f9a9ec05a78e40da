/**
 * Webhook payloads built from the double's state. Each one must pass GitHub's own webhook schema
 * (@octokit/openapi-webhooks), which requires more than the community examples carry.
 */
import type { CommitObject } from './git-store.js';
import {
  appJson,
  checkRunJson,
  commentJson,
  installationJson,
  issueJson,
  nodeId,
  pullJson,
  repoJson,
  reviewJson,
  type Urls,
  userJson,
} from './resources.js';
import type { App, CheckRun, Comment, Installation, Issue, Repo, Review, User } from './state.js';

type Payload = Record<string, unknown>;

function installationRef(installation: Installation | undefined) {
  return installation
    ? { installation: { id: installation.id, node_id: nodeId('Installation', installation.id) } }
    : {};
}

/** The repository as webhooks carry it: timestamps of a push are seconds, the rest as in REST. */
function webhookRepo(u: Urls, repo: Repo) {
  const json = repoJson(u, repo);
  return { ...json, stargazers: 0, master_branch: repo.defaultBranch };
}

function common(u: Urls, repo: Repo, sender: User, installation: Installation | undefined): Payload {
  return { repository: webhookRepo(u, repo), sender: userJson(u, sender), ...installationRef(installation) };
}

function webhookPull(u: Urls, repo: Repo, issue: Issue, detail: Parameters<typeof pullJson>[3]) {
  return pullJson(u, repo, issue, detail);
}

export interface PushedCommit {
  commit: CommitObject;
  added: string[];
  removed: string[];
  modified: string[];
}

export function pushPayload(
  u: Urls,
  repo: Repo,
  push: { ref: string; before: string; after: string; commits: PushedCommit[]; forced: boolean },
  pusher: User,
  installation: Installation | undefined,
): Payload {
  const zero = '0'.repeat(40);
  const commitJson = ({ commit, added, removed, modified }: PushedCommit) => ({
    id: commit.sha,
    tree_id: commit.tree,
    distinct: true,
    message: commit.message.replace(/\n$/, ''),
    timestamp: commit.committer.date,
    url: `${u.html}/${repo.fullName}/commit/${commit.sha}`,
    author: { name: commit.author.name, email: commit.author.email, date: commit.author.date },
    committer: { name: commit.committer.name, email: commit.committer.email, date: commit.committer.date },
    added,
    removed,
    modified,
  });
  const commits = push.commits.map(commitJson);
  return {
    ref: push.ref,
    before: push.before,
    after: push.after,
    created: push.before === zero,
    deleted: push.after === zero,
    forced: push.forced,
    base_ref: null,
    compare: `${u.html}/${repo.fullName}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    pusher: { name: pusher.login, email: pusher.email },
    ...common(u, repo, pusher, installation),
    repository: {
      ...webhookRepo(u, repo),
      pushed_at: Math.floor(Date.now() / 1000),
      created_at: Math.floor(Date.parse(repo.createdAt) / 1000),
    },
  };
}

export function pullRequestPayload(
  u: Urls,
  repo: Repo,
  issue: Issue,
  action: string,
  detail: Parameters<typeof pullJson>[3],
  sender: User,
  installation: Installation | undefined,
  extra: Payload = {},
): Payload {
  return {
    action,
    number: issue.number,
    pull_request: webhookPull(u, repo, issue, detail),
    ...extra,
    ...common(u, repo, sender, installation),
  };
}

export function reviewPayload(
  u: Urls,
  repo: Repo,
  issue: Issue,
  review: Review,
  detail: Parameters<typeof pullJson>[3],
  installation: Installation | undefined,
): Payload {
  const json = reviewJson(u, repo, issue, review);
  return {
    action: 'submitted',
    review: { ...json, state: json.state.toLowerCase() },
    pull_request: webhookPull(u, repo, issue, detail),
    ...common(u, repo, review.user, installation),
  };
}

export function issueCommentPayload(
  u: Urls,
  repo: Repo,
  issue: Issue,
  comment: Comment,
  installation: Installation | undefined,
): Payload {
  return {
    action: 'created',
    issue: issueJson(u, repo, issue),
    comment: commentJson(u, repo, issue, comment),
    ...common(u, repo, comment.user, installation),
  };
}

export function checkRunPayload(
  u: Urls,
  repo: Repo,
  app: App,
  run: CheckRun,
  action: string,
  sender: User,
  installation: Installation | undefined,
): Payload {
  const json = checkRunJson(u, repo, app, run);
  return {
    action,
    check_run: {
      ...json,
      // Webhooks carry "" where REST answers null.
      details_url: json.details_url ?? '',
      external_id: json.external_id ?? '',
      check_suite: {
        id: run.id,
        node_id: nodeId('CheckSuite', run.id),
        head_branch: null,
        head_sha: run.headSha,
        status: run.status === 'completed' ? 'completed' : 'queued',
        conclusion: run.conclusion,
        url: `${u.api}/repos/${repo.fullName}/check-suites/${run.id}`,
        before: null,
        after: run.headSha,
        pull_requests: [],
        app: appJson(u, app),
        created_at: run.startedAt,
        updated_at: run.completedAt ?? run.startedAt,
      },
    },
    ...common(u, repo, sender, installation),
  };
}

export function installationPayload(u: Urls, app: App, installation: Installation, sender: User): Payload {
  return {
    action: 'created',
    installation: installationJson(u, app, installation),
    repositories: installation.repositories.map((r) => ({
      id: r.id,
      node_id: nodeId('Repository', r.id),
      name: r.name,
      full_name: r.fullName,
      private: r.private,
    })),
    sender: userJson(u, sender),
  };
}

export function installationRepositoriesPayload(
  u: Urls,
  app: App,
  installation: Installation,
  added: Repo[],
  sender: User,
): Payload {
  return {
    action: 'added',
    installation: installationJson(u, app, installation),
    repository_selection: 'selected',
    repositories_added: added.map((r) => ({
      id: r.id,
      node_id: nodeId('Repository', r.id),
      name: r.name,
      full_name: r.fullName,
      private: r.private,
    })),
    repositories_removed: [],
    requester: null,
    sender: userJson(u, sender),
  };
}
