import { describe, expect, it } from '@jest/globals';
import { allOn, callCost, serviceCalls } from '../bench/cost.js';
import { DEFAULT_ANTHROPIC_MODEL } from '../core/llm/pricing.js';
import { SpecLineEstimator } from '../core/reconcile/estimate.js';
import { exampleIntent } from './helpers/intents.js';

/** How far plan's estimate may stray from what the bench bills the same call (the prompt-cache model). */
const TOLERANCE = 0.05;

describe("plan's estimate of a new intent's first SPEC call", () => {
  it.each([DEFAULT_ANTHROPIC_MODEL, 'claude-haiku-4-5'])(
    'is within 5%% of the bench’s billed write-spec call for hello-world (%s)',
    (model) => {
      const intent = exampleIntent('hello-world');
      // The bench bills the request the provider renders, through a fresh cache: the call writes the
      // SPEC system prompt when the model caches a prefix that long, pays the message as input and the
      // model-written SPEC as output.
      const [writeSpec] = serviceCalls(intent, allOn(model));
      expect(writeSpec!.task).toBe('write-spec');
      const billed = callCost(writeSpec!);
      const estimator = new SpecLineEstimator(model);
      // A plan with one call: the call reading the prefix, plus the plan's one cache write of it.
      const estimate = estimator.specLine(intent, { min: 1, max: 1 }).min + estimator.cacheWrite();
      expect(writeSpec!.cacheWrite).toBe(estimator.prefixCached ? estimator.prefixTokens : 0);
      expect(Math.abs(estimate - billed) / billed).toBeLessThanOrEqual(TOLERANCE);
    },
  );
});
