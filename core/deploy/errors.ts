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
