import { afterEach, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { IntentSchema } from '../../core/intent/schema.js';
import { verifySpec } from '../../core/spec/verifier/index.js';
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

const INTENTS = {
  'intents/ledger.yaml': intentYaml('ledger', { priority: 'low', port: 8301 }),
  'intents/payments.yaml': intentYaml('payments', { priority: 'critical', port: 8302 }),
  'intents/search.yaml': intentYaml('search', { priority: 'high', port: 8303 }),
};

describe('the bot against the GitHub double, through its real HTTP server', () => {
  it('turns a push of three intents into three SPEC pull requests, in priority order, with checks and labels', async () => {
    const { double, bot } = await bed.start();
    const alice = double.person('alice');
    await alice.push({ files: INTENTS, message: 'Add three intents' });
    await settle(double, bot);

    const pulls = specPulls(double);
    expect(pulls.map((p) => p.title)).toEqual(['spec: payments', 'spec: search', 'spec: ledger']);
    for (const pr of pulls) {
      const name = pr.title.replace('spec: ', '');
      const intent = IntentSchema.parse(parse(INTENTS[`intents/${name}.yaml` as keyof typeof INTENTS]));
      expect(pr.state).toBe('open');
      expect(pr.pull!.head.ref).toBe(`assembly-line/spec/${name}`);
      expect(pr.body).toMatch(
        /<!-- assembly-line: \{"v":1,"intent":"[a-z-]+","intent_hash":"[0-9a-f]{64}","spec_hash":"[0-9a-f]{64}"\} -->/,
      );
      expect(pr.body).toContain('| rule | weight | earned | findings |');
      expect(pr.body).toContain('**Model cost:**');
      expect([...pr.labels].sort()).toEqual(['assembly-line', `priority:${intent.priority}`]);

      // One commit on the base, holding the SPEC and its verification record.
      const head = pr.pull!.head.sha;
      const commit = await double.repo.store.readCommit(head);
      expect(commit.parents).toEqual([pr.pull!.base.sha]);
      const spec = await fileAt(double, head, `specs/${name}/SPEC.md`);
      const record = JSON.parse((await fileAt(double, head, `specs/${name}/verification.json`))!);
      expect(spec).toBeDefined();
      expect(record.service).toBe(name);

      // The gate's check run: one, on the head, with every finding at the line the verifier names.
      const runs = gateRuns(double, head);
      expect(runs).toHaveLength(1);
      const verification = verifySpec(spec!, intent);
      expect(runs[0]!.conclusion).toBe(verification.passed ? 'success' : 'failure');
      const expected = verification.rules
        .flatMap((r) => r.findings.map((f) => `${r.title}@${f.line}`))
        .sort();
      const got = runs[0]!.annotations.map((a) => `${a.title}@${a.start_line}`).sort();
      expect(got).toEqual(expected);
      for (const a of runs[0]!.annotations) expect(a.path).toBe(`specs/${name}/SPEC.md`);
    }
    expect(bot.bot.scheduler.started.map((s) => s.split('#')[1])).toEqual(['payments', 'search', 'ledger']);
    assertBotCallsValid(double);
  }, 240_000);
});
