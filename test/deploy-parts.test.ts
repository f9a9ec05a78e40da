import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployError } from '../core/deploy/errors.js';
import { httpGet, judgeHealth, waitForHealthy, watchAvailability } from '../core/deploy/health.js';
import { AgentSession, agentServeCommand } from '../core/deploy/host-agent.js';
import { agentEnvironment, createLocalTarget } from '../core/deploy/local.js';
import { isReleaseId, makeReleaseId } from '../core/deploy/release-id.js';
import { shellCommand } from '../core/deploy/shell.js';
import { normalizeKey } from '../core/deploy/ssh.js';
import { explainSshFailure } from '../core/deploy/ssh-errors.js';
import { renderSystemdUnit } from '../core/deploy/systemd.js';
import { parseTarget } from '../core/deploy/target.js';
import { redactSecrets } from '../core/redact.js';
import {
  type MisbehavingServer,
  startEndlessBodyServer,
  startTricklingServer,
} from './helpers/misbehaving-servers.js';

describe('release ids', () => {
  test('are the UTC time to the second and 7 hex digits of the SPEC hash, and sort by time', () => {
    const id = makeReleaseId(new Date('2026-11-25T04:17:13.456Z'), '3F9A2C1DEADBEEF');
    expect(id).toBe('20261125T041713Z-3f9a2c1');
    expect(isReleaseId(id)).toBe(true);
    const later = makeReleaseId(new Date('2026-11-25T04:17:14Z'), '0000000');
    expect([later, id].sort()).toEqual([id, later]);
    expect(makeReleaseId(new Date('2026-01-02T03:04:05Z'), 'sha256:abcdef0123')).toBe(
      '20260102T030405Z-abcdef0',
    );
  });

  test('refuse a hash that is not hex and a date that is not a date', () => {
    expect(() => makeReleaseId(new Date(), 'xyz')).toThrow(/SPEC hash 'xyz' is not hexadecimal/);
    expect(() => makeReleaseId(new Date('nope'), 'abcdef0')).toThrow(/not a valid date/);
    expect(isReleaseId('latest')).toBe(false);
    expect(isReleaseId('20261125T041713Z-3f9a2c1; rm -rf /')).toBe(false);
  });
});

describe('parseTarget', () => {
  test('reads local and ssh addresses', () => {
    expect(parseTarget('local')).toEqual({ kind: 'local' });
    expect(parseTarget('ssh://deploy@10.0.0.5')).toEqual({
      kind: 'ssh',
      user: 'deploy',
      host: '10.0.0.5',
      port: 22,
    });
    expect(parseTarget('ssh://deploy@web-1.example.com:2222')).toEqual({
      kind: 'ssh',
      user: 'deploy',
      host: 'web-1.example.com',
      port: 2222,
    });
    expect(parseTarget('ssh://[::1]:2200')).toEqual({ kind: 'ssh', host: '::1', port: 2200 });
  });

  test.each([
    ['ftp://host', /not understood; expected 'local' or 'ssh:\/\/user@host\[:port\]'/],
    ['remote', /not understood/],
    ['ssh://', /not a valid ssh address/],
    ['ssh://user@host:', /has a ':' but no port/],
    ['ssh://user@host:70000', /port 70000 is not between 1 and 65535/],
    ['ssh://user@host:22/srv/apps', /has a path; give the directory with --root instead/],
  ])('refuses %s clearly', (text, message) => {
    expect(() => parseTarget(text)).toThrow(DeployError);
    expect(() => parseTarget(text)).toThrow(message);
  });
});

describe('systemd unit', () => {
  test('starts the current release at boot and writes the files the host agent reads', () => {
    const unit = renderSystemdUnit({
      name: 'orders',
      serviceDir: '/srv/apps/orders',
      port: 8210,
      bindHost: '0.0.0.0',
    });
    const lines = unit.split('\n');
    expect(lines).toContain('Description=Assembly Line service orders (current release)');
    expect(lines).toContain('WorkingDirectory=/srv/apps/orders');
    expect(lines).toContain('WantedBy=multi-user.target');
    expect(lines).toContain('Restart=no');
    expect(lines.find((line) => line.startsWith('ExecStart='))).toBe(
      'ExecStart=/bin/sh -c \'release=$$(readlink current) && id=$${release##*/} && cd "$$release" && ' +
        'exec .venv/bin/python .assembly-line/launch.py --bind 0.0.0.0 --port 8210 ' +
        '--pid-file /srv/apps/orders/run/$$id.pid --ready-file /srv/apps/orders/run/$$id.port ' +
        '--restart 1,30,5,60 --state-file /srv/apps/orders/run/$$id.state ' +
        ">>/srv/apps/orders/logs/$$id.log 2>&1'",
    );
    expect(lines.some((line) => line.startsWith('User='))).toBe(false);
    expect(
      renderSystemdUnit({ name: 'a1', serviceDir: '/x', port: 1, bindHost: '::', user: 'deploy' }),
    ).toContain('\nUser=deploy\n');
  });

  test('refuses paths systemd or the shell would read differently', () => {
    expect(() =>
      renderSystemdUnit({ name: 'orders', serviceDir: '/srv/my apps', port: 1, bindHost: '127.0.0.1' }),
    ).toThrow(/only absolute paths/);
    expect(() =>
      renderSystemdUnit({ name: 'orders', serviceDir: '~/apps', port: 1, bindHost: '127.0.0.1' }),
    ).toThrow(/only absolute paths/);
  });
});

describe('ssh failures', () => {
  const at = {
    host: '127.0.0.1',
    port: 2222,
    user: 'deploy',
    knownHostsFile: '/ci/known_hosts',
    identityLabel: 'the key given in ASSEMBLY_LINE_SSH_KEY',
  };

  test.each([
    [
      'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n',
      'host-key-unknown',
      'host key for 127.0.0.1:2222 is not in /ci/known_hosts; refusing to deploy',
    ],
    [
      '@@@@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n@@@@@@@@@@@\r\nHost key verification failed.\r\n',
      'host-key-changed',
      'host key for 127.0.0.1:2222 has changed: it does not match /ci/known_hosts; refusing to deploy',
    ],
    [
      'deploy@127.0.0.1: Permission denied (publickey).\r\n',
      'auth',
      'ssh login as deploy on 127.0.0.1:2222 was refused: the identity (the key given in ASSEMBLY_LINE_SSH_KEY)',
    ],
    [
      'ssh: connect to host 127.0.0.1 port 2222: Connection refused\r\n',
      'connect',
      'cannot reach 127.0.0.1:2222 over ssh: ssh: connect to host 127.0.0.1 port 2222: Connection refused',
    ],
    ['Load key "/tmp/al-ssh-x/id": invalid format\r\n', 'auth', 'ssh could not load the identity'],
  ])('%#: explained', (stderr, code, message) => {
    const error = explainSshFailure(stderr, at);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });

  test('secrets are scrubbed line by line, and key blocks whatever they hold', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\nQyNTUxOQAAACDx\n-----END OPENSSH PRIVATE KEY-----\n';
    const text = `failed near b3BlbnNzaC1rZXktdjEAAAAABG5vbmU and\n${key}`;
    const scrubbed = redactSecrets(text, [key]);
    expect(scrubbed).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmU');
    expect(scrubbed).not.toContain('PRIVATE KEY');
    expect(scrubbed).toContain('failed near [redacted] and');
  });

  test('a key from a CI secret gets its newlines back', () => {
    expect(normalizeKey('-----BEGIN X-----\\nabc\\n-----END X-----')).toBe(
      '-----BEGIN X-----\nabc\n-----END X-----\n',
    );
    expect(normalizeKey('a\r\nb\r\n\r\n')).toBe('a\nb\n');
  });
});

describe('health polling', () => {
  let server: Server;
  let url: string;
  let answers: Array<{ status: number; body: string }>;
  let requests = 0;

  beforeEach(async () => {
    requests = 0;
    server = createServer((_req, res) => {
      const next = answers.length > 1 ? answers.shift()! : answers[0]!;
      requests++;
      res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
  });

  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const starting = { status: 200, body: '{"status": "starting"}' };
  const active = { status: 200, body: '{"status": "active", "service": "x"}' };

  test('polls until the service says "active"', async () => {
    answers = [starting, starting, active];
    const result = await waitForHealthy(url, { timeoutMs: 5000, intervalMs: 10 });
    expect(result).toMatchObject({ healthy: true, attempts: 3, last: 'status "active"' });
  });

  test('after the timeout it waits and asks exactly once more', async () => {
    answers = [starting];
    // A zero timeout polls exactly once, so the count says how many more tries the retry made.
    const result = await waitForHealthy(url, { timeoutMs: 0, retryAfterMs: 50 });
    expect(result).toMatchObject({ healthy: false, attempts: 2, last: 'status "starting"' });
    expect(await waitForHealthy(url, { timeoutMs: 0 })).toMatchObject({ healthy: false, attempts: 1 });
    expect(requests).toBe(3);
  });

  test('the retry after the wait can still succeed', async () => {
    answers = [starting];
    setTimeout(() => answers.splice(0, answers.length, active), 150);
    const result = await waitForHealthy(url, { timeoutMs: 50, intervalMs: 10, retryAfterMs: 300 });
    expect(result).toMatchObject({ healthy: true, last: 'status "active"' });
  });

  test('says what it saw', async () => {
    expect(judgeHealth({ status: 500, body: '' }).description).toBe('HTTP 500');
    expect(judgeHealth({ status: 200, body: '<html>' }).description).toBe('an answer that is not JSON');
    expect(judgeHealth({ status: 200, body: '{"ok": true}' }).description).toBe(
      'JSON without a "status" field',
    );
    server.close();
    const result = await waitForHealthy(url, { timeoutMs: 50, intervalMs: 10 });
    expect(result.healthy).toBe(false);
    expect(result.last).toMatch(/ECONNREFUSED/);
  });

  test('the availability watch counts the time a port answers nothing', async () => {
    answers = [active];
    const steady = watchAvailability(url, httpGet, 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await steady.stop()).toMatchObject({ failures: 0, longestGapMs: 0 });
    expect(requests).toBeGreaterThan(0);

    const port = (server.address() as { port: number }).port;
    const broken = watchAvailability(url, httpGet, 5);
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const report = await broken.stop();
    expect(report.failures).toBeGreaterThan(0);
    expect(report.longestGapMs).toBeGreaterThan(0);
  });
});

describe('bounded health probes', () => {
  let server: MisbehavingServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  // On a body that trickles forever the gate used to poll forever: only idle sockets timed out.
  test('a /health that trickles a byte every 100 ms fails the gate once its time is up', async () => {
    server = await startTricklingServer(100);
    const result = await waitForHealthy(`${server.url}/health`, {
      timeoutMs: 600,
      intervalMs: 10,
      requestTimeoutMs: 400,
      retryAfterMs: 50,
    });
    expect(result).toMatchObject({ healthy: false, last: 'no complete answer within 400 ms' });
    // The polling phase made at least one probe, then the retry made one more.
    expect(result.attempts).toBeGreaterThanOrEqual(2);
  }, 15_000);

  test('a /health with an endless body is refused after 64 KiB', async () => {
    server = await startEndlessBodyServer();
    await expect(httpGet(`${server.url}/health`, 5000)).rejects.toThrow('body larger than 64 KiB');
    const result = await waitForHealthy(`${server.url}/health`, { timeoutMs: 0, requestTimeoutMs: 5000 });
    expect(result).toMatchObject({ healthy: false, attempts: 1, last: 'body larger than 64 KiB' });
  }, 15_000);
});

describe('host agent session', () => {
  let root: string;
  let session: AgentSession;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'assembly-line-agent-'));
    session = new AgentSession(
      (boundary) => {
        const [file, ...args] = agentServeCommand(boundary);
        return [file!, args];
      },
      agentEnvironment(),
      (stderr, code) => new Error(`agent stopped (${code}): ${stderr}`),
    );
  });

  afterEach(async () => {
    await session.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('keeps stdout, stderr and exit code of each command apart, one command after another', async () => {
    const [unknown, missing, listed] = await Promise.all([
      session.run(['frobnicate']),
      session.run(['logs', root, 'ghost', '5']),
      session.run(['list', root]),
    ]);
    expect(unknown).toEqual({ exitCode: 1, stdout: '', stderr: "unknown host-agent command 'frobnicate'\n" });
    expect(missing).toEqual({ exitCode: 1, stdout: '', stderr: `no service named ghost under ${root}\n` });
    expect(listed).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  test('arguments with quotes, newlines and shell syntax arrive unchanged', async () => {
    const begun = await session.run(['begin', root, 'svc', 'tok', "o'brien@ci", '1', '-', '5', '60']);
    expect(begun.exitCode).toBe(0);
    expect(begun.stdout).toContain(`dir=${root}/svc`);
    const detail = "line one\nline two; $(touch /tmp/pwned) `id` 'quoted'";
    const finished = await session.run([
      'finish',
      root,
      'svc',
      'tok',
      '0',
      '-',
      "o'brien@ci",
      'deploy',
      '-',
      'ok',
      detail,
    ]);
    expect(finished).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const audit = readFileSync(join(root, 'svc', 'audit.log'), 'utf8')
      .trimEnd()
      .split('\t');
    expect(audit.slice(1)).toEqual([
      "o'brien@ci",
      'deploy',
      '-',
      'ok',
      "line one line two; $(touch /tmp/pwned) `id` 'quoted'",
    ]);
    expect(shellCommand(['a b', "it's", ''])).toBe("'a b' 'it'\\''s' ''");
  });

  test('a lock held by someone else is reported with its holder', async () => {
    await session.run([
      'begin',
      root,
      'svc',
      'mine',
      'alice@ci',
      '4242',
      '20261125T041713Z-3f9a2c1',
      '5',
      '600',
    ]);
    const blocked = await session.run(['begin', root, 'svc', 'theirs', 'bob@ci', '1', '-', '0', '600']);
    expect(blocked.exitCode).toBe(75);
    expect(blocked.stderr).toMatch(
      /^deploy of svc is locked by alice@ci \(pid 4242, release 20261125T041713Z-3f9a2c1, since \d{4}-\d\d-\d\dT[\d:]+Z\); gave up after waiting 0 s\n$/,
    );
    const lost = await session.run([
      'prepare',
      root,
      'svc',
      'theirs',
      '20261125T041713Z-3f9a2c1',
      '/usr/bin/python3',
      '5',
      '9',
      '127.0.0.1',
      '5',
    ]);
    expect(lost.exitCode).toBe(76);
    expect(lost.stderr).toContain('lost the deploy lock of svc: now held by alice@ci');
  });
});

test('an empty deploy root lists no releases', async () => {
  const root = mkdtempSync(join(tmpdir(), 'assembly-line-agent-'));
  try {
    expect(await createLocalTarget({ root }).list()).toEqual([]);
    await expect(createLocalTarget({ root }).logs('ghost', 10)).rejects.toThrow(/no service named ghost/);
    await expect(createLocalTarget({ root }).rollback('ghost')).resolves.toMatchObject({
      ok: false,
      message: expect.stringContaining('cannot roll back ghost: it has no current release'),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
