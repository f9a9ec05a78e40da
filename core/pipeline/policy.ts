import type { Intent } from '../intent/schema.js';
import { PASSING_SCORE } from '../spec/verifier/index.js';

/**
 * The policy of a run, decided here once for the CLI, the bot and the Action: the SPEC gate, whether a
 * passing SPEC is built, whether a build is deployed, and what each approval mode asks of a person.
 */

export { PASSING_SCORE };

/** The version deployed services report until intents carry one. */
export const SERVICE_VERSION = '1.0.0';

/** `auto_build: false` stops a run after its SPEC. */
export function buildsAfterSpec(intent: Intent): boolean {
  return intent.auto_build;
}

/** A run deploys when the intent asks for a local deploy or the caller named a target. */
export function deploysAfterBuild(intent: Intent, targetNamed: boolean): boolean {
  return intent.deploy_local || targetNamed;
}

export interface ApprovalPolicy {
  /** Who merges a SPEC pull request whose SPEC passes the gate. */
  specMerge: 'on-gate' | 'after-approving-review';
  /** Whether the deploy job waits on a protected environment. */
  deployGuard: 'none' | 'protected-environment';
}

/** The approval modes on GitHub (see docs/architecture.md); running the CLI is the person's approval. */
export function approvalPolicy(mode: Intent['approval_mode']): ApprovalPolicy {
  switch (mode) {
    case 'auto':
      return { specMerge: 'on-gate', deployGuard: 'none' };
    case 'checkpoints':
      return { specMerge: 'after-approving-review', deployGuard: 'protected-environment' };
    case 'final':
      return { specMerge: 'on-gate', deployGuard: 'protected-environment' };
  }
}
