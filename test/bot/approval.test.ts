import { afterEach, describe, expect, it } from '@jest/globals';
import { OfflineProvider } from '../../core/llm/offline/provider.js';
import type { ImproveSpecRequest, LlmProvider, SpecRequest } from '../../core/ports/index.js';
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

/** Writes a SPEC the gate can never pass, however often it is asked to improve it. */
class PoorSpecProvider extends OfflineProvider implements LlmProvider {
  override readonly name = 'offline';
  readonly calls: string[] = [];
  override async writeSpec(request: SpecRequest) {
    this.calls.push('writeSpec');
    const result = await super.writeSpec(request);
    return { ...result, value: '# SPEC\n\n## Purpose & Scope\n\nTBD\n' };
  }
  override async improveSpec(request: ImproveSpecRequest) {
    this.calls.push('improveSpec');
    const result = await super.improveSpec(request);
    return { ...result, value: `${request.spec}\nTODO: more\n` };
  }
}

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
