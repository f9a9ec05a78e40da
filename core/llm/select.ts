import type { LlmProvider } from '../ports/index.js';
import { OfflineProvider } from './offline/provider.js';
import { providerKind } from './provider-kind.js';
import { describeRetry } from './retry.js';
import { formatUsd, SpendCap } from './spend-cap.js';

export interface ProviderChoice {
  provider: LlmProvider;
  /** Why this provider, for the progress output. */
  reason: string;
}

export interface ProviderOptions {
  onRetry?: (message: string) => void;
  /**
   * `--max-cost` / the Action's `max-cost-usd`: no model call may take the run past this many USD.
   * The offline provider spends nothing, so the cap only ever applies to the anthropic one.
   */
  maxCostUsd?: number;
}

/**
 * The provider for this run (see `providerKind`). Usage is recorded by the pipeline from each call's
 * result, so the provider gets no usage callback of its own. The Anthropic SDK is loaded only when the
 * anthropic provider is chosen: an offline run never pays for its import.
 */
export async function selectProvider(
  env: Record<string, string | undefined>,
  options: ProviderOptions = {},
): Promise<ProviderChoice> {
  const { kind, reason } = providerKind(env);
  if (kind === 'offline') return { provider: new OfflineProvider(), reason };
  const { AnthropicProvider, anthropicConfigFromEnv } = await import('./anthropic.js');
  const { onRetry, maxCostUsd } = options;
  const spendCap = maxCostUsd === undefined ? undefined : new SpendCap(maxCostUsd);
  // Each wait is said aloud: with the API down, a run would otherwise sit silent for 40 s.
  const config = anthropicConfigFromEnv(env, {
    ...(onRetry ? { onRetry: (notice) => onRetry(describeRetry(notice)) } : {}),
    ...(spendCap ? { spendCap } : {}),
  });
  const models = Object.entries(config.models ?? {}).map(([task, model]) => `${task} ${model}`);
  return {
    provider: new AnthropicProvider(config),
    reason:
      `model ${config.model}${models.length > 0 ? ` (${models.join(', ')})` : ''}` +
      (spendCap ? `, spend cap ${formatUsd(spendCap.capUsd)}` : ''),
  };
}
