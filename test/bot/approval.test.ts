import { afterEach, describe, expect, it } from '@jest/globals';
import {
  assertBotCallsValid,
  BotBed,
  fileAt,
  gateRuns,
  intentYaml,
  settle,
  specPulls,
} from '../helpers/bot.js';
import { PoorSpecProvider } from '../helpers/providers.js';

const bed = new BotBed();
afterEach(() => bed.stop());

describe('approval modes', () => {
  it('checkpoints: merges only once a writer approved the head commit, and a request for changes blocks', async () => {
    const { double, bot } = await bed.start();
    await double.person('alice').push({
      files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8341, approval: 'checkpoints' }) },
    });
    await settle(double, bot);
    const [pr] = specPulls(double);
    expect(gateRuns(double, pr!.pull!.head.sha)[0]!.conclusion).toBe('success');
    expect(pr!.state).toBe('open');

    const review = async (login: string, role: 'read' | 'write', event: 'APPROVE' | 'REQUEST_CHANGES') => {
      await double.person(login, role).review(pr!.number, event);
      await settle(double, bot);
      return specPulls(double)[0]!;
    };
    expect((await review('eve', 'read', 'APPROVE')).pull!.merged).toBe(false);
    expect((await review('dave', 'write', 'REQUEST_CHANGES')).pull!.merged).toBe(false);
    expect((await review('carol', 'write', 'APPROVE')).pull!.merged).toBe(false);
    const merged = await review('dave', 'write', 'APPROVE');
    expect(merged.pull!.merged).toBe(true);
    expect(await fileAt(double, double.repo.defaultBranch, 'specs/ledger/SPEC.md')).toBeDefined();
    assertBotCallsValid(double);
  }, 300_000);

  it('checkpoints: an approval counts only for the commit it saw; after a new commit nothing merges until a writer approves again', async () => {
    const { double, bot } = await bed.start();
    await double.person('alice').push({
      files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8343, approval: 'checkpoints' }) },
    });
    await settle(double, bot);
    const [pr] = specPulls(double);
    const branch = pr!.pull!.head.ref;
    const botSpec = (await fileAt(double, pr!.pull!.head.sha, 'specs/ledger/SPEC.md'))!;
    const bob = double.person('bob');
    const carol = double.person('carol');

    // Bob's draft fails the gate; Carol approves it anyway: the gate holds the merge.
    const draft = await bob.push({ branch, files: { 'specs/ledger/SPEC.md': '# SPEC\n\nTBD\n' } });
    await settle(double, bot);
    expect(gateRuns(double, draft)[0]!.conclusion).toBe('failure');
    await carol.review(pr!.number, 'APPROVE');
    await settle(double, bot);
    expect(specPulls(double)[0]!.pull!.merged).toBe(false);

    // Bob's next commit passes the gate, but Carol approved the draft, not this commit.
    const fixed = await bob.push({ branch, files: { 'specs/ledger/SPEC.md': botSpec } });
    await settle(double, bot);
    expect(gateRuns(double, fixed)[0]!.conclusion).toBe('success');
    let now = specPulls(double)[0]!;
    expect(now.pull!.head.sha).toBe(fixed);
    expect(now.pull!.merged).toBe(false);
    expect(now.state).toBe('open');

    await carol.review(pr!.number, 'APPROVE');
    await settle(double, bot);
    now = specPulls(double)[0]!;
    expect(now.pull!.merged).toBe(true);
    expect(await fileAt(double, double.repo.defaultBranch, 'specs/ledger/SPEC.md')).toBe(botSpec);
    assertBotCallsValid(double);
  }, 300_000);

  it('a gate still failing after 3 optimization cycles is labelled needs-human-review and never merges', async () => {
    const provider = new PoorSpecProvider();
    const { double, bot } = await bed.start({ provider });
    await double.person('alice').push({
      files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8342, approval: 'auto' }) },
    });
    await settle(double, bot);
    const [pr] = specPulls(double);
    expect(provider.calls).toEqual(['writeSpec', 'improveSpec', 'improveSpec', 'improveSpec']);
    expect([...pr!.labels].sort()).toEqual(['assembly-line', 'needs-human-review', 'priority:medium']);
    expect(pr!.state).toBe('open');
    expect(pr!.pull!.merged).toBe(false);
    expect(gateRuns(double, pr!.pull!.head.sha)[0]!.conclusion).toBe('failure');
    const record = JSON.parse((await fileAt(double, pr!.pull!.head.sha, 'specs/ledger/verification.json'))!);
    expect(record.status).toBe('needs-human-review');
    expect(record.score_history).toHaveLength(4);
    assertBotCallsValid(double);
  }, 300_000);
});
