import { OfflineProvider } from '../../core/llm/offline/provider.js';
import type { ImproveSpecRequest, LlmProvider, LlmResult, SpecRequest } from '../../core/ports/index.js';
import { zeroUsage } from '../../core/ports/index.js';

/** The offline provider, counting the calls made to it: proves when a step spends no model call. */
export class CountingProvider implements LlmProvider {
  readonly name = 'counting-offline';
  readonly calls: string[] = [];
  private readonly inner = new OfflineProvider();

  writeSpec(request: Parameters<LlmProvider['writeSpec']>[0]) {
    this.calls.push('writeSpec');
    return this.inner.writeSpec(request);
  }
  improveSpec(request: ImproveSpecRequest) {
    this.calls.push('improveSpec');
    return this.inner.improveSpec(request);
  }
  writeCode(request: Parameters<LlmProvider['writeCode']>[0]) {
    this.calls.push('writeCode');
    return this.inner.writeCode(request);
  }
  writeTests(request: Parameters<LlmProvider['writeTests']>[0]) {
    this.calls.push('writeTests');
    return this.inner.writeTests(request);
  }
}

/** A provider whose SPEC drafts are scripted: draft i of the run is `drafts[i]`. */
export class ScriptedSpecProvider implements LlmProvider {
  readonly name = 'scripted';
  readonly improveRequests: ImproveSpecRequest[] = [];
  private index = 0;
  constructor(private readonly drafts: string[]) {}

  private next(): Promise<LlmResult<string>> {
    const draft = this.drafts[Math.min(this.index, this.drafts.length - 1)]!;
    this.index++;
    return Promise.resolve({
      value: draft,
      usage: { ...zeroUsage('scripted', 'script-1'), inputTokens: 100, outputTokens: 50, costUsd: 0.001 },
    });
  }
  writeSpec() {
    return this.next();
  }
  improveSpec(request: ImproveSpecRequest) {
    this.improveRequests.push(request);
    return this.next();
  }
  writeCode(): never {
    throw new Error('not used');
  }
  writeTests(): never {
    throw new Error('not used');
  }
}

/**
 * The offline provider, except that every SPEC draft waits until the test calls `release()`: a SPEC
 * generation that stays running, so the line has an active pipeline and a queue to look at.
 */
export class GatedProvider implements LlmProvider {
  readonly name = 'gated-offline';
  private readonly inner = new OfflineProvider();
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => {
    this.open = resolve;
  });
  private called!: () => void;
  /** Resolves when the first SPEC draft has been asked for. */
  readonly firstCall = new Promise<void>((resolve) => {
    this.called = resolve;
  });

  release(): void {
    this.open();
  }
  async writeSpec(request: Parameters<LlmProvider['writeSpec']>[0]) {
    this.called();
    await this.gate;
    return this.inner.writeSpec(request);
  }
  improveSpec(request: ImproveSpecRequest) {
    return this.inner.improveSpec(request);
  }
  writeCode(request: Parameters<LlmProvider['writeCode']>[0]) {
    return this.inner.writeCode(request);
  }
  writeTests(request: Parameters<LlmProvider['writeTests']>[0]) {
    return this.inner.writeTests(request);
  }
}

/**
 * The offline provider, except that while `poor` its SPECs never pass the gate, however often it is
 * asked to improve them. Records its calls and what it was asked to improve.
 */
export class PoorSpecProvider extends OfflineProvider implements LlmProvider {
  override readonly name = 'offline';
  poor = true;
  readonly calls: string[] = [];
  readonly improveRequests: ImproveSpecRequest[] = [];
  override async writeSpec(request: SpecRequest) {
    this.calls.push('writeSpec');
    const result = await super.writeSpec(request);
    return this.poor ? { ...result, value: '# SPEC\n\n## Purpose & Scope\n\nTBD\n' } : result;
  }
  override async improveSpec(request: ImproveSpecRequest) {
    this.calls.push('improveSpec');
    this.improveRequests.push(request);
    const result = await super.improveSpec(request);
    return this.poor ? { ...result, value: `${request.spec}\nTODO: more\n` } : result;
  }
}
