import { generateKeyPairSync, sign } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { permissionsFromAppYml } from './github/auth.js';
import { appClient } from './github/clients.js';
import { type GitHubDouble, startGitHubDouble } from './github/double.js';

/** App auth as GitHub does it: RS256 JWTs, installation tokens with app.yml's permissions, GITHUB_TOKEN. */

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const owner = 'octo-org';
const repo = 'demo';

// The manifest a GitHub App is created from: no `checks` and no `deployments` here.
const APP_YML = `
name: assembly-line-test
default_events: [push, pull_request]
default_permissions:
  contents: write
  pull_requests: write
  issues: write
`;

let double: GitHubDouble;

beforeEach(async () => {
  double = await startGitHubDouble({
    files: { 'README.md': '# demo\n' },
    app: { permissions: permissionsFromAppYml(APP_YML) },
  });
});

afterEach(async () => {
  await double.stop();
});

const client = (auth: string) => new Octokit({ auth, baseUrl: double.apiUrl, log: quiet });

/** A JWT as an app makes one, with claims a test can get wrong on purpose. */
function jwt(privateKey: string, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
}

const seconds = () => Math.floor(Date.now() / 1000);

test("app.yml's default_permissions become the installation's, with metadata: read", () => {
  expect(permissionsFromAppYml(APP_YML)).toEqual({
    metadata: 'read',
    contents: 'write',
    pull_requests: 'write',
    issues: 'write',
  });
  expect(() => permissionsFromAppYml('name: x\n')).toThrow('app.yml has no default_permissions map');
});

test("@octokit/auth-app's JWT is verified and exchanged for an installation token that works", async () => {
  const octokit = appClient(double);
  const { data } = await octokit.rest.repos.get({ owner, repo });
  expect(data.full_name).toBe('octo-org/demo');
  const endpoints = double.counters.calls.map((c) => `${c.endpoint} ${c.status}`);
  expect(endpoints).toEqual([
    'POST /app/installations/{installation_id}/access_tokens 201',
    'GET /repos/{owner}/{repo} 200',
  ]);
  double.assertClean();
});

test('a JWT signed with another key, an expired one, or one living over 10 minutes gets 401', async () => {
  const { privateKey: stranger } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const own = double.appKeys().privateKey;
  const id = double.app.id;
  const cases = [
    jwt(stranger, { iss: id, iat: seconds() - 30, exp: seconds() + 300 }),
    jwt(own, { iss: id, iat: seconds() - 700, exp: seconds() - 100 }),
    jwt(own, { iss: id, iat: seconds() - 30, exp: seconds() + 3600 }),
    jwt(own, { iss: 999, iat: seconds() - 30, exp: seconds() + 300 }),
  ];
  for (const token of cases)
    await expect(client(token).rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
  const good = jwt(own, { iss: id, iat: seconds() - 30, exp: seconds() + 300 });
  const { data: app } = await client(good).rest.apps.getAuthenticated();
  expect(app?.slug).toBe('assembly-line-test');
  await expect(client(good).rest.repos.get({ owner, repo })).rejects.toMatchObject({ status: 403 });
  double.assertClean();
});

test('an installation token without checks: write gets 403 on check runs, and works where app.yml grants', async () => {
  const octokit = client(double.installationToken());
  const { data: main } = await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
  await expect(
    octokit.rest.checks.create({ owner, repo, name: 'gate', head_sha: main.object.sha }),
  ).rejects.toMatchObject({
    status: 403,
    message: expect.stringContaining('Resource not accessible by integration'),
  });
  await expect(
    octokit.rest.repos.createDeployment({ owner, repo, ref: 'main', required_contexts: [] }),
  ).rejects.toMatchObject({ status: 403 });
  await expect(
    octokit.rest.issues.createLabel({ owner, repo, name: 'assembly-line' }),
  ).resolves.toMatchObject({
    status: 201,
  });
  expect(double.repo.checkRuns).toHaveLength(0);
  double.assertClean();
});

test('a narrowed token loses what it drops, and cannot ask for more than the installation has', async () => {
  const readOnly = client(double.installationToken({ contents: 'read' }));
  await expect(readOnly.rest.repos.getContent({ owner, repo, path: 'README.md' })).resolves.toMatchObject({
    status: 200,
  });
  await expect(
    readOnly.rest.git.createBlob({ owner, repo, content: 'x', encoding: 'utf-8' }),
  ).rejects.toMatchObject({ status: 403 });
  const app = client(
    jwt(double.appKeys().privateKey, { iss: double.app.id, iat: seconds(), exp: seconds() + 60 }),
  );
  await expect(
    app.rest.apps.createInstallationAccessToken({
      installation_id: double.installation.id,
      permissions: { checks: 'write' },
    }),
  ).rejects.toMatchObject({ status: 422, message: expect.stringContaining('not granted') });
  double.assertClean();
});

test("a GITHUB_TOKEN has exactly its job's permissions", async () => {
  const env = double.actionsEnv({ contents: 'read', deployments: 'write' });
  expect(env.GITHUB_API_URL).toBe(double.apiUrl);
  const octokit = new Octokit({ auth: env.GITHUB_TOKEN, baseUrl: env.GITHUB_API_URL, log: quiet });
  const { data: deployment } = await octokit.rest.repos.createDeployment({
    owner,
    repo,
    ref: 'main',
    environment: 'production',
    required_contexts: [],
  });
  expect(deployment).toMatchObject({ creator: { login: 'github-actions[bot]' } });
  await expect(octokit.rest.issues.createLabel({ owner, repo, name: 'x' })).rejects.toMatchObject({
    status: 403,
  });
  await expect(
    octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/x', sha: '0'.repeat(40) }),
  ).rejects.toMatchObject({ status: 403 });
  const contentsOnly = client(double.actionsToken({ contents: 'read' }));
  await expect(
    contentsOnly.rest.repos.createDeployment({ owner, repo, ref: 'main', required_contexts: [] }),
  ).rejects.toMatchObject({ status: 403 });
  double.assertClean();
});

test('no token reads a public repository but writes nothing; a bad token gets 401', async () => {
  const anonymous = new Octokit({ baseUrl: double.apiUrl, log: quiet });
  await expect(anonymous.rest.repos.get({ owner, repo })).resolves.toMatchObject({ status: 200 });
  await expect(anonymous.rest.issues.createLabel({ owner, repo, name: 'x' })).rejects.toMatchObject({
    status: 401,
  });
  await expect(client('ghs_not-a-token').rest.repos.get({ owner, repo })).rejects.toMatchObject({
    status: 401,
  });
  double.assertClean();
});

test('a token of an installation that does not cover a repository is refused there', async () => {
  const other = await double.installOn('someone/elsewhere');
  const app = client(
    jwt(double.appKeys().privateKey, { iss: double.app.id, iat: seconds(), exp: seconds() + 60 }),
  );
  const { data: token } = await app.rest.apps.createInstallationAccessToken({ installation_id: other.id });
  await expect(client(token.token).rest.issues.createLabel({ owner, repo, name: 'x' })).rejects.toMatchObject(
    {
      status: 403,
    },
  );
  await expect(
    client(token.token).rest.issues.createLabel({ owner: 'someone', repo: 'elsewhere', name: 'x' }),
  ).resolves.toMatchObject({ status: 201 });
  double.assertClean();
});

test('a person with write access may label; one with read access may comment but not label', async () => {
  await double.person('alice', 'write').push({ branch: 'feature', files: { 'a.txt': 'a\n' } });
  const pr = await double.person('alice').openPullRequest({ head: 'feature' });
  const writer = client(double.person('alice').token);
  const reader = client(double.person('bob', 'read').token);
  await expect(
    writer.rest.issues.addLabels({ owner, repo, issue_number: pr.number, labels: ['ok'] }),
  ).resolves.toMatchObject({ status: 200 });
  await expect(
    reader.rest.issues.addLabels({ owner, repo, issue_number: pr.number, labels: ['nope'] }),
  ).rejects.toMatchObject({ status: 403 });
  await expect(
    reader.rest.issues.createComment({
      owner,
      repo,
      issue_number: pr.number,
      body: '/assembly-line regenerate',
    }),
  ).resolves.toMatchObject({ status: 201 });
  const { data: permission } = await client(
    double.installationToken(),
  ).rest.repos.getCollaboratorPermissionLevel({
    owner,
    repo,
    username: 'bob',
  });
  expect(permission.permission).toBe('read');
  double.assertClean();
});
