/**
 * The JSON GitHub answers with, built from the double's state. Each builder fills every field that
 * GitHub's description marks required, so responses validate against it.
 */
import type { CommitObject } from './git-store.js';
import type {
  App,
  CheckRun,
  Comment,
  Deployment,
  DeploymentStatus,
  Installation,
  Issue,
  Label,
  Repo,
  Review,
  User,
  WorkflowRun,
} from './state.js';

export interface Urls {
  /** http://127.0.0.1:PORT/api/v3 */
  api: string;
  /** http://127.0.0.1:PORT */
  html: string;
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString('base64url');
}

export function userJson(u: Urls, user: User) {
  const url = `${u.api}/users/${encodeURIComponent(user.login)}`;
  // A bot's page is its app's page: "name[bot]" is no valid URL path.
  const bot = /^(.*)\[bot\]$/.exec(user.login);
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('User', user.id),
    avatar_url: `${u.html}/avatars/${user.id}`,
    gravatar_id: '',
    url,
    html_url: bot ? `${u.html}/apps/${bot[1]}` : `${u.html}/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

const REPO_URL_TEMPLATES: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
};

export function repoJson(
  u: Urls,
  repo: Repo,
  permissions?: { admin: boolean; push: boolean; pull: boolean },
): Record<string, unknown> {
  const url = `${u.api}/repos/${repo.fullName}`;
  const urls = Object.fromEntries(
    Object.entries(REPO_URL_TEMPLATES).map(([key, tail]) => [key, `${url}${tail}`]),
  );
  const openIssues = [...repo.issues.values()].filter((i) => i.state === 'open').length;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: userJson(u, repo.owner),
    private: repo.private,
    visibility: repo.private ? 'private' : 'public',
    html_url: `${u.html}/${repo.fullName}`,
    description: null,
    fork: Boolean(repo.forkOf),
    url,
    ...urls,
    git_url: `git://127.0.0.1/${repo.fullName}.git`,
    ssh_url: `git@127.0.0.1:${repo.fullName}.git`,
    clone_url: `file://${repo.store.path}`,
    svn_url: `${u.html}/${repo.fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    size: 0,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: openIssues,
    open_issues_count: openIssues,
    default_branch: repo.defaultBranch,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    is_template: false,
    topics: [],
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    network_count: 0,
    subscribers_count: 0,
    ...(permissions
      ? { permissions: { ...permissions, triage: permissions.push, maintain: permissions.admin } }
      : {}),
    ...(repo.forkOf ? { parent: repoJson(u, repo.forkOf), source: repoJson(u, repo.forkOf) } : {}),
  };
}

export function labelJson(u: Urls, repo: Repo, label: Label) {
  return {
    id: label.id,
    node_id: nodeId('Label', label.id),
    url: `${u.api}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

function issueLabels(u: Urls, repo: Repo, issue: Issue) {
  return issue.labels.map((name) => labelJson(u, repo, repo.labels.get(name)!));
}

function reactionsJson(url: string, reactions: Array<{ content: string }> = []) {
  const count = (content: string) => reactions.filter((r) => r.content === content).length;
  return {
    url: `${url}/reactions`,
    total_count: reactions.length,
    '+1': count('+1'),
    '-1': count('-1'),
    laugh: count('laugh'),
    confused: count('confused'),
    heart: count('heart'),
    hooray: count('hooray'),
    eyes: count('eyes'),
    rocket: count('rocket'),
  };
}

function authorAssociation(repo: Repo, user: User): string {
  if (user.login === repo.owner.login) return 'OWNER';
  const role = repo.collaborators.get(user.login);
  return role === 'admin' || role === 'write' ? 'COLLABORATOR' : 'NONE';
}

export function issueJson(u: Urls, repo: Repo, issue: Issue) {
  const url = `${u.api}/repos/${repo.fullName}/issues/${issue.number}`;
  const html = `${u.html}/${repo.fullName}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`;
  return {
    id: issue.id,
    node_id: nodeId('Issue', issue.id),
    url,
    repository_url: `${u.api}/repos/${repo.fullName}`,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: null,
    title: issue.title,
    body: issue.body,
    user: userJson(u, issue.user),
    labels: issueLabels(u, repo, issue),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: issue.comments.length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: authorAssociation(repo, issue.user),
    reactions: reactionsJson(url),
    performed_via_github_app: null,
    ...(issue.pull
      ? {
          pull_request: {
            url: `${u.api}/repos/${repo.fullName}/pulls/${issue.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: issue.pull.mergedAt,
          },
          draft: issue.pull.draft,
        }
      : {}),
  };
}

export function commentJson(u: Urls, repo: Repo, issue: Issue, comment: Comment) {
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${u.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
    html_url: `${u.html}/${repo.fullName}/issues/${issue.number}#issuecomment-${comment.id}`,
    issue_url: `${u.api}/repos/${repo.fullName}/issues/${issue.number}`,
    body: comment.body,
    user: userJson(u, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(repo, comment.user),
    reactions: reactionsJson(
      `${u.api}/repos/${repo.fullName}/issues/comments/${comment.id}`,
      comment.reactions,
    ),
    performed_via_github_app: null,
  };
}

function branchJson(u: Urls, repo: Repo, ref: string, sha: string, user: User) {
  return { label: `${repo.owner.login}:${ref}`, ref, sha, user: userJson(u, user), repo: repoJson(u, repo) };
}

/** A pull request; `detail` adds the fields of GET /pulls/{n} (counts, mergeability). */
export function pullJson(
  u: Urls,
  repo: Repo,
  issue: Issue,
  detail?: {
    mergeable: boolean | null;
    commits: number;
    additions: number;
    deletions: number;
    changedFiles: number;
  },
) {
  const pull = issue.pull!;
  const url = `${u.api}/repos/${repo.fullName}/pulls/${issue.number}`;
  const html = `${u.html}/${repo.fullName}/pull/${issue.number}`;
  const issueUrl = `${u.api}/repos/${repo.fullName}/issues/${issue.number}`;
  const statuses = `${u.api}/repos/${repo.fullName}/statuses/${pull.head.sha}`;
  const json = {
    url,
    id: issue.id,
    node_id: nodeId('PullRequest', issue.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${u.api}/repos/${repo.fullName}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: statuses,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: userJson(u, issue.user),
    body: issue.body,
    labels: issueLabels(u, repo, issue).map((l) => ({ ...l })),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchJson(u, pull.head.repo, pull.head.ref, pull.head.sha, pull.head.repo.owner),
    base: branchJson(u, repo, pull.base.ref, pull.base.sha, repo.owner),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${u.api}/repos/${repo.fullName}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: statuses },
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
  };
  if (!detail) return json;
  return {
    ...json,
    merged: pull.merged,
    mergeable: detail.mergeable,
    rebaseable: detail.mergeable,
    mergeable_state:
      pull.merged || issue.state === 'closed' ? 'unknown' : detail.mergeable ? 'clean' : 'dirty',
    merged_by: pull.mergedBy ? userJson(u, pull.mergedBy) : null,
    comments: issue.comments.length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: detail.commits,
    additions: detail.additions,
    deletions: detail.deletions,
    changed_files: detail.changedFiles,
  };
}

export function reviewJson(u: Urls, repo: Repo, issue: Issue, review: Review) {
  const html = `${u.html}/${repo.fullName}/pull/${issue.number}#pullrequestreview-${review.id}`;
  const pullUrl = `${u.api}/repos/${repo.fullName}/pulls/${issue.number}`;
  return {
    id: review.id,
    node_id: nodeId('PullRequestReview', review.id),
    user: userJson(u, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
    submitted_at: review.submittedAt,
    commit_id: review.commitId,
    author_association: authorAssociation(repo, review.user),
  };
}

export function appJson(u: Urls, app: App) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId('Integration', app.id),
    client_id: `Iv1.${app.id}`,
    owner: userJson(u, app.owner),
    name: app.name,
    description: null,
    external_url: `${u.html}/apps/${app.slug}`,
    html_url: `${u.html}/apps/${app.slug}`,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    permissions: { metadata: 'read', ...app.permissions },
    events: app.events,
  };
}

export function checkRunJson(u: Urls, repo: Repo, app: App, run: CheckRun) {
  const url = `${u.api}/repos/${repo.fullName}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CheckRun', run.id),
    external_id: run.externalId,
    url,
    html_url: `${u.html}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.id },
    app: appJson(u, app),
    pull_requests: [],
  };
}

export function deploymentJson(u: Urls, repo: Repo, d: Deployment) {
  const url = `${u.api}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(u, d.creator),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: `${u.api}/repos/${repo.fullName}`,
    transient_environment: d.transient,
    production_environment: d.production,
  };
}

export function deploymentStatusJson(u: Urls, repo: Repo, d: Deployment, s: DeploymentStatus) {
  const deploymentUrl = `${u.api}/repos/${repo.fullName}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DeploymentStatus', s.id),
    state: s.state,
    creator: userJson(u, s.creator),
    description: s.description,
    environment: d.environment,
    // GitHub's description says these are URIs, so an unset one is left out rather than sent empty.
    target_url: s.logUrl || `${u.html}/${repo.fullName}/deployments/${d.id}`,
    ...(s.logUrl ? { log_url: s.logUrl } : {}),
    ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: deploymentUrl,
    repository_url: `${u.api}/repos/${repo.fullName}`,
  };
}

export function installationJson(u: Urls, app: App, inst: Installation) {
  return {
    id: inst.id,
    account: userJson(u, inst.account),
    repository_selection: 'selected',
    access_tokens_url: `${u.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${u.api}/installation/repositories`,
    html_url: `${u.html}/settings/installations/${inst.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: inst.account.id,
    target_type: inst.account.type === 'Organization' ? 'Organization' : 'User',
    permissions: inst.permissions,
    events: inst.events,
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    suspended_by: null,
    suspended_at: null,
  };
}

export function gitCommitJson(u: Urls, repo: Repo, c: CommitObject) {
  const url = `${u.api}/repos/${repo.fullName}/git/commits/${c.sha}`;
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url,
    html_url: `${u.html}/${repo.fullName}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    message: c.message.replace(/\n$/, ''),
    tree: { sha: c.tree, url: `${u.api}/repos/${repo.fullName}/git/trees/${c.tree}` },
    parents: c.parents.map((sha) => ({
      sha,
      url: `${u.api}/repos/${repo.fullName}/git/commits/${sha}`,
      html_url: `${u.html}/${repo.fullName}/commit/${sha}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export function gitRefJson(u: Urls, repo: Repo, ref: string, sha: string) {
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${u.api}/repos/${repo.fullName}/git/${ref}`,
    object: { type: 'commit', sha, url: `${u.api}/repos/${repo.fullName}/git/commits/${sha}` },
  };
}

export function workflowRunJson(u: Urls, repo: Repo, run: WorkflowRun, headCommit: CommitObject | undefined) {
  const url = `${u.api}/repos/${repo.fullName}/actions/runs/${run.id}`;
  const person = (who: { name: string; email: string } | undefined) =>
    who ? { name: who.name, email: who.email } : null;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WorkflowRun', run.id),
    check_suite_id: run.id,
    check_suite_node_id: nodeId('CheckSuite', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    run_number: run.runNumber,
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${u.html}/${repo.fullName}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: userJson(u, run.actor),
    triggering_actor: userJson(u, run.actor),
    run_started_at: run.runStartedAt,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${u.api}/repos/${repo.fullName}/check-suites/${run.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${u.api}/repos/${repo.fullName}/actions/workflows/${run.workflowId}`,
    head_commit: headCommit
      ? {
          id: headCommit.sha,
          tree_id: headCommit.tree,
          message: headCommit.message,
          timestamp: run.createdAt,
          author: person(headCommit.author),
          committer: person(headCommit.committer),
        }
      : null,
    repository: repoJson(u, repo),
    head_repository: repoJson(u, repo),
    head_repository_id: repo.id,
    display_title: run.displayTitle,
  };
}
