import { jest } from '@jest/globals';
import type * as pipeline from '../../action/src/pipeline.js';

/**
 * The Action's door into core, with the pipeline call and the intent loader mocked; the pure helpers it
 * re-exports are the real ones, so rendering is tested as it runs.
 */
export { redactSecrets } from '../../core/ledger/redact.js';
export { findRepositoryRoot } from '../../core/repo-files.js';
export { PASSING_SCORE } from '../../core/spec/verifier/index.js';
export { formatUdcMarkdown } from '../../core/udc/verify.js';

export class PipelineInputError extends Error {}
export const runPipeline = jest.fn<typeof pipeline.runPipeline>();
export const loadIntent = jest.fn<typeof pipeline.loadIntent>();
export const targetProblem = jest.fn<typeof pipeline.targetProblem>(() => null);
