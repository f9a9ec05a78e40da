/**
 * The public entry of the pipeline library: what the CLI, the bot and the Action build on. The runs
 * (`runIntent`, `specIntent`, `buildService`, `deployService` …) take a context of ports and return a
 * typed result; the policy of a run is decided inside them. Adapters for the ports are exported beside
 * them so a shell can wire its own context. Anything not exported here is internal and may move.
 */

// Adapters of the ports.
export type { FailingTest, LintMessage, TestSummary } from './build/python-build.js';
export { createDeployTarget, DeployError, parseTarget } from './deploy/index.js';
export { type Diagnostic, formatDiagnostic } from './diagnostics.js';
export { MemoryForge } from './forge/memory.js';
// The SPEC line and the reconcile planner, for the bot: it runs them over GitHub's Workspace and Forge.
export { intentHash, sha256 } from './hash.js';
export { BodyTooLargeError, readBoundedBody } from './http-body.js';
export { formatIntentFile, INTENT_SCHEMA_COMMENT } from './intent/format.js';
export { validateIntentRepository } from './intent/repository.js';
export {
  INTENT_FIELDS,
  type Intent,
  IntentSchema,
  KNOWN_INFRASTRUCTURE,
  PRIORITIES,
} from './intent/schema.js';
export {
  type BuildsSummary,
  buildsSummary,
  type Dashboard,
  dashboard,
  runCost,
} from './ledger/dashboard.js';
export { readLedger } from './ledger/reader.js';
export { fileLedger, ledgerDir } from './ledger/recorder.js';
export type { LedgerRecord } from './ledger/schema.js';
export { DEFAULT_ANTHROPIC_MODEL } from './llm/pricing.js';
export { providerKind } from './llm/provider-kind.js';
export { type ProviderChoice, type ProviderOptions, selectProvider } from './llm/select.js';
export { parseMaxCost, SpendCap, worstCaseCost } from './llm/spend-cap.js';
export { type BuildRunResult, buildService, recordBuildTests } from './pipeline/build.js';
export type { BuildJobResult } from './pipeline/build-job.js';
export { BuildStampError, requireDeployableBuild } from './pipeline/build-stamp.js';
export type {
  BuildContext,
  DeployContext,
  LineContext,
  Recording,
  RunContext,
  SpecContext,
} from './pipeline/context.js';
export { recordingReporter, startRecording } from './pipeline/context.js';
export {
  type DeployedService,
  deployedServices,
  deployService,
  type FleetContext,
  type RollbackResult,
  rollbackService,
  stopService,
} from './pipeline/deploy.js';
export type { DeployJobResult } from './pipeline/deploy-job.js';
export {
  type ApprovalPolicy,
  approvalPolicy,
  buildsAfterSpec,
  deploysAfterBuild,
  PASSING_SCORE,
  SERVICE_VERSION,
} from './pipeline/policy.js';
export { missingPackagesMessage, missingSystemPackages } from './pipeline/preflight.js';
export { type RunEnd, type RunOptions, type RunResult, type RunStatus, runIntent } from './pipeline/run.js';
export {
  type SpecOptions,
  type SpecQueueItem,
  type SpecQueueOptions,
  type SpecRunResult,
  specIntent,
  specIntents,
} from './pipeline/spec.js';
export { stateDir } from './pipeline/state.js';
export * from './ports/index.js';
export {
  intentId,
  PriorityQueue,
  type QueueSnapshot,
  START_SLA_MS,
  type StartedEntry,
} from './queue/priority-queue.js';
export { parseMarker, withMarker } from './reconcile/marker.js';
export { type Plan, planRepository } from './reconcile/plan.js';
export {
  type DesiredIntent,
  type PlannedChange,
  planReconcile,
  SPEC_BRANCH_PREFIX,
  type SpecState,
  specBranch,
} from './reconcile/planner.js';
export { readIntents, readSpecs, specPullRequestsOf } from './reconcile/state.js';
export { redactSecrets } from './redact.js';
export { createRegistry, RegistryError } from './registry/index.js';
export { findRepositoryRoot, isIntentFile } from './repo-files.js';
export type { SpecJobResult } from './spec/spec-job.js';
export { verificationRecord } from './spec/spec-job.js';
export { MAX_OPTIMIZATION_CYCLES, runSpecLine } from './spec/spec-line.js';
export { normalizeSpec, readStoredSpec, type VerificationRecord } from './spec/store.js';
export { type Verification, verifySpec } from './spec/verifier/index.js';
export { PLAIN_STYLE, type Style } from './style.js';
export { didYouMean } from './suggest.js';
export { formatUdcMarkdown, formatUdcTable, type UdcReport, type UdcRow, verifyUdc } from './udc/verify.js';
export { GitWorkspace } from './workspace/git.js';
export {
  InputError,
  InvalidIntentError,
  loadIntentAt,
  loadIntentFile,
  readIntentSources,
  validateIntentPaths,
} from './workspace/intents.js';
