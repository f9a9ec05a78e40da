import { afterEach, describe, expect, it } from '@jest/globals';
import { signature256 } from '../github/webhooks.js';
import {
  assertBotCallsValid,
  BotBed,
  intentYaml,
  settle,
  specPulls,
  WEBHOOK_SECRET,
} from '../helpers/bot.js';

const bed = new BotBed();
afterEach(() => bed.stop());

describe('replays and signatures', () => {
  it('makes no call at all for a redelivered push, and no write for a push that changes nothing', async () => {
    const { double, bot } = await bed.start();
    const alice = double.person('alice');
    await alice.push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8311 }) } });
    await settle(double, bot);
    expect(specPulls(double)).toHaveLength(1);

    const push = double.webhooks
      .of('push')
      .find((d) => d.payload.sender && (d.payload.sender as { login: string }).login === 'alice')!;
    const mark = double.counters.mark();
    const again = await double.webhooks.replay(push);
    expect(again.status).toBe(200);
    await settle(double, bot);
    expect(double.counters.since(mark)).toMatchObject({ reads: 0, writes: 0 });

    // The same intent in other words (a comment) is a new delivery: the bot looks, and writes nothing.
    const mark2 = double.counters.mark();
    await alice.push({
      files: { 'intents/ledger.yaml': `# the team's ledger\n${intentYaml('ledger', { port: 8311 })}` },
    });
    await settle(double, bot);
    const tally = double.counters.since(mark2);
    expect(tally.writes).toBe(0);
    expect(tally.reads).toBeGreaterThan(0);
    expect(specPulls(double)).toHaveLength(1);
    assertBotCallsValid(double);
  }, 240_000);

  it('refuses unsigned and wrongly signed deliveries with 4xx and does nothing for them', async () => {
    const { double, bot } = await bed.start({
      files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8312 }) },
    });
    await settle(double, bot);
    const mark = double.counters.mark();
    const before = specPulls(double).length;
    const url = double.webhooks.target!.url;
    const payload = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'f'.repeat(40),
      commits: [],
      repository: {
        name: 'demo',
        full_name: 'octo-org/demo',
        owner: { login: 'octo-org' },
        default_branch: 'main',
      },
      installation: { id: double.installation.id },
      sender: { login: 'mallory', type: 'User' },
    });
    const send = (headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers },
        body: payload,
      });
    const unsigned = await send({ 'x-github-delivery': 'unsigned-1' });
    const wrongSecret = await send({
      'x-github-delivery': 'forged-1',
      'x-hub-signature-256': signature256('not-the-secret', payload),
    });
    const tampered = await send({
      'x-github-delivery': 'tampered-1',
      'x-hub-signature-256': signature256(WEBHOOK_SECRET, payload.replace('mallory', 'alice')),
    });
    for (const response of [unsigned, wrongSecret, tampered]) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    await settle(double, bot);
    expect(double.counters.since(mark)).toMatchObject({ reads: 0, writes: 0 });
    expect(specPulls(double)).toHaveLength(before);
  }, 240_000);
});
