import type { LlmProvider } from '../ports/index.js';
import { OfflineProvider } from './offline/provider.js';
import { providerKind } from './provider-kind.js';
import { describeRetry } from './retry.js';

export interface ProviderChoice {
  provider: LlmProvider;
  /** Why this provider, for the progress output. */
  reason: string;
}

/**
 * The provider for this run (see `providerKind`). Usage is recorded by the pipeline from each call's
 * result, so the provider gets no usage callback of its own. The Anthropic SDK is loaded only when the
 * anthropic provider is chosen: an offline run never pays for its import.
 */
export async function selectProvider(
  env: Record<string, string | undefined>,
  options: { onRetry?: (message: string) => void } = {},
): Promise<ProviderChoice> {
  const { kind, reason } = providerKind(env);
  if (kind === 'offline') return { provider: new OfflineProvider(), reason };
  const { AnthropicProvider, anthropicConfigFromEnv } = await import('./anthropic.js');
  const { onRetry } = options;
  // Each wait is said aloud: with the API down, a run would otherwise sit silent for 40 s.
  const config = anthropicConfigFromEnv(
    env,
    onRetry ? { onRetry: (notice) => onRetry(describeRetry(notice)) } : {},
  );
  return { provider: new AnthropicProvider(config), reason: `model ${config.model}` };
}
