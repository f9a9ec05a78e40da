import { afterEach, describe, expect, it } from '@jest/globals';
import { assertBotCallsValid, BotBed, gateRuns, intentYaml, settle, specPulls } from '../helpers/bot.js';

const bed = new BotBed();
afterEach(() => bed.stop());

describe("GitHub's secondary rate limit", () => {
  it('is waited out (retry-after) and the write retried, so the pull request still opens once', async () => {
    const { double, bot } = await bed.start();
    // The first two attempts to open the pull request are refused as GitHub refuses them.
    double.faults.secondaryRateLimit({
      retryAfterSeconds: 1,
      times: 2,
      match: /^POST \/repos\/\{owner\}\/\{repo\}\/pulls$/,
    });
    await double
      .person('alice')
      .push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8381 }) } });
    await settle(double, bot);

    expect(double.faults.fired.map((f) => f.fault.kind)).toEqual([
      'secondary-rate-limit',
      'secondary-rate-limit',
    ]);
    const pulls = specPulls(double);
    expect(pulls).toHaveLength(1);
    expect(gateRuns(double, pulls[0]!.pull!.head.sha)).toHaveLength(1);
    const pacer = [...bot.bot.pacers.values()][0]!;
    expect(pacer.stats.retries).toBe(2);
    expect(pacer.stats.waitedMs).toBeGreaterThanOrEqual(2000);
    assertBotCallsValid(double);
  }, 300_000);
});
