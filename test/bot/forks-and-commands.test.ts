import { afterEach, describe, expect, it } from '@jest/globals';
import { VALIDATION_CHECK } from '../../bot/src/line/validation.js';
import { validateIntentRepository } from '../../core/intent/repository.js';
import { assertBotCallsValid, BotBed, intentYaml, settle, specPulls } from '../helpers/bot.js';
import { CountingProvider } from '../helpers/providers.js';

const bed = new BotBed();
afterEach(() => bed.stop());

const BROKEN = [
  'service_name: broken',
  'service_type: domain',
  'purpose: Something small',
  'key_features: []',
  'port: 80',
  '',
].join('\n');

describe('forks and slash commands', () => {
  it('checks a fork pull request with a broken intent at file:line:col, and calls no model', async () => {
    const provider = new CountingProvider();
    const { double, bot } = await bed.start({ provider });
    const mallory = double.person('mallory', 'read');
    const fork = await mallory.fork();
    await mallory.push({ repo: fork, branch: 'add-broken', files: { 'intents/broken.yaml': BROKEN } });
    const pr = await mallory.openPullRequest({ head: 'add-broken', fromFork: true });
    await settle(double, bot);

    const runs = double.repo.checkRuns.filter((r) => r.name === VALIDATION_CHECK);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.headSha).toBe(pr.pull!.head.sha);
    expect(runs[0]!.conclusion).toBe('failure');
    const expected = validateIntentRepository([
      { path: 'intents/broken.yaml', bytes: new TextEncoder().encode(BROKEN) },
    ]).flatMap((r) => r.errors);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]!.annotations.map((a) => `${a.path}:${a.start_line}:${a.start_column}`)).toEqual(
      expected.map((d) => `${d.path}:${d.line}:${d.col}`),
    );
    expect(runs[0]!.output.summary).toContain('What merging this pull request would do');
    expect(runs[0]!.externalId).toBe(String(pr.number));

    // "Re-run" in GitHub's UI on a run that says otherwise (as if written by an older bot): the same
    // run is judged again and edited in place, with no annotation sent twice and still no model call.
    const run = runs[0]!;
    const judged = { ...run.output, conclusion: run.conclusion, annotations: run.annotations.length };
    run.output.title = 'stale';
    run.output.summary = 'stale';
    run.conclusion = 'success';
    double.person('alice').rerequestCheckRun(run.id);
    await settle(double, bot);
    expect(double.repo.checkRuns.filter((r) => r.name === VALIDATION_CHECK).map((r) => r.id)).toEqual([
      run.id,
    ]);
    expect({ ...run.output, conclusion: run.conclusion, annotations: run.annotations.length }).toEqual(
      judged,
    );
    expect(provider.calls).toEqual([]);
    expect(specPulls(double)).toHaveLength(0);
    assertBotCallsValid(double);
  }, 300_000);

  it('runs slash commands for writers only: others get a polite refusal and nothing runs', async () => {
    const provider = new CountingProvider();
    const { double, bot } = await bed.start({ provider });
    const alice = double.person('alice');
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8351 }) } });
    await settle(double, bot);
    const [pr] = specPulls(double);
    const head = pr!.pull!.head.sha;
    const calls = provider.calls.length;

    const mallory = double.person('mallory', 'read');
    const asked = await mallory.comment(pr!.number, '/assembly-line regenerate');
    await settle(double, bot);
    let now = specPulls(double)[0]!;
    expect(now.pull!.head.sha).toBe(head);
    expect(provider.calls).toHaveLength(calls);
    expect(now.comments.at(-1)!.body).toContain('only people with write access');
    expect(now.comments.find((c) => c.id === asked.id)!.reactions).toEqual([]);

    const unknown = await alice.comment(pr!.number, '/assembly-line frobnicate');
    await settle(double, bot);
    now = specPulls(double)[0]!;
    expect(now.comments.at(-1)!.body).toContain("I don't know the command `frobnicate`");
    expect(now.comments.find((c) => c.id === unknown.id)!.reactions).toHaveLength(1);

    const regenerate = await alice.comment(pr!.number, '/assembly-line regenerate');
    await settle(double, bot);
    now = specPulls(double)[0]!;
    expect(now.comments.find((c) => c.id === regenerate.id)!.reactions.map((r) => r.content)).toEqual(['+1']);
    expect(provider.calls.length).toBeGreaterThan(calls);
    expect(now.pull!.head.sha).not.toBe(head);
    expect(specPulls(double)).toHaveLength(1);
    assertBotCallsValid(double);
  }, 300_000);
});
