import { AnthropicProvider, anthropicConfigFromEnv } from './anthropic.js';
import { OfflineProvider } from './offline.js';
import type { LlmProvider } from './provider.js';

export interface ProviderChoice {
  provider: LlmProvider;
  /** Why this provider, for the progress output. */
  reason: string;
}

/**
 * The provider for this run: ASSEMBLY_LINE_PROVIDER when set (offline | anthropic), otherwise
 * anthropic when ANTHROPIC_API_KEY is set and offline when it is not. Usage is recorded by the
 * pipeline from each call's result, so the provider gets no usage callback of its own.
 */
export function selectProvider(env: Record<string, string | undefined>): ProviderChoice {
  const wanted = env.ASSEMBLY_LINE_PROVIDER?.trim().toLowerCase();
  if (wanted && wanted !== 'offline' && wanted !== 'anthropic') {
    throw new Error(
      `ASSEMBLY_LINE_PROVIDER must be offline or anthropic, not '${env.ASSEMBLY_LINE_PROVIDER}'`,
    );
  }
  const hasKey = Boolean(env.ANTHROPIC_API_KEY?.trim());
  if (wanted === 'offline' || (!wanted && !hasKey)) {
    return {
      provider: new OfflineProvider(),
      reason: wanted ? 'ASSEMBLY_LINE_PROVIDER=offline' : 'ANTHROPIC_API_KEY is not set',
    };
  }
  if (!hasKey) throw new Error('ASSEMBLY_LINE_PROVIDER=anthropic needs ANTHROPIC_API_KEY to be set');
  const config = anthropicConfigFromEnv(env);
  return { provider: new AnthropicProvider(config), reason: `model ${config.model}` };
}
