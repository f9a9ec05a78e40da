import { execFileSync } from 'node:child_process';
import { Octokit } from '@octokit/rest';
import { type GitHubDouble, startGitHubDouble } from './github/double.js';
import { tempTree } from './helpers/tmp.js';

/** Faults on demand, and a person's side: pushes, a fork's pull request, reviews, comments. */

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const owner = 'octo-org';
const repo = 'demo';

let double: GitHubDouble;
let octokit: Octokit;

beforeEach(async () => {
  double = await startGitHubDouble({ files: { 'README.md': '# demo\n' } });
  octokit = new Octokit({ auth: double.installationToken(), baseUrl: double.apiUrl, log: quiet });
});

afterEach(async () => {
  await double.stop();
});

describe('faults', () => {
  test("a secondary rate limit answers 403 with retry-after and GitHub's message, then passes", async () => {
    double.faults.secondaryRateLimit({ retryAfterSeconds: 7, match: /^POST / });
    await expect(octokit.rest.repos.get({ owner, repo })).resolves.toMatchObject({ status: 200 });
    const refused = await octokit.rest.issues.createLabel({ owner, repo, name: 'a' }).catch((error) => error);
    expect(refused).toMatchObject({ status: 403, response: { headers: { 'retry-after': '7' } } });
    expect(refused.message).toContain('secondary rate limit');
    await expect(octokit.rest.issues.createLabel({ owner, repo, name: 'a' })).resolves.toMatchObject({
      status: 201,
    });
    expect(double.faults.fired.map((f) => f.endpoint)).toEqual(['POST /repos/{owner}/{repo}/labels']);
    expect(double.repo.labels.size).toBe(1);
  });

  test('a 502 hits only the next call, and nothing is written by it', async () => {
    double.faults.badGateway();
    await expect(octokit.rest.issues.createLabel({ owner, repo, name: 'a' })).rejects.toMatchObject({
      status: 502,
    });
    expect(double.repo.labels.size).toBe(0);
    await expect(octokit.rest.issues.createLabel({ owner, repo, name: 'a' })).resolves.toMatchObject({
      status: 201,
    });
  });

  test('a slow response outlasts a short client timeout, and still answers correctly when waited for', async () => {
    double.faults.slow(1500, { times: 2 });
    await expect(
      octokit.rest.repos.get({ owner, repo, request: { signal: AbortSignal.timeout(100) } }),
    ).rejects.toThrow();
    await expect(octokit.rest.repos.get({ owner, repo })).resolves.toMatchObject({ status: 200 });
    expect(double.faults.fired.map((f) => f.fault.kind)).toEqual(['slow', 'slow']);
  });
});

describe("a person's side", () => {
  test('a push by a user is a real commit with the user as author, seen by a clone', async () => {
    const sha = await double
      .person('alice')
      .push({ files: { 'intents/a.yaml': 'service_name: a\n' }, message: 'Add a' });
    const work = tempTree();
    try {
      execFileSync('git', ['clone', '--quiet', double.gitDir, work.path('clone')]);
      const log = execFileSync('git', ['log', '-1', '--format=%H %an %s'], {
        cwd: work.path('clone'),
        encoding: 'utf8',
      });
      expect(log.trim()).toBe(`${sha} alice Add a`);
    } finally {
      work.cleanup();
    }
    await expect(double.person('mallory', 'read').push({ files: { 'x.txt': 'x' } })).rejects.toThrow(
      'mallory has no push access to octo-org/demo',
    );
  });

  test("a fork's pull request carries the fork's commits into the base repository", async () => {
    const bob = double.person('bob', 'read');
    const fork = await bob.fork();
    const head = await bob.push({
      repo: fork,
      branch: 'intent-b',
      files: { 'intents/b.yaml': 'service_name: b\n' },
    });
    const pr = await bob.openPullRequest({ head: 'intent-b', fromFork: true, title: 'Add b' });
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.number });
    expect(data.head).toMatchObject({
      sha: head,
      ref: 'intent-b',
      repo: { full_name: 'bob/demo', fork: true },
    });
    expect(data.base.repo.full_name).toBe('octo-org/demo');
    const files = await octokit.rest.pulls.listFiles({ owner, repo, pull_number: pr.number });
    expect(files.data.map((f) => f.filename)).toEqual(['intents/b.yaml']);
    const { data: blob } = await octokit.rest.repos.getContent({
      owner,
      repo,
      path: 'intents/b.yaml',
      ref: head,
    });
    expect(Buffer.from((blob as { content: string }).content, 'base64').toString()).toBe('service_name: b\n');

    // A new push to the fork's branch moves the pull request's head.
    const next = await bob.push({
      repo: fork,
      branch: 'intent-b',
      files: { 'intents/b.yaml': 'service_name: b2\n' },
    });
    expect((await octokit.rest.pulls.get({ owner, repo, pull_number: pr.number })).data.head.sha).toBe(next);
    double.assertClean();
  });

  test('approving and change-requesting reviews stand on the head commit; one cannot approve oneself', async () => {
    const alice = double.person('alice');
    await alice.push({ branch: 'spec-a', files: { 'specs/a/SPEC.md': '# a\n' } });
    const pr = await alice.openPullRequest({ head: 'spec-a' });
    await expect(alice.review(pr.number, 'APPROVE')).rejects.toMatchObject({ status: 422 });
    await double.person('carol').review(pr.number, 'APPROVE');
    await double.person('dave').review(pr.number, 'REQUEST_CHANGES', 'Not yet');
    const { data: reviews } = await octokit.rest.pulls.listReviews({ owner, repo, pull_number: pr.number });
    expect(reviews.map((r) => [r.user?.login, r.state, r.commit_id])).toEqual([
      ['carol', 'APPROVED', pr.pull!.head.sha],
      ['dave', 'CHANGES_REQUESTED', pr.pull!.head.sha],
    ]);
    double.assertClean();
  });

  test('comments from a collaborator and from a stranger, with what the permission endpoint says of each', async () => {
    const alice = double.person('alice');
    await alice.push({ branch: 'spec-a', files: { 'specs/a/SPEC.md': '# a\n' } });
    const pr = await alice.openPullRequest({ head: 'spec-a' });
    alice.comment(pr.number, '/assembly-line regenerate');
    double.person('eve', 'read').comment(pr.number, '/assembly-line regenerate');
    const { data: comments } = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: pr.number,
    });
    expect(comments.map((c) => [c.user?.login, c.author_association])).toEqual([
      ['alice', 'COLLABORATOR'],
      ['eve', 'NONE'],
    ]);
    const permission = async (username: string) =>
      (await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username })).data.permission;
    expect([await permission('alice'), await permission('eve')]).toEqual(['write', 'read']);
    double.assertClean();
  });
});
