import type { Forge, Workspace } from '../ports/index.js';
import { basisText, type Range, SpecLineEstimator } from './estimate.js';
import { CHANGE_KINDS, type ChangeKind, type PlannedChange, planReconcile } from './planner.js';
import { readReconcileInput } from './state.js';

export interface PlanEntry extends PlannedChange {
  /** Estimated with the anthropic provider at `Plan.estimate.model`. */
  costUsd: Range;
}

export interface Plan {
  changes: PlanEntry[];
  summary: { counts: Record<ChangeKind, number>; modelCalls: Range; costUsd: Range };
  estimate: { model: string; priceKnown: boolean; basis: string };
}

export interface PlanOptions {
  workspace: Workspace;
  forge: Forge;
  /** The ref whose intents and SPECs are the desired and actual state (the default branch on a push). */
  ref: string;
  /** The model the cost is estimated for. */
  model: string;
}

/** What a push of `ref` would make the SPEC line do, with the model calls and what they would cost. */
export async function planRepository(options: PlanOptions): Promise<Plan> {
  const input = await readReconcileInput(options.workspace, options.forge, options.ref);
  const planned = planReconcile(input);
  const estimator = new SpecLineEstimator(options.model);
  const intents = new Map(input.intents.map((d) => [d.name, d.intent]));
  const specChars = new Map(input.specs.map((s) => [s.name, s.chars]));
  const changes = planned.map((change): PlanEntry => {
    const intent = intents.get(change.intent);
    const costUsd =
      intent && change.modelCalls.max > 0
        ? estimator.specLine(intent, change.modelCalls, specChars.get(change.intent))
        : { min: 0, max: 0 };
    return { ...change, costUsd };
  });
  const sum = (pick: (c: PlanEntry) => Range): Range => ({
    min: changes.reduce((n, c) => n + pick(c).min, 0),
    max: changes.reduce((n, c) => n + pick(c).max, 0),
  });
  const modelCalls = sum((c) => c.modelCalls);
  const cost = sum((c) => c.costUsd);
  const cacheWrite = estimator.cacheWrite();
  const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
  const counts = Object.fromEntries(
    CHANGE_KINDS.map((kind) => [kind, changes.filter((c) => c.change === kind).length]),
  ) as Record<ChangeKind, number>;
  return {
    changes,
    summary: {
      counts,
      modelCalls,
      costUsd: {
        min: round(cost.min + (modelCalls.min > 0 ? cacheWrite : 0)),
        max: round(cost.max + (modelCalls.max > 0 ? cacheWrite : 0)),
      },
    },
    estimate: { model: options.model, priceKnown: estimator.priceKnown, basis: basisText(options.model) },
  };
}
