import { jest } from '@jest/globals';
import type * as pipeline from '../../action/src/pipeline.js';

/**
 * The Action's door into core, with the pipeline call and the intent loader mocked; the pure helpers it
 * re-exports are the real ones, so rendering is tested as it runs.
 */
export { findRepositoryRoot, formatUdcMarkdown, PASSING_SCORE, redactSecrets } from '../../core/index.js';

export class PipelineInputError extends Error {}
export const runPipeline = jest.fn<typeof pipeline.runPipeline>();
export const loadIntent = jest.fn<typeof pipeline.loadIntent>();
export const targetProblem = jest.fn<typeof pipeline.targetProblem>(() => null);
export const chooseProvider = jest.fn<typeof pipeline.chooseProvider>();
