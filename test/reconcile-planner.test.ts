import { describe, expect, it } from '@jest/globals';
import { type MarkerReading, parseMarker, renderMarker } from '../core/reconcile/marker.js';
import {
  type DesiredIntent,
  planReconcile,
  type SpecPullRequest,
  type SpecState,
  specBranch,
} from '../core/reconcile/planner.js';
import { MAX_OPTIMIZATION_CYCLES } from '../core/spec/spec-line.js';

const h = (c: string) => c.repeat(64);
const desired = (name: string, hash: string = h('1')): DesiredIntent => ({
  name,
  path: `intents/${name}.yaml`,
  hash,
  problems: [],
});
const stamped = (name: string, over: Partial<SpecState['stamp']> = {}, specHash = h('5')): SpecState => ({
  name,
  specHash,
  chars: 100,
  stamp: {
    intentHash: h('1'),
    specHash,
    provider: 'offline',
    passed: true,
    score: 93,
    optimizationCycles: 0,
    ...over,
  },
});
const markerOf = (name: string, intentHash: string, specHash: string): MarkerReading =>
  parseMarker(renderMarker({ intent: name, intent_hash: intentHash, spec_hash: specHash }));
const pr = (name: string, over: Partial<SpecPullRequest> = {}): SpecPullRequest => ({
  number: 7,
  branch: specBranch(name),
  url: 'https://forge.test/pull/7',
  marker: markerOf(name, h('1'), h('c')),
  headSpecHash: h('c'),
  ...over,
});

function one(input: Parameters<typeof planReconcile>[0]) {
  const changes = planReconcile(input);
  expect(changes).toHaveLength(1);
  return changes[0]!;
}

const GENERATE = { min: 1, max: 1 + MAX_OPTIMIZATION_CYCLES };
const NONE = { min: 0, max: 0 };

describe('reconcile planner, without a pull request', () => {
  it('opens a pull request for an intent without a SPEC', () => {
    expect(one({ intents: [desired('api')], specs: [], pullRequests: [] })).toEqual({
      intent: 'api',
      intentPath: 'intents/api.yaml',
      change: 'open',
      reason: 'no specs/api/SPEC.md yet',
      modelCalls: GENERATE,
    });
  });

  it('keeps a current SPEC and regenerates one made from another intent', () => {
    expect(one({ intents: [desired('api')], specs: [stamped('api')], pullRequests: [] })).toMatchObject({
      change: 'keep',
      reason: 'specs/api/SPEC.md is current (score 93)',
      modelCalls: NONE,
    });
    expect(
      one({ intents: [desired('api', h('2'))], specs: [stamped('api')], pullRequests: [] }),
    ).toMatchObject({
      change: 'open',
      reason: 'the intent changed since specs/api/SPEC.md was written (1111111 → 2222222)',
      modelCalls: GENERATE,
    });
  });

  it("re-verifies a person's SPEC and never regenerates it", () => {
    const edited = { ...stamped('api'), specHash: h('e') };
    expect(one({ intents: [desired('api')], specs: [edited], pullRequests: [] })).toMatchObject({
      change: 'reverify',
      modelCalls: NONE,
    });
    const unstamped: SpecState = { name: 'api', specHash: h('e'), chars: 10 };
    expect(one({ intents: [desired('api', h('9'))], specs: [unstamped], pullRequests: [] }).change).toBe(
      'reverify',
    );
    // Edited, and the intent moved on since: only a person can reconcile the two.
    expect(one({ intents: [desired('api', h('2'))], specs: [edited], pullRequests: [] })).toMatchObject({
      change: 'needs_person',
      reason: expect.stringContaining('the intent changed after a person edited specs/api/SPEC.md'),
    });
    const verifiedHuman = stamped('api', { provider: 'human' });
    expect(one({ intents: [desired('api')], specs: [verifiedHuman], pullRequests: [] }).change).toBe('keep');
    expect(one({ intents: [desired('api', h('2'))], specs: [verifiedHuman], pullRequests: [] }).change).toBe(
      'needs_person',
    );
  });

  it('asks for a person when the gate failed after every cycle, or the intent is invalid', () => {
    const failed = stamped('api', { passed: false, score: 71, optimizationCycles: 3 });
    expect(one({ intents: [desired('api')], specs: [failed], pullRequests: [] })).toMatchObject({
      change: 'needs_person',
      reason:
        'specs/api/SPEC.md scored 71, below the gate, after 3 optimization cycles; a person must improve it',
    });
    const invalid: DesiredIntent = {
      name: 'api',
      path: 'intents/api.yaml',
      problems: ['intents/api.yaml:5:7: port: too small', 'intents/api.yaml:6:1: purpose: missing'],
    };
    expect(one({ intents: [invalid], specs: [], pullRequests: [] })).toMatchObject({
      change: 'needs_person',
      reason: 'the intent is invalid: intents/api.yaml:5:7: port: too small (and 1 more)',
      modelCalls: NONE,
    });
  });

  it('closes what a removed intent left and plans every name once, sorted', () => {
    const changes = planReconcile({
      intents: [desired('cart'), desired('api')],
      specs: [stamped('api'), stamped('gone')],
      pullRequests: [pr('removed', { number: 9 })],
    });
    expect(changes.map((c) => [c.intent, c.change])).toEqual([
      ['api', 'keep'],
      ['cart', 'open'],
      ['gone', 'close'],
      ['removed', 'close'],
    ]);
    expect(changes[2]!.reason).toBe(
      'the intent was removed; nothing is generated for it (specs/gone/ stays until deleted)',
    );
    expect(changes[3]).toMatchObject({
      reason: 'the intent was removed; close pull request #9',
      pullRequest: { number: 9, url: 'https://forge.test/pull/7' },
    });
  });

  it('asks for a person when two files define the same service', () => {
    const twin = { ...desired('api'), path: 'intents/api.yml' };
    expect(one({ intents: [desired('api'), twin], specs: [], pullRequests: [] })).toMatchObject({
      change: 'needs_person',
      reason: 'intents/api.yaml and intents/api.yml both define api; keep one',
    });
  });
});

describe('reconcile planner, with an open SPEC pull request', () => {
  it('keeps a current pull request and updates one written from an older intent', () => {
    expect(one({ intents: [desired('api')], specs: [], pullRequests: [pr('api')] })).toMatchObject({
      change: 'keep',
      reason: 'pull request #7 is current',
      pullRequest: { number: 7 },
    });
    expect(
      one({ intents: [desired('api', h('2'))], specs: [stamped('api')], pullRequests: [pr('api')] }),
    ).toMatchObject({ change: 'update', modelCalls: GENERATE, pullRequest: { number: 7 } });
  });

  it("re-verifies a person's push to the SPEC branch, and never overwrites it", () => {
    const pushed = pr('api', { headSpecHash: h('e') });
    expect(one({ intents: [desired('api')], specs: [], pullRequests: [pushed] })).toMatchObject({
      change: 'reverify',
      reason: 'a person edited specs/api/SPEC.md on pull request #7; score it again',
    });
    expect(one({ intents: [desired('api', h('2'))], specs: [], pullRequests: [pushed] })).toMatchObject({
      change: 'needs_person',
      modelCalls: NONE,
    });
  });

  it('asks for a person when the marker is damaged, names another intent, or the SPEC is gone', () => {
    const damaged = pr('api', { marker: parseMarker('body edited by a person') });
    expect(one({ intents: [desired('api')], specs: [], pullRequests: [damaged] })).toMatchObject({
      change: 'needs_person',
      reason: 'pull request #7: the body has no assembly-line marker; restore it or close the pull request',
    });
    const other = pr('api', { marker: markerOf('billing', h('1'), h('c')) });
    expect(one({ intents: [desired('api')], specs: [], pullRequests: [other] }).reason).toBe(
      "pull request #7 from assembly-line/spec/api is marked for intent 'billing'",
    );
    const { headSpecHash: _, ...noSpec } = pr('api');
    expect(one({ intents: [desired('api')], specs: [], pullRequests: [noSpec] }).reason).toBe(
      'pull request #7 has no specs/api/SPEC.md at its head',
    );
  });

  it('ignores pull requests from other branches', () => {
    const foreign = { ...pr('api'), branch: 'feature/api' };
    expect(planReconcile({ intents: [], specs: [], pullRequests: [foreign] })).toEqual([]);
  });
});
