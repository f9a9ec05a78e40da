/**
 * Everything bot/ takes from core, in one place: when core's public entry (core/index.ts) lands, only
 * this file changes.
 */
export { intentHash, sha256 } from '../../core/hash.js';
export { validateIntentRepository } from '../../core/intent/repository.js';
export type { Intent } from '../../core/intent/schema.js';
export { redactSecrets } from '../../core/ledger/redact.js';
export { DEFAULT_ANTHROPIC_MODEL } from '../../core/llm/pricing.js';
export { providerKind } from '../../core/llm/provider-kind.js';
export { selectProvider } from '../../core/llm/select.js';
export type {
  Annotation,
  CheckRun,
  CheckRunFields,
  Comment,
  CommitRequest,
  CommitResult,
  CommitStatus,
  Deployment,
  DeploymentStatus,
  FileChange,
  Forge,
  Issue,
  LlmProvider,
  LlmUsage,
  MergeMethod,
  NewPullRequest,
  PullRequest,
  Review,
  Workspace,
} from '../../core/ports/index.js';
export { RefConflict, silentReporter, WORKING_TREE } from '../../core/ports/index.js';
export { PriorityQueue, type StartedEntry } from '../../core/queue/priority-queue.js';
export { parseMarker, withMarker } from '../../core/reconcile/marker.js';
export { type Plan, planRepository } from '../../core/reconcile/plan.js';
export {
  type DesiredIntent,
  type PlannedChange,
  planReconcile,
  SPEC_BRANCH_PREFIX,
  specBranch,
} from '../../core/reconcile/planner.js';
export { readIntents, readSpecs, specPullRequestsOf } from '../../core/reconcile/state.js';
export { isIntentFile } from '../../core/repo-files.js';
export { verificationRecord } from '../../core/spec/spec-job.js';
export { MAX_OPTIMIZATION_CYCLES, runSpecLine } from '../../core/spec/spec-line.js';
export { normalizeSpec, type VerificationRecord } from '../../core/spec/store.js';
export { PASSING_SCORE, type Verification, verifySpec } from '../../core/spec/verifier/index.js';
