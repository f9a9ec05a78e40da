/**
 * A deploy that could not be carried out at all (as opposed to a release that failed its health gate,
 * which is a `DeployOutcome` with `ok: false`). The message names what is wrong and where; it never holds
 * a secret.
 */
export type DeployErrorCode =
  | 'usage'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'auth'
  | 'connect'
  | 'transfer'
  | 'locked'
  | 'lock-lost'
  | 'host';

export class DeployError extends Error {
  constructor(
    readonly code: DeployErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DeployError';
  }
}

/** Removes every secret (and each of its lines, for multi-line keys) and any private-key block. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    '[redacted]',
  );
  for (const secret of secrets) {
    const pieces = [secret.trim(), ...secret.split(/\r?\n/).map((line) => line.trim())].filter(
      (piece) => piece.length >= 8,
    );
    for (const piece of pieces) out = out.split(piece).join('[redacted]');
  }
  return out;
}
