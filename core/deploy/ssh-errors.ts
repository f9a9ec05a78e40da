import { DeployError } from './errors.js';

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
  knownHostsFile: string;
  /** How to name the identity in messages: its file, or the variable it came from — never its text. */
  identityLabel: string;
}

function lastLines(text: string, count = 3): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' / ');
}

/** Turns what ssh printed when it failed to connect into a message that says what to do. */
export function explainSshFailure(stderr: string, at: SshEndpoint): DeployError {
  const where = `${at.host}:${at.port}`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr))
    return new DeployError(
      'host-key-changed',
      `host key for ${where} has changed: it does not match ${at.knownHostsFile}; refusing to deploy ` +
        '(a different or reinstalled machine: check the new key’s fingerprint before replacing the line)',
    );
  if (/host key is known for|Host key verification failed/i.test(stderr))
    return new DeployError(
      'host-key-unknown',
      `host key for ${where} is not in ${at.knownHostsFile}; refusing to deploy ` +
        `(add it once its fingerprint is checked: ssh-keyscan -p ${at.port} ${at.host} >> ${at.knownHostsFile})`,
    );
  const loadKey = /Load key|invalid format|bad permissions|no such identity|error in libcrypto/i;
  if (loadKey.test(stderr))
    // The line that says why, not ssh's last words (a real ssh goes on to "Permission denied").
    return new DeployError(
      'auth',
      `ssh could not load the identity (${at.identityLabel}): ${
        stderr
          .split(/\r?\n/)
          .find((line) => loadKey.test(line))
          ?.trim() ?? lastLines(stderr, 1)
      }`,
    );
  if (/Permission denied/i.test(stderr))
    return new DeployError(
      'auth',
      `ssh login as ${at.user} on ${where} was refused: the identity (${at.identityLabel}) is not authorized there`,
    );
  if (/Connection refused|timed out|No route to host|Could not resolve|Network is unreachable/i.test(stderr))
    return new DeployError('connect', `cannot reach ${where} over ssh: ${lastLines(stderr, 1)}`);
  return new DeployError(
    'connect',
    `ssh to ${at.user}@${where} failed: ${lastLines(stderr) || 'no message'}`,
  );
}
