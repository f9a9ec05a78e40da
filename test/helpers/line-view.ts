import type { IntentView, LineView, RunView } from '../../bot/src/windows/view.js';

export const REPO = 'octo-org/demo';
export const T0 = Date.parse('2026-12-06T10:00:00Z');
export const iso = (ms: number) => new Date(ms).toISOString();
export const MINUTE = 60_000;

/** A hand-made intent of the view, with fields a test does not care about filled in. */
export function intentView(
  name: string,
  fields: Partial<IntentView> & { minutesQueued?: number; now?: number } = {},
): IntentView {
  const { minutesQueued, now = T0, ...rest } = fields;
  return {
    intentId: `${name}@${Buffer.from(name).toString('hex').padEnd(8, '0').slice(0, 8)}`,
    repository: REPO,
    serviceName: name,
    priority: 'medium',
    approvalMode: 'checkpoints',
    dependencies: [],
    phase: 'queued',
    ...(minutesQueued !== undefined ? { queuedAt: iso(now - minutesQueued * MINUTE) } : {}),
    updatedAt: iso(T0 - 30 * MINUTE),
    history: [],
    ...rest,
  };
}

export function runView(id: string, serviceName: string, fields: Partial<RunView> = {}): RunView {
  return {
    id,
    repository: REPO,
    serviceName,
    kind: 'spec',
    outcome: 'succeeded',
    startedAt: iso(T0 - 20 * MINUTE),
    finishedAt: iso(T0 - 19 * MINUTE),
    ...fields,
  };
}

export function lineView(intents: IntentView[], runs: RunView[] = [], repositories = [REPO]): LineView {
  return { generatedAt: iso(T0), repositories, intents, runs };
}
