import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { readLedger } from '../../core/ledger/reader.js';
import { BotBed, intentYaml, settle, specPulls } from '../helpers/bot.js';

const bed = new BotBed();
const dirs: string[] = [];
afterEach(async () => {
  await bed.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The bot on the double with a ledger directory the test reads (and removes). */
async function start() {
  const ledgerDir = mkdtempSync(join(tmpdir(), 'assembly-line-spec-ledger-'));
  dirs.push(ledgerDir);
  const { double, bot } = await bed.start({ env: { ASSEMBLY_LINE_LEDGER_DIR: ledgerDir } });
  const specRuns = () =>
    readLedger(join(ledgerDir, 'octo-org', 'demo')).records.filter((r) => r.kind === 'spec');
  return { double, bot, specRuns };
}

describe("the bot's ledger records a SPEC run once its files are on GitHub", () => {
  it('finishes the run succeeded only after the commit and the pull request are written', async () => {
    const { double, bot, specRuns } = await start();
    await double
      .person('alice')
      .push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port: 8341 }) } });
    await settle(double, bot);
    expect(specPulls(double)).toHaveLength(1);
    const runs = specRuns();
    expect(runs).toHaveLength(1);
    expect(['succeeded', 'needs-human-review']).toContain(runs[0]!.outcome);
    expect(runs[0]!.error).toBeUndefined();
  });

  it.each([
    ['the pull request cannot be opened', /^POST \/repos\/\{owner\}\/\{repo\}\/pulls$/, 8342],
    ['the SPEC commit cannot be written', /^POST \/repos\/\{owner\}\/\{repo\}\/git\/commits$/, 8343],
  ])('records failed with the reason when %s', async (_what, match, port) => {
    const { double, bot, specRuns } = await start();
    // Enough failures that every attempt in this test fails, whatever the client retries.
    double.faults.badGateway({ match, times: 20 });
    await double.person('alice').push({ files: { 'intents/ledger.yaml': intentYaml('ledger', { port }) } });
    await settle(double, bot);
    expect(double.faults.fired.length).toBeGreaterThan(0);
    expect(specPulls(double)).toHaveLength(0);
    const runs = specRuns();
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      expect(run.outcome).toBe('failed');
      expect(run.error).toMatch(/^writing the SPEC failed: .*Server Error/);
    }
  });
});
