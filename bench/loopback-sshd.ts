import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { findFreePort } from '../core/udc/launch.js';

/**
 * A real OpenSSH server on 127.0.0.1 for the deploy tests and benchmarks: its own host key, one user key
 * and a known_hosts for it, run from a private sshd_config (no PAM, keys only) as the current user.
 */
export interface TestSshd {
  host: string;
  port: number;
  user: string;
  /** Private key file of the user (0600). */
  identityFile: string;
  /** known_hosts with this server's host key, as `[127.0.0.1]:PORT ssh-ed25519 …`. */
  knownHostsFile: string;
  /** The server's public host key line (`ssh-ed25519 AAAA…`). */
  hostPublicKey: string;
  dir: string;
  stop(): Promise<void>;
}

export async function generateKey(path: string, comment = 'assembly-line-test'): Promise<string> {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`sshd did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Server listening on/.test(output)) {
        clearTimeout(timer);
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}:\n${output}`));
    });
  });
}

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'assembly-line-sshd-'));
  chmodSync(dir, 0o700);
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  const hostKey = join(dir, 'host_ed25519');
  const identityFile = join(dir, 'id_ed25519');
  const hostPublicKey = await generateKey(hostKey, 'test-host');
  const userPublicKey = await generateKey(identityFile);
  writeFileSync(join(dir, 'authorized_keys'), `${userPublicKey}\n`, { mode: 0o600 });
  const user = userInfo().username;

  for (let attempt = 0; ; attempt++) {
    const port = await findFreePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'AllowTcpForwarding yes',
        'AllowStreamLocalForwarding yes',
        'MaxSessions 50',
        'MaxStartups 50',
        'LogLevel INFO',
        '',
      ].join('\n'),
    );
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      await waitForListening(child, 10000);
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt < 3) continue; // the port was taken between findFreePort() and sshd's bind
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const knownHostsFile = join(dir, 'known_hosts');
    writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
    return {
      host: '127.0.0.1',
      port,
      user,
      identityFile,
      knownHostsFile,
      hostPublicKey,
      dir,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
