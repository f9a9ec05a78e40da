import { execFileSync } from 'node:child_process';
import { Octokit } from '@octokit/rest';
import { type GitHubDouble, startGitHubDouble } from './github/double.js';
import { tempTree } from './helpers/tmp.js';

/** The double's REST side: real git objects behind GitHub's endpoints, and GitHub's schemas in front. */

/** Octokit logs every failed request; the refusals here are expected. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let double: GitHubDouble;
let octokit: Octokit;
const owner = 'octo-org';
const repo = 'demo';

beforeEach(async () => {
  double = await startGitHubDouble({
    files: { 'README.md': '# demo\n', 'intents/a.yaml': 'service_name: a\n' },
  });
  octokit = new Octokit({ auth: double.installationToken(), baseUrl: double.apiUrl, log: quiet });
});

afterEach(async () => {
  await double.stop();
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: cwd } });
}

async function commitOnBranch(branch: string, files: Record<string, string>, message: string) {
  const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
  const { data: base } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: main.object.sha });
  const { data: tree } = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: base.tree.sha,
    tree: Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644' as const,
      type: 'blob' as const,
      content,
    })),
  });
  const { data: commit } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message,
    tree: tree.sha,
    parents: [main.object.sha],
  });
  await octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.sha });
  return commit.sha;
}

test('serves on 127.0.0.1 under /api/v3 and describes the repository', async () => {
  expect(double.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
  const { data } = await octokit.rest.repos.get({ owner, repo });
  expect(data.full_name).toBe('octo-org/demo');
  expect(data.default_branch).toBe('main');
  double.assertClean();
});

test('git data calls write real objects that a clone sees', async () => {
  const sha = await commitOnBranch('assembly-line/spec/a', { 'specs/a/SPEC.md': '# SPEC a\n' }, 'spec: a');
  const { data: tree } = await octokit.rest.git.getTree({ owner, repo, tree_sha: sha, recursive: 'true' });
  expect(tree.tree.map((e) => e.path).sort()).toEqual([
    'README.md',
    'intents',
    'intents/a.yaml',
    'specs',
    'specs/a',
    'specs/a/SPEC.md',
  ]);
  const blobSha = tree.tree.find((e) => e.path === 'specs/a/SPEC.md')!.sha!;
  const { data: blob } = await octokit.rest.git.getBlob({ owner, repo, file_sha: blobSha });
  expect(Buffer.from(blob.content, 'base64').toString()).toBe('# SPEC a\n');

  const work = tempTree();
  try {
    git(work.root, 'clone', '--quiet', '--branch', 'assembly-line/spec/a', double.gitDir, 'clone');
    expect(git(work.path('clone'), 'log', '-1', '--format=%H %s').trim()).toBe(`${sha} spec: a`);
    expect(git(work.path('clone'), 'show', 'HEAD:specs/a/SPEC.md')).toBe('# SPEC a\n');
  } finally {
    work.cleanup();
  }
  double.assertClean();
});

test('contents reads files and directories at a ref', async () => {
  const { data: file } = await octokit.rest.repos.getContent({ owner, repo, path: 'intents/a.yaml' });
  expect(Array.isArray(file)).toBe(false);
  expect(Buffer.from((file as { content: string }).content, 'base64').toString()).toBe('service_name: a\n');
  const { data: dir } = await octokit.rest.repos.getContent({ owner, repo, path: 'intents' });
  expect((dir as Array<{ name: string }>).map((e) => e.name)).toEqual(['a.yaml']);
  await expect(octokit.rest.repos.getContent({ owner, repo, path: 'missing.txt' })).rejects.toMatchObject({
    status: 404,
  });
  double.assertClean();
});

test('a pull request is found, updated, labelled, commented and merged with a real merge commit', async () => {
  const head = await commitOnBranch('assembly-line/spec/a', { 'specs/a/SPEC.md': '# SPEC a\n' }, 'spec: a');
  const { data: created } = await octokit.rest.pulls.create({
    owner,
    repo,
    head: 'assembly-line/spec/a',
    base: 'main',
    title: 'spec: a',
    body: 'x',
  });
  expect(created.head.sha).toBe(head);
  await expect(
    octokit.rest.pulls.create({ owner, repo, head: 'assembly-line/spec/a', base: 'main', title: 'again' }),
  ).rejects.toMatchObject({ status: 422 });

  const { data: found } = await octokit.rest.pulls.list({
    owner,
    repo,
    head: 'octo-org:assembly-line/spec/a',
    state: 'open',
  });
  expect(found.map((p) => p.number)).toEqual([created.number]);

  await octokit.rest.pulls.update({ owner, repo, pull_number: created.number, body: 'score 0.9' });
  await octokit.rest.issues.addLabels({
    owner,
    repo,
    issue_number: created.number,
    labels: ['assembly-line', 'priority:high'],
  });
  await octokit.rest.issues.createComment({ owner, repo, issue_number: created.number, body: 'generated' });
  const { data: pr } = await octokit.rest.pulls.get({ owner, repo, pull_number: created.number });
  expect(pr.body).toBe('score 0.9');
  expect(pr.labels.map((l) => l.name)).toEqual(['assembly-line', 'priority:high']);
  expect(pr.mergeable).toBe(true);
  expect(pr.changed_files).toBe(1);
  const { data: files } = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: created.number });
  expect(files.map((f) => [f.filename, f.status])).toEqual([['specs/a/SPEC.md', 'added']]);

  const before = (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha;
  const { data: merged } = await octokit.rest.pulls.merge({
    owner,
    repo,
    pull_number: created.number,
    sha: head,
  });
  const { data: mergeCommit } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: merged.sha });
  expect(mergeCommit.parents.map((p) => p.sha)).toEqual([before, head]);
  const { data: after } = await octokit.rest.pulls.get({ owner, repo, pull_number: created.number });
  expect(after).toMatchObject({ merged: true, state: 'closed', merge_commit_sha: merged.sha });
  await expect(octokit.rest.pulls.merge({ owner, repo, pull_number: created.number })).rejects.toMatchObject({
    status: 405,
  });
  double.assertClean();
});

test('a merge against a moved head is refused with 409, and a conflicting one with 405', async () => {
  const head = await commitOnBranch('feature', { 'README.md': '# feature\n' }, 'feature');
  const { data: pr } = await octokit.rest.pulls.create({
    owner,
    repo,
    head: 'feature',
    base: 'main',
    title: 'feature',
  });
  await expect(
    octokit.rest.pulls.merge({ owner, repo, pull_number: pr.number, sha: 'f'.repeat(40) }),
  ).rejects.toMatchObject({
    status: 409,
  });
  await double.person('carol').push({ files: { 'README.md': '# main moved on\n' } });
  const { data: conflicted } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.number });
  expect(conflicted.mergeable).toBe(false);
  await expect(
    octokit.rest.pulls.merge({ owner, repo, pull_number: pr.number, sha: head }),
  ).rejects.toMatchObject({ status: 405 });
  double.assertClean();
});

test('a ref update that is not a fast-forward needs force', async () => {
  const first = await commitOnBranch('work', { 'x.txt': '1\n' }, 'one');
  const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
  expect((await octokit.rest.git.getRef({ owner, repo, ref: 'heads/work' })).data.object.sha).toBe(first);
  const { data: rewritten } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: 'rebuilt',
    tree: (await octokit.rest.git.getCommit({ owner, repo, commit_sha: first })).data.tree.sha,
    parents: [main.object.sha],
  });
  await expect(
    octokit.rest.git.updateRef({ owner, repo, ref: 'heads/work', sha: rewritten.sha }),
  ).rejects.toMatchObject({
    status: 422,
    message: expect.stringContaining('not a fast forward'),
  });
  await octokit.rest.git.updateRef({ owner, repo, ref: 'heads/work', sha: rewritten.sha, force: true });
  expect((await octokit.rest.git.getRef({ owner, repo, ref: 'heads/work' })).data.object.sha).toBe(
    rewritten.sha,
  );
  double.assertClean();
});

test('check runs keep annotations across updates and list by ref and name', async () => {
  const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
  const annotation = (line: number) => ({
    path: 'specs/a/SPEC.md',
    start_line: line,
    end_line: line,
    annotation_level: 'warning' as const,
    message: `rule ${line}`,
  });
  const { data: run } = await octokit.rest.checks.create({
    owner,
    repo,
    name: 'Assembly Line: SPEC gate',
    head_sha: main.object.sha,
    status: 'in_progress',
    output: {
      title: 'gate',
      summary: 'running',
      annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 1)),
    },
  });
  await octokit.rest.checks.update({
    owner,
    repo,
    check_run_id: run.id,
    conclusion: 'success',
    output: { title: 'gate', summary: 'score 0.91', annotations: [annotation(51)] },
  });
  const { data: list } = await octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: 'main',
    check_name: 'Assembly Line: SPEC gate',
  });
  expect(list.total_count).toBe(1);
  expect(list.check_runs[0]).toMatchObject({
    status: 'completed',
    conclusion: 'success',
    output: { annotations_count: 51 },
  });
  const annotations = await octokit.paginate(octokit.rest.checks.listAnnotations, {
    owner,
    repo,
    check_run_id: run.id,
    per_page: 20,
  });
  expect(annotations.map((a) => a.start_line)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  double.assertClean();
});

test('deployments record their statuses, newest first', async () => {
  const octokit = new Octokit({
    auth: double.actionsToken({ deployments: 'write' }),
    baseUrl: double.apiUrl,
    log: quiet,
  });
  const { data: deployment } = await octokit.rest.repos.createDeployment({
    owner,
    repo,
    ref: 'main',
    environment: 'staging',
    auto_merge: false,
    required_contexts: [],
  });
  if (!('id' in deployment)) throw new Error('expected a deployment');
  await octokit.rest.repos.createDeploymentStatus({
    owner,
    repo,
    deployment_id: deployment.id,
    state: 'in_progress',
  });
  await octokit.rest.repos.createDeploymentStatus({
    owner,
    repo,
    deployment_id: deployment.id,
    state: 'success',
    environment_url: 'http://127.0.0.1:9000/',
  });
  const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
    owner,
    repo,
    deployment_id: deployment.id,
  });
  expect(statuses.map((s) => s.state)).toEqual(['success', 'in_progress']);
  expect(statuses[0]!.environment_url).toBe('http://127.0.0.1:9000/');
  double.assertClean();
});

test('a successful deployment retires the earlier one of its environment; a long description is refused', async () => {
  const octokit = new Octokit({
    auth: double.actionsToken({ deployments: 'write' }),
    baseUrl: double.apiUrl,
    log: quiet,
  });
  const deploy = async () => {
    const { data } = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'main',
      environment: 'staging',
      required_contexts: [],
    });
    if (!('id' in data)) throw new Error('expected a deployment');
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: data.id,
      state: 'success',
    });
    return data.id;
  };
  const first = await deploy();
  await deploy();
  const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
    owner,
    repo,
    deployment_id: first,
  });
  expect(statuses.map((s) => s.state)).toEqual(['inactive', 'success']);
  await expect(
    octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: first,
      state: 'failure',
      description: 'x'.repeat(141),
    }),
  ).rejects.toMatchObject({ status: 422 });
  double.assertClean();
});

test('workflow runs a test records are listed newest first, filtered, fetched one by one, and need actions: read', async () => {
  const reader = new Octokit({
    auth: double.actionsToken({ actions: 'read' }),
    baseUrl: double.apiUrl,
    log: quiet,
  });
  const first = await double.recordWorkflowRun();
  const second = await double.recordWorkflowRun({ conclusion: 'failure', displayTitle: 'spec: a (#3)' });
  double.updateWorkflowRun(first, { conclusion: 'success' });
  const { data } = await reader.rest.actions.listWorkflowRunsForRepo({ owner, repo, per_page: 1 });
  expect(data.total_count).toBe(2);
  expect(data.workflow_runs.map((r) => r.id)).toEqual([second.id]);
  const all = await reader.paginate(reader.rest.actions.listWorkflowRunsForRepo, {
    owner,
    repo,
    per_page: 1,
  });
  expect(all.map((r) => [r.id, r.status, r.conclusion, r.display_title, r.run_number])).toEqual([
    [second.id, 'completed', 'failure', 'spec: a (#3)', 2],
    [first.id, 'completed', 'success', 'Initial commit', 1],
  ]);
  const { data: failed } = await reader.rest.actions.listWorkflowRunsForRepo({
    owner,
    repo,
    status: 'failure',
  });
  expect(failed.workflow_runs.map((r) => r.id)).toEqual([second.id]);
  const { data: one } = await reader.rest.actions.getWorkflowRun({ owner, repo, run_id: first.id });
  expect(one.head_sha).toBe(first.headSha);
  expect(one.head_commit?.message).toBe('Initial commit');
  expect(one.path).toBe('.github/workflows/assembly-line.yml');
  await expect(reader.rest.actions.getWorkflowRun({ owner, repo, run_id: 999_999 })).rejects.toMatchObject({
    status: 404,
  });
  const noActions = new Octokit({
    auth: double.actionsToken({ contents: 'read' }),
    baseUrl: double.apiUrl,
    log: quiet,
  });
  await expect(noActions.rest.actions.listWorkflowRunsForRepo({ owner, repo })).rejects.toMatchObject({
    status: 403,
  });
  double.assertClean();
});

test('issues are found by listing, created with labels, and commit statuses need statuses: write', async () => {
  const { data: dashboard } = await octokit.rest.issues.create({
    owner,
    repo,
    title: 'Assembly Line Dashboard',
    body: '-',
    labels: ['assembly-line'],
  });
  const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    state: 'open',
    labels: 'assembly-line',
  });
  expect(open.map((i) => [i.number, i.title])).toEqual([[dashboard.number, 'Assembly Line Dashboard']]);
  await octokit.rest.issues.update({ owner, repo, issue_number: dashboard.number, state: 'closed' });
  expect(await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, state: 'open' })).toEqual([]);

  const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
  const status = {
    owner,
    repo,
    sha: main.object.sha,
    state: 'success' as const,
    context: 'assembly-line/validate',
    description: 'ok',
  };
  await expect(octokit.rest.repos.createCommitStatus(status)).rejects.toMatchObject({ status: 403 });
  const withStatuses = new Octokit({
    auth: double.actionsToken({ statuses: 'write' }),
    baseUrl: double.apiUrl,
    log: quiet,
  });
  await withStatuses.rest.repos.createCommitStatus(status);
  const { data: listed } = await withStatuses.rest.repos.listCommitStatusesForRef({
    owner,
    repo,
    ref: 'main',
  });
  expect(listed.map((s) => [s.context, s.state])).toEqual([['assembly-line/validate', 'success']]);
  double.assertClean();
});

describe('refuses what GitHub refuses, with the schema message', () => {
  test('51 annotations in one check-run request', async () => {
    const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    const annotations = Array.from({ length: 51 }, (_, i) => ({
      path: 'a',
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: 'notice' as const,
      message: 'm',
    }));
    await expect(
      octokit.rest.checks.create({
        owner,
        repo,
        name: 'gate',
        head_sha: main.object.sha,
        output: { title: 't', summary: 's', annotations },
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('body/output/annotations must NOT have more than 50 items'),
    });
    expect(double.takeRefusals().map((p) => p.endpoint)).toEqual(['POST /repos/{owner}/{repo}/check-runs']);
    expect(double.repo.checkRuns).toHaveLength(0);
  });

  test('an unknown conclusion', async () => {
    const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    await expect(
      octokit.rest.checks.create({
        owner,
        repo,
        name: 'gate',
        head_sha: main.object.sha,
        conclusion: 'passed' as never,
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('body/conclusion must be equal to one of the allowed values'),
    });
    expect(double.takeRefusals()).toHaveLength(1);
  });

  test('a missing field, a summary over 65,535 characters, a bad query value', async () => {
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/pulls', {
        owner,
        repo,
        title: 'no head',
        base: 'main',
      } as never),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining("must have required property 'head'"),
    });
    const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    await expect(
      octokit.rest.checks.create({
        owner,
        repo,
        name: 'gate',
        head_sha: main.object.sha,
        output: { title: 't', summary: 'x'.repeat(65_536) },
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('body/output/summary must NOT have more than 65535 characters'),
    });
    await expect(octokit.rest.pulls.list({ owner, repo, state: 'merged' as never })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('query/state must be equal to one of the allowed values'),
    });
    expect(double.takeRefusals()).toHaveLength(3);
    double.assertClean();
  });

  test('a refusal left untaken fails assertClean', async () => {
    await octokit
      .request('POST /repos/{owner}/{repo}/labels', { owner, repo, color: 'ff0000' } as never)
      .catch(() => undefined);
    expect(() => double.assertClean()).toThrow(
      /\[refused\] POST \/repos\/\{owner\}\/\{repo\}\/labels: body must have required property 'name'/,
    );
  });

  test('a check run on a commit that does not exist', async () => {
    await expect(
      octokit.rest.checks.create({ owner, repo, name: 'gate', head_sha: 'a'.repeat(40) }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('No commit found for SHA'),
    });
    double.assertClean();
  });
});

test('an endpoint the double lacks answers 404 and fails assertNoUnhandled', async () => {
  await expect(octokit.rest.repos.listReleases({ owner, repo })).rejects.toMatchObject({ status: 404 });
  expect(() => double.assertNoUnhandled()).toThrow(
    /does not implement:\n {2}GET \/api\/v3\/repos\/octo-org\/demo\/releases/,
  );
});

test('counts reads and writes per endpoint', async () => {
  const mark = double.counters.mark();
  await octokit.rest.repos.get({ owner, repo });
  await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
  await octokit.rest.issues.createLabel({ owner, repo, name: 'assembly-line' });
  const tally = double.counters.since(mark);
  expect(tally).toMatchObject({ reads: 2, writes: 1 });
  expect(tally.byEndpoint['POST /repos/{owner}/{repo}/labels']).toEqual({ reads: 0, writes: 1 });
  double.assertClean();
});
