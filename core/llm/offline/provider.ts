import {
  type CodeRequest,
  type FileMap,
  type ImproveSpecRequest,
  type LlmProvider,
  type LlmResult,
  type SpecRequest,
  type TestRequest,
  zeroUsage,
} from '../../ports/index.js';
import { generateServiceOffline } from './service/codegen.js';
import { generateTestsOffline } from './service/testgen.js';
import { improveSpecOffline, writeSpecOffline } from './spec/writer.js';

export const OFFLINE_MODEL = 'offline-deterministic-1';

/**
 * The embedded default: deterministic generators in place of a model, no network, no key, no cost.
 * The same intent always gives the same SPEC and the same service.
 */
export class OfflineProvider implements LlmProvider {
  readonly name = 'offline';

  private timed<T>(work: () => T): Promise<LlmResult<T>> {
    const started = performance.now();
    const value = work();
    return Promise.resolve({
      value,
      usage: zeroUsage(this.name, OFFLINE_MODEL, performance.now() - started),
    });
  }

  writeSpec({ intent }: SpecRequest) {
    return this.timed(() => writeSpecOffline(intent));
  }

  improveSpec({ intent, spec, findings }: ImproveSpecRequest) {
    return this.timed(() => improveSpecOffline(intent, spec, findings));
  }

  writeCode({ intent, spec }: CodeRequest): Promise<LlmResult<FileMap>> {
    return this.timed(() => generateServiceOffline(intent, spec));
  }

  writeTests({ intent, spec, code }: TestRequest): Promise<LlmResult<FileMap>> {
    return this.timed(() => generateTestsOffline(intent, spec, code));
  }
}
