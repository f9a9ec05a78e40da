import { describe, expect, it } from '@jest/globals';
import { derivePhase, type IntentFacts, scoreFromText } from '../../bot/src/windows/phase.js';
import { PHASES, type Phase } from '../../bot/src/windows/view.js';

const NOW = '2026-12-06T12:00:00Z';
const t = (minute: number) => `2026-12-06T10:${String(minute).padStart(2, '0')}:00Z`;

const base: IntentFacts = { onDefaultBranch: false, autoBuild: true, builds: [], deployments: [] };
const intentPr = (state: 'open' | 'closed' | 'merged') => ({
  number: 1,
  url: 'http://github.test/o/r/pull/1',
  title: 'intent: a',
  state,
  labels: [],
  createdAt: t(0),
  ...(state !== 'open' ? { closedAt: t(2) } : {}),
});
const specPr = (state: 'open' | 'closed' | 'merged', labels: string[] = []) => ({
  number: 2,
  url: 'http://github.test/o/r/pull/2',
  title: 'spec: a',
  state,
  labels,
  createdAt: t(10),
  ...(state !== 'open' ? { closedAt: t(20) } : {}),
});
const merged: IntentFacts = { ...base, intentPullRequest: intentPr('merged'), onDefaultBranch: true };
const specRun = (outcome: 'running' | 'failed', phases: string[]) => ({
  outcome,
  startedAt: t(3),
  phases: phases.map((name, i) => ({ name, startedAt: t(4 + i) })),
  ...(outcome === 'failed' ? { finishedAt: t(9), error: 'the model API answered 529' } : {}),
});
const gate = (conclusion: 'success' | 'failure', score: number) => ({
  status: 'completed' as const,
  conclusion,
  score,
  completedAt: t(11),
});
const reviewed: IntentFacts = { ...merged, specPullRequest: specPr('merged'), gate: gate('success', 94) };
const build = (status: string, conclusion: string | null) => ({
  status,
  conclusion,
  createdAt: t(21),
  updatedAt: t(25),
  url: 'http://github.test/o/r/actions/runs/9',
});
const built: IntentFacts = { ...reviewed, builds: [build('completed', 'success')] };
const deployment = (state: string) => ({
  state,
  createdAt: t(26),
  updatedAt: t(30),
  description: 'health check failed',
});

/** One set of facts per phase of issue 13's list. */
const CASES: Record<Phase, IntentFacts> = {
  submitted: { ...base, intentPullRequest: intentPr('open') },
  queued: merged,
  spec_generation: { ...merged, specRun: specRun('running', ['spec_generation']) },
  spec_verification: { ...merged, specRun: specRun('running', ['spec_generation', 'spec_verification']) },
  spec_optimization: {
    ...merged,
    specRun: specRun('running', ['spec_generation', 'spec_verification', 'spec_optimization']),
  },
  awaiting_review: { ...merged, specPullRequest: specPr('open'), gate: gate('success', 94) },
  needs_human_review: {
    ...merged,
    specPullRequest: specPr('open', ['needs-human-review']),
    gate: gate('failure', 71),
  },
  building: { ...reviewed, builds: [build('in_progress', null)] },
  deploying: { ...built, deployments: [deployment('in_progress')] },
  live: { ...built, deployments: [deployment('success')] },
  failed: { ...built, deployments: [deployment('failure')] },
};

describe('derivePhase', () => {
  it.each(PHASES.map((p) => [p]))('reaches %s', (phase) => {
    const result = derivePhase(CASES[phase], NOW);
    expect(result.phase).toBe(phase);
    expect(result.history.at(-1)!.phase).toBe(phase);
  });

  it('lists the history in the line order for a journey to live, with the score', () => {
    const result = derivePhase(
      { ...CASES.live, specRun: specRun('running', ['spec_generation', 'spec_verification']) },
      NOW,
    );
    // A spec run still marked running in the ledger is outranked by the deployment that followed.
    const order = result.history.map((e) => PHASES.indexOf(e.phase));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(result.history.map((e) => e.phase)).toEqual([
      'submitted',
      'queued',
      'spec_generation',
      'spec_verification',
      'awaiting_review',
      'building',
      'deploying',
      'live',
    ]);
    expect(result.score).toBe(94);
    expect(result.updatedAt).toBe(t(30));
  });

  it('says why it failed or needs a person', () => {
    expect(derivePhase(CASES.failed, NOW).reason).toBe('deploy: health check failed');
    expect(derivePhase(CASES.needs_human_review, NOW).reason).toContain('score 71');
    expect(derivePhase({ ...reviewed, builds: [build('completed', 'failure')] }, NOW)).toMatchObject({
      phase: 'failed',
      reason: 'build: workflow run failure',
    });
    expect(derivePhase({ ...merged, specRun: specRun('failed', ['spec_generation']) }, NOW)).toMatchObject({
      phase: 'failed',
      reason: 'SPEC line: the model API answered 529',
    });
    expect(derivePhase({ ...base, intentPullRequest: intentPr('closed') }, NOW)).toMatchObject({
      phase: 'failed',
      reason: 'intent pull request #1 was closed without merging',
    });
    expect(derivePhase(CASES.live, NOW).reason).toBeUndefined();
  });

  it('reads a workflow run one way: skipped or neutral built nothing, waiting for a person is still building', () => {
    const later = (conclusion: string | null, status = 'completed') => ({
      ...build(status, conclusion),
      createdAt: t(40),
      updatedAt: t(45),
    });
    for (const conclusion of ['skipped', 'neutral', 'stale']) {
      const facts = { ...reviewed, builds: [build('completed', 'success'), later(conclusion)] };
      expect(derivePhase(facts, NOW).phase).toBe('deploying');
      expect(derivePhase(facts, NOW).history.map((e) => e.phase)).not.toContain('failed');
    }
    expect(derivePhase({ ...reviewed, builds: [later('skipped')] }, NOW).phase).toBe(
      derivePhase(reviewed, NOW).phase,
    );
    expect(derivePhase({ ...reviewed, builds: [later('action_required')] }, NOW).phase).toBe('building');
    for (const conclusion of ['failure', 'timed_out', 'cancelled', 'startup_failure']) {
      const result = derivePhase({ ...reviewed, builds: [later(conclusion)] }, NOW);
      expect(result).toMatchObject({ phase: 'failed', reason: `build: workflow run ${conclusion}` });
      expect(result.history.at(-1)).toMatchObject({ phase: 'failed', detail: `build ${conclusion}` });
    }
  });

  it('a redeploy after a failed one is judged by the newest deployment; a new build outranks an old deploy', () => {
    const again = {
      ...CASES.failed,
      deployments: [deployment('failure'), { ...deployment('success'), createdAt: t(40), updatedAt: t(41) }],
    };
    expect(derivePhase(again, NOW).phase).toBe('live');
    const rebuilt = {
      ...CASES.live,
      builds: [...CASES.live.builds, { ...build('in_progress', null), createdAt: t(50) }],
    };
    expect(derivePhase(rebuilt, NOW).phase).toBe('building');
  });

  it('a merged SPEC waits for the build, or for a person when auto_build is false', () => {
    expect(derivePhase(reviewed, NOW).phase).toBe('building');
    expect(derivePhase({ ...reviewed, autoBuild: false }, NOW).phase).toBe('awaiting_review');
    expect(derivePhase({ ...merged, storedSpec: { current: true, score: 90 } }, NOW)).toMatchObject({
      phase: 'building',
      score: 90,
    });
  });
});

describe('scoreFromText', () => {
  it('reads the gate title and a summary', () => {
    expect(scoreFromText('a: score 94/100, passes the gate (85)')).toBe(94);
    expect(scoreFromText(undefined, 'Scored 77/100')).toBe(77);
    expect(scoreFromText('no figure here')).toBeUndefined();
  });
});
