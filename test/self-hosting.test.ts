import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cli } from './helpers/cli.js';

/**
 * This repository runs on itself: specs/ holds the SPECs of its own intents/, and they are current,
 * so a push would make the SPEC line do nothing (`assembly-line plan` finds only `keep`).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('every intent of this repository has its current SPEC: plan finds nothing to do', async () => {
  const intents = readdirSync(`${ROOT}/intents`)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
  expect(intents.length).toBeGreaterThan(0);
  const result = await cli(['plan', '--format', 'json'], ROOT);
  expect(result.code).toBe(0);
  const plan = JSON.parse(result.stdout) as {
    changes: { intent: string; change: string; reason?: string }[];
    summary: { model_calls: { max: number } };
  };
  expect(plan.changes.map((c) => [c.intent, c.change, c.reason ?? '']).sort()).toEqual(
    intents.map((name) => [name, 'keep', expect.any(String)]),
  );
  expect(plan.summary.model_calls.max).toBe(0);
});
