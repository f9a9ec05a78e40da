import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { appClient } from './github/clients.js';
import { type GitHubDouble, startGitHubDouble } from './github/double.js';
import { WebhookContract } from './github/webhook-contract.js';

/** Signed webhook deliveries, replays, racing deliveries, per-delivery counters, and no network use. */

const SECRET = 'webhook-secret-for-tests';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const owner = 'octo-org';
const repo = 'demo';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  payload: Record<string, unknown>;
  signatureValid: boolean;
}

let double: GitHubDouble;
let receiver: Server;
let received: Received[];
/** What the receiver does with a verified delivery before answering (an app's handler). */
let onDelivery: (delivery: Received) => Promise<void>;

beforeEach(async () => {
  received = [];
  onDelivery = async () => undefined;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signatureValid = await verify(SECRET, body, String(req.headers['x-hub-signature-256']));
      const delivery = { headers: req.headers, body, payload: JSON.parse(body), signatureValid };
      received.push(delivery);
      if (!signatureValid) {
        res.writeHead(401).end();
        return;
      }
      await onDelivery(delivery);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  double = await startGitHubDouble({
    files: { 'README.md': '# demo\n' },
    webhook: { url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: SECRET },
  });
});

afterEach(async () => {
  await double.stop();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

test('a push by a person is delivered signed, with the event, the delivery id and a valid payload', async () => {
  const alice = double.person('alice');
  const sha = await alice.push({ files: { 'intents/a.yaml': 'service_name: a\n' }, message: 'Add intent a' });
  await double.webhooks.settled();
  expect(received).toHaveLength(1);
  const [push] = received;
  expect(push!.signatureValid).toBe(true);
  expect(push!.headers['x-github-event']).toBe('push');
  expect(push!.headers['x-github-delivery']).toBe(double.webhooks.deliveries[0]!.guid);
  expect(push!.payload).toMatchObject({
    ref: 'refs/heads/main',
    after: sha,
    pusher: { name: 'alice' },
    sender: { login: 'alice' },
    installation: { id: double.installation.id },
    head_commit: { id: sha, message: 'Add intent a', added: ['intents/a.yaml'] },
  });
  double.assertClean();
});

test('every event the bot subscribes to is delivered and passes GitHub webhook schemas', async () => {
  const alice = double.person('alice');
  const bob = double.person('bob', 'read');
  const carol = double.person('carol');
  const fork = await bob.fork();
  await bob.push({ repo: fork, branch: 'fix-intent', files: { 'intents/b.yaml': 'service_name: b\n' } });
  const pr = await bob.openPullRequest({ head: 'fix-intent', fromFork: true, title: 'Add intent b' });
  await alice.review(pr.number, 'APPROVE');
  await carol.review(pr.number, 'REQUEST_CHANGES', 'Priority is missing');
  bob.comment(pr.number, '/assembly-line plan');
  const octokit = new Octokit({ auth: double.installationToken(), baseUrl: double.apiUrl, log: quiet });
  const { data: run } = await octokit.rest.checks.create({
    owner,
    repo,
    name: 'Assembly Line: intent validation',
    head_sha: pr.pull!.head.sha,
    conclusion: 'failure',
    output: { title: 'invalid', summary: '1 error' },
  });
  alice.rerequestCheckRun(run.id);
  await double.addRepository('second');
  await double.installOn('someone/elsewhere');
  await double.webhooks.settled();

  const events = received.map((r) => `${r.headers['x-github-event']}.${String(r.payload.action ?? '')}`);
  expect(events).toEqual([
    'pull_request.opened',
    'pull_request_review.submitted',
    'pull_request_review.submitted',
    'issue_comment.created',
    'check_run.created',
    'check_run.completed',
    'check_run.rerequested',
    'installation_repositories.added',
    'installation.created',
  ]);
  expect(received.every((r) => r.signatureValid)).toBe(true);
  const opened = received[0]!.payload as { pull_request: { head: { repo: { full_name: string } } } };
  expect(opened.pull_request.head.repo.full_name).toBe('bob/demo');
  expect(received.slice(1, 3).map((r) => (r.payload.review as { state: string }).state)).toEqual([
    'approved',
    'changes_requested',
  ]);
  expect((received[3]!.payload.comment as { author_association: string }).author_association).toBe('NONE');
  // bob's push went to his fork, where the app is not installed: GitHub sends the app nothing for it.
  expect(double.webhooks.of('push')).toHaveLength(0);
  double.assertClean();
});

test("GitHub's webhook schemas refuse a payload that lacks required fields", () => {
  const contract = new WebhookContract();
  const problems = contract.validate('pull_request', { action: 'opened', number: 1 });
  expect(problems.join()).toMatch(/webhook-pull-request-opened: payload must have required property/);
  expect(contract.validate('no_such_event', {})).toEqual([
    "GitHub's webhook description has no schema webhook-no-such-event",
  ]);
});

test('a replayed push keeps its delivery id, and an idempotent handler writes nothing the second time', async () => {
  const octokit = new Octokit({ auth: double.installationToken(), baseUrl: double.apiUrl, log: quiet });
  onDelivery = async ({ payload }) => {
    const after = String(payload.after).slice(0, 12);
    await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' });
    const labels = await octokit.rest.issues.listLabelsForRepo({ owner, repo });
    if (!labels.data.some((l) => l.name === `seen-${after}`))
      await octokit.rest.issues.createLabel({ owner, repo, name: `seen-${after}` });
  };
  await double.person('alice').push({ files: { 'intents/a.yaml': 'service_name: a\n' } });
  await double.webhooks.settled();
  const [first] = double.webhooks.deliveries;
  const again = await double.webhooks.replay(first!);

  expect(again.guid).toBe(first!.guid);
  expect(received.map((r) => r.headers['x-github-delivery'])).toEqual([first!.guid, first!.guid]);
  expect(double.counters.forDelivery(first!.key)).toMatchObject({ reads: 2, writes: 1 });
  expect(double.counters.forDelivery(again.key)).toEqual({
    reads: 2,
    writes: 0,
    byEndpoint: {
      'GET /repos/{owner}/{repo}/git/ref/{ref}': { reads: 1, writes: 0 },
      'GET /repos/{owner}/{repo}/labels': { reads: 1, writes: 0 },
    },
  });
  double.assertClean();
});

test('two deliveries go out 100 ms apart without waiting for each other', async () => {
  double.webhooks.autoDeliver = false;
  const alice = double.person('alice');
  await alice.push({ files: { 'intents/a.yaml': 'priority: low\n' } });
  await alice.push({ files: { 'intents/a.yaml': 'priority: high\n' } });
  expect(received).toHaveLength(0);
  const [first, second] = double.webhooks.of('push');
  let release = () => {};
  const firstHeld = new Promise<void>((resolve) => {
    release = resolve;
  });
  onDelivery = async ({ payload }) => {
    if (payload.after === first!.payload.after) await firstHeld;
  };
  const both = double.webhooks.sendSpaced([first!, second!], 100);
  // The second arrives while the first is still being handled: the race a bot must survive.
  while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  release();
  const [a, b] = await both;
  expect(received.map((r) => r.payload.after)).toEqual([first!.payload.after, second!.payload.after]);
  expect([a!.status, b!.status]).toEqual([202, 202]);
  // setTimeout never fires early, so the gap is at least the 100 ms asked for.
  expect(b!.sentAt! - a!.sentAt!).toBeGreaterThanOrEqual(99);
});

test('a delivery signed with the wrong secret fails verification at the receiver', async () => {
  double.webhooks.autoDeliver = false;
  await double.person('alice').push({ files: { 'x.txt': 'x\n' } });
  const delivery = await double.webhooks.send(double.webhooks.deliveries[0]!, { signWith: 'not-the-secret' });
  expect(delivery.status).toBe(401);
  expect(received[0]!.signatureValid).toBe(false);
});

test('no network use: every connection made, REST, app auth and webhooks, stays on 127.0.0.1', async () => {
  const remotes: string[] = [];
  const onSocket = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket;
    socket.once('connect', () => remotes.push(String(socket.remoteAddress)));
  };
  subscribe('net.client.socket', onSocket);
  try {
    const octokit = appClient(double);
    await octokit.rest.repos.get({ owner, repo });
    await double.person('alice').push({ files: { 'x.txt': 'x\n' } });
    await double.webhooks.settled();
  } finally {
    unsubscribe('net.client.socket', onSocket);
  }
  expect(received).toHaveLength(1);
  expect(remotes.length).toBeGreaterThanOrEqual(2);
  expect(new Set(remotes)).toEqual(new Set(['127.0.0.1']));
  double.assertClean();
});
