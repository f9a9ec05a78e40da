import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployError } from '../core/deploy/errors.js';
import {
  createSshTarget,
  ownerLine,
  parseOwner,
  SshConnector,
  type SshTargetOptions,
} from '../core/deploy/ssh.js';
import { createDeployTarget } from '../core/deploy/target.js';
import { findFreePort } from '../core/udc/launch.js';
import { describeDeployBehaviour, FAST, request } from './helpers/deploy-suite.js';
import { generateKey, startSshd, type TestSshd } from './helpers/sshd.js';

let sshd: TestSshd;
const root = mkdtempSync(join(tmpdir(), 'assembly-line-deploy-ssh-'));

beforeAll(async () => {
  sshd = await startSshd();
}, 30000);

afterAll(async () => {
  await sshd?.stop();
  rmSync(root, { recursive: true, force: true });
});

function sshOptions(overrides: Partial<SshTargetOptions> = {}): SshTargetOptions {
  return {
    ...FAST,
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    knownHostsFile: sshd.knownHostsFile,
    identityFile: sshd.identityFile,
    root,
    ...overrides,
  };
}

describeDeployBehaviour('ssh', () => ({
  root,
  cliFlags: [
    '--target',
    `ssh://${sshd.user}@127.0.0.1:${sshd.port}`,
    '--known-hosts',
    sshd.knownHostsFile,
    '--identity',
    sshd.identityFile,
    '--root',
    root,
  ],
  make: (options = {}) => createSshTarget(sshOptions(options)),
  child: (options) => ({ kind: 'ssh', options: { ...sshOptions(options) } }),
}));

describe('ssh: real failures, not canned stderr', () => {
  test('a closed port is "connection refused", named with the address', async () => {
    const closed = await findFreePort();
    await expect(createSshTarget(sshOptions({ port: closed })).list()).rejects.toMatchObject({
      code: 'connect',
      message: `cannot reach 127.0.0.1:${closed} over ssh: ssh: connect to host 127.0.0.1 port ${closed}: Connection refused`,
    });
  });

  test('a key given as text that is not a key is named as unloadable, and the text is never echoed', async () => {
    const junk = 'not-a-private-key-but-SECRET-4f9c';
    const attempt = createSshTarget(sshOptions({ identityFile: undefined, identityKey: junk })).list();
    await expect(attempt).rejects.toMatchObject({ code: 'auth' });
    const error = await attempt.catch((e: Error) => e);
    // OpenSSH says "invalid format" or, in newer releases, "error in libcrypto" for the same junk.
    expect((error as Error).message).toMatch(
      /^ssh could not load the identity \(the key given in ASSEMBLY_LINE_SSH_KEY\): Load key ".*\/id": (invalid format|error in libcrypto)$/,
    );
    expect((error as Error).message).not.toContain(junk);
  });
});

describe('ssh: trust and secrets', () => {
  // The connections of these tests keep their folders in a temporary folder of their own: other tests
  // use the shared /tmp at the same time.
  let privateTmp: string;
  beforeAll(() => {
    privateTmp = mkdtempSync(join(tmpdir(), 'assembly-line-ssh-tmp-'));
  });
  afterAll(() => rmSync(privateTmp, { recursive: true, force: true }));
  const sessionDirs = () => readdirSync(privateTmp);

  test('a host key that differs from known_hosts refuses the deploy before anything is sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assembly-line-known-'));
    try {
      const otherKey = await generateKey(join(dir, 'other'));
      const knownHostsFile = join(dir, 'known_hosts');
      writeFileSync(knownHostsFile, `[127.0.0.1]:${sshd.port} ${otherKey}\n`);
      const target = createSshTarget(sshOptions({ knownHostsFile }));
      const attempt = target.deploy(request('guarded', 8000));
      await expect(attempt).rejects.toThrow(DeployError);
      await expect(attempt).rejects.toMatchObject({
        code: 'host-key-changed',
        message: expect.stringContaining(
          `host key for 127.0.0.1:${sshd.port} has changed: it does not match ${knownHostsFile}`,
        ),
      });
      expect(readdirSync(root)).not.toContain('guarded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a host missing from known_hosts is refused, and a missing known_hosts file is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assembly-line-known-'));
    try {
      const knownHostsFile = join(dir, 'known_hosts');
      writeFileSync(knownHostsFile, '');
      await expect(createSshTarget(sshOptions({ knownHostsFile })).list()).rejects.toMatchObject({
        code: 'host-key-unknown',
        message: expect.stringContaining(`host key for 127.0.0.1:${sshd.port} is not in ${knownHostsFile}`),
      });
      await expect(
        createSshTarget(sshOptions({ knownHostsFile: join(dir, 'absent') })).list(),
      ).rejects.toMatchObject({
        code: 'usage',
        message: expect.stringContaining(`known_hosts file ${join(dir, 'absent')} cannot be read`),
      });
      expect(() => createDeployTarget(`ssh://root@127.0.0.1:${sshd.port}`, { root })).toThrow(
        /needs --known-hosts FILE/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a key given as text works, lives only for the operation, and never shows in an error', async () => {
    const keyText = readFileSync(sshd.identityFile, 'utf8');
    expect(sessionDirs()).toEqual([]);
    const target = createDeployTarget(`ssh://${sshd.user}@127.0.0.1:${sshd.port}`, {
      ...FAST,
      root,
      tmpDir: privateTmp,
      knownHostsFile: sshd.knownHostsFile,
      env: { ASSEMBLY_LINE_SSH_KEY: keyText },
    });
    expect(Array.isArray(await target.list())).toBe(true);
    expect(sessionDirs()).toEqual([]);
    // While a connection is open, the key is a 0600 file in its folder; closing it removes both.
    const channel = await new SshConnector(
      sshOptions({ identityFile: undefined, identityKey: keyText, tmpDir: privateTmp }),
    ).open();
    const [open] = sessionDirs();
    expect(statSync(join(privateTmp, open!, 'id')).mode & 0o777).toBe(0o600);
    await channel.close();
    expect(sessionDirs()).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'assembly-line-stranger-'));
    try {
      await generateKey(join(dir, 'stranger'));
      const strangerKey = readFileSync(join(dir, 'stranger'), 'utf8');
      const refused = createSshTarget(
        sshOptions({ identityFile: undefined, identityKey: strangerKey, tmpDir: privateTmp }),
      );
      const error: DeployError = await refused.deploy(request('guarded', 8000)).then(
        () => {
          throw new Error('the deploy should have been refused');
        },
        (reason: DeployError) => reason,
      );
      expect(error.code).toBe('auth');
      expect(error.message).toContain(`login as ${sshd.user} on 127.0.0.1:${sshd.port} was refused`);
      expect(error.message).toContain('the key given in ASSEMBLY_LINE_SSH_KEY');
      const secretLines = strangerKey
        .split('\n')
        .filter((line) => line.length > 8 && !line.startsWith('-----'));
      for (const line of secretLines) {
        expect(error.message).not.toContain(line);
        expect(String(error.stack)).not.toContain(line);
      }
      expect(refused.description).not.toContain(secretLines[0]!);
      expect(sessionDirs()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ssh: work folders left behind by earlier operations', () => {
  let tmp: string;
  const leftovers: string[] = [];
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'assembly-line-ssh-leftovers-'));
    leftovers.length = 0;
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** A folder as an operation leaves it when it is killed: its owner file and a key file. */
  function leftover(name: string, owner: string | undefined): void {
    const dir = join(tmp, `al-ssh-${name}`);
    leftovers.push(`al-ssh-${name}`);
    mkdirSync(dir);
    if (owner !== undefined) writeFileSync(join(dir, 'owner'), owner);
    writeFileSync(join(dir, 'id'), 'key text', { mode: 0o600 });
  }

  test('an owner line reads back as it was written, also on a host whose name is empty', () => {
    for (const host of ['app1.example.com', ''])
      expect(parseOwner(ownerLine(host, 4321), host)).toEqual({ host, pid: 4321 });
    expect(parseOwner('4321\n', 'here')).toEqual({ host: 'here', pid: 4321 });
    expect(parseOwner('here 43', 'here')).toBeUndefined();
    expect(parseOwner('here 0\n', 'here')).toBeUndefined();
  });

  test('only a folder whose owner was on this host and is gone is removed; old bare-pid owners count as this host’s', async () => {
    // A process that has ended, so its pid names no live process (spawnSync has reaped it).
    const dead = spawnSync('true').pid;
    const here = hostname();
    const elsewhere = `not-${here}`;
    leftover('other-host-dead', `${elsewhere} ${dead}\n`);
    leftover('other-host-live', `${elsewhere} ${process.pid}\n`);
    leftover('this-host-dead', `${here} ${dead}\n`);
    leftover('this-host-live', `${here} ${process.pid}\n`);
    leftover('bare-dead', `${dead}\n`);
    leftover('bare-live', `${process.pid}\n`);
    leftover('no-owner', undefined);
    leftover('garbage', 'not an owner\n');
    leftover('half-written', `${here} ${dead}`);

    const channel = await new SshConnector(sshOptions({ tmpDir: tmp })).open();
    try {
      const own = readdirSync(tmp).filter((entry) => !leftovers.includes(entry));
      expect(own).toHaveLength(1);
      // What the next operation on another host (or in another container) reads.
      expect(readFileSync(join(tmp, own[0]!, 'owner'), 'utf8')).toBe(`${here} ${process.pid}\n`);
    } finally {
      await channel.close();
    }
    expect(readdirSync(tmp).sort()).toEqual(
      [
        'other-host-dead',
        'other-host-live',
        'this-host-live',
        'bare-live',
        'no-owner',
        'garbage',
        'half-written',
      ]
        .map((name) => `al-ssh-${name}`)
        .sort(),
    );
  });
});
