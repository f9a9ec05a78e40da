export interface ProviderKind {
  kind: 'offline' | 'anthropic';
  reason: string;
}

/**
 * Which provider a run uses: ASSEMBLY_LINE_PROVIDER when set (offline | anthropic), otherwise
 * anthropic when ANTHROPIC_API_KEY is set and offline when it is not. Decided without building the
 * provider, so `plan` can say which one a run would use.
 */
export function providerKind(env: Record<string, string | undefined>): ProviderKind {
  const wanted = env.ASSEMBLY_LINE_PROVIDER?.trim().toLowerCase();
  if (wanted && wanted !== 'offline' && wanted !== 'anthropic') {
    throw new Error(
      `ASSEMBLY_LINE_PROVIDER must be offline or anthropic, not '${env.ASSEMBLY_LINE_PROVIDER}'`,
    );
  }
  const hasKey = Boolean(env.ANTHROPIC_API_KEY?.trim());
  if (wanted === 'offline' || (!wanted && !hasKey)) {
    return {
      kind: 'offline',
      reason: wanted ? 'ASSEMBLY_LINE_PROVIDER=offline' : 'ANTHROPIC_API_KEY is not set',
    };
  }
  if (!hasKey) throw new Error('ASSEMBLY_LINE_PROVIDER=anthropic needs ANTHROPIC_API_KEY to be set');
  return { kind: 'anthropic', reason: 'ANTHROPIC_API_KEY is set' };
}
