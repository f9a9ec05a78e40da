import type { LlmProvider } from '../ports/index.js';
import { AnthropicProvider, anthropicConfigFromEnv } from './anthropic.js';
import { OfflineProvider } from './offline/provider.js';
import { providerKind } from './provider-kind.js';

export interface ProviderChoice {
  provider: LlmProvider;
  /** Why this provider, for the progress output. */
  reason: string;
}

/**
 * The provider for this run (see `providerKind`). Usage is recorded by the pipeline from each call's
 * result, so the provider gets no usage callback of its own.
 */
export function selectProvider(env: Record<string, string | undefined>): ProviderChoice {
  const { kind, reason } = providerKind(env);
  if (kind === 'offline') return { provider: new OfflineProvider(), reason };
  const config = anthropicConfigFromEnv(env);
  return { provider: new AnthropicProvider(config), reason: `model ${config.model}` };
}
