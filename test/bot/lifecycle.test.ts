import { afterEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { intentHash } from '../../core/hash.js';
import { IntentSchema } from '../../core/intent/schema.js';
import { parseMarker } from '../../core/reconcile/marker.js';
import {
  assertBotCallsValid,
  BotBed,
  fileAt,
  gateRuns,
  intentYaml,
  settle,
  specPulls,
} from '../helpers/bot.js';

const bed = new BotBed();
afterEach(() => bed.stop());

const hashOf = (yaml: string) => intentHash(IntentSchema.parse(parse(yaml)));
const markerOf = (body: string | null) => {
  const reading = parseMarker(body ?? '');
  if (!reading.found) throw new Error(reading.problem);
  return reading.marker;
};

describe('an intent over its life', () => {
  it('makes one pull request of two pushes 100 ms apart, with the latest content, and updates it in place on a change', async () => {
    const { double, bot } = await bed.start();
    const alice = double.person('alice');
    const first = intentYaml('ledger', { port: 8321, purpose: 'Keeps the ledger of the team' });
    const second = intentYaml('ledger', { port: 8321, purpose: 'Keeps the ledger of the whole company' });

    double.webhooks.autoDeliver = false;
    await alice.push({ files: { 'intents/ledger.yaml': first } });
    await alice.push({ files: { 'intents/ledger.yaml': second } });
    const pushes = double.webhooks.of('push').slice(-2);
    double.webhooks.autoDeliver = true;
    const answers = await double.webhooks.sendSpaced(pushes, 100);
    expect(answers.map((d) => d.status)).toEqual([200, 200]);
    await settle(double, bot);

    let pulls = specPulls(double);
    expect(pulls).toHaveLength(1);
    const pr = pulls[0]!;
    expect(markerOf(pr.body).intent_hash).toBe(hashOf(second));
    const record = JSON.parse((await fileAt(double, pr.pull!.head.sha, 'specs/ledger/verification.json'))!);
    expect(record.intent_hash).toBe(hashOf(second));

    // A changed intent rewrites the same pull request: one commit on the new base, no second PR.
    const third = intentYaml('ledger', { port: 8322, purpose: 'Keeps the ledger of the whole company' });
    const base = await alice.push({ files: { 'intents/ledger.yaml': third } });
    await settle(double, bot);
    pulls = specPulls(double);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.number).toBe(pr.number);
    expect(pulls[0]!.state).toBe('open');
    expect(markerOf(pulls[0]!.body).intent_hash).toBe(hashOf(third));
    const head = pulls[0]!.pull!.head.sha;
    expect((await double.repo.store.readCommit(head)).parents).toEqual([base]);
    expect(await fileAt(double, head, 'specs/ledger/SPEC.md')).toContain('8322');
    expect(gateRuns(double, head)).toHaveLength(1);
    assertBotCallsValid(double);
  }, 300_000);

  it("re-verifies a person's edit and never overwrites it; closes the pull request of a removed intent", async () => {
    const { double, bot } = await bed.start();
    const alice = double.person('alice');
    const bob = double.person('bob');
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8331 }) } });
    await settle(double, bot);
    const [pr] = specPulls(double);
    const branch = pr!.pull!.head.ref;
    const botSpec = (await fileAt(double, pr!.pull!.head.sha, 'specs/ledger/SPEC.md'))!;

    // Bob adds a placeholder: the verifier marks it down, and the bot reports it on Bob's commit.
    const edited = `${botSpec}\n## Notes\n\nTBD\n`;
    const bobsHead = await bob.push({ branch, files: { 'specs/ledger/SPEC.md': edited } });
    await settle(double, bot);
    const runs = gateRuns(double, bobsHead);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.output.summary).toContain("a person's SPEC");
    const tbdLine = edited.split('\n').indexOf('TBD') + 1;
    expect(runs[0]!.annotations.some((a) => a.start_line === tbdLine)).toBe(true);
    expect(await double.repo.store.resolveRef(`refs/heads/${branch}`)).toBe(bobsHead);

    // The intent changes: the bot leaves Bob's SPEC alone.
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8332 }) } });
    await settle(double, bot);
    expect(await double.repo.store.resolveRef(`refs/heads/${branch}`)).toBe(bobsHead);
    expect(specPulls(double)).toHaveLength(1);

    // The intent goes: its pull request is closed, with a comment saying why.
    await alice.push({ files: { 'intents/ledger.yaml': null } });
    await settle(double, bot);
    const closed = specPulls(double)[0]!;
    expect(closed.state).toBe('closed');
    expect(closed.pull!.merged).toBe(false);
    expect(closed.comments.at(-1)!.body).toContain('was removed');
    assertBotCallsValid(double);
  }, 300_000);
});
