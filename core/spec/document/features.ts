import { type Prepared, prepare, significantTokens, tokenCoverage } from '../verifier/text.js';

/**
 * How well an endpoint's feature text names a key feature: 2 for the same text, 1.5 when it contains
 * it, else the smaller share of each side's words found in the other; 0 when either share is below
 * what naming takes (60% of the feature's words, 50% of the label's).
 */
function featureMatch(
  label: Prepared,
  labelTokens: readonly string[],
  feature: Prepared,
  featureTokens: readonly string[],
): number {
  if (label.normalized !== '' && label.normalized === feature.normalized) return 2;
  const contains = feature.normalized !== '' && label.normalized.includes(feature.normalized);
  if (contains) return 1.5;
  const forward = tokenCoverage(featureTokens, label.tokens);
  const backward = tokenCoverage(labelTokens, feature.tokens);
  return forward < 0.6 || backward < 0.5 ? 0 : Math.min(forward, backward);
}

/**
 * For each endpoint's feature text, the indexes of the key features it serves: those it names best.
 * "Resolve short links" shares two of three words with "Create short links" but serves only the one
 * it names. The verifier traces features with it and the code generator decides which key features
 * still need a route, so both agree on what an endpoint serves.
 */
export function servedFeatures(
  labels: readonly (string | undefined)[],
  features: readonly string[],
): Set<number>[] {
  const prepared = features.map((f) => ({ p: prepare(f), tokens: significantTokens(f) }));
  return labels.map((label) => {
    if (!label) return new Set<number>();
    const own = prepare(label);
    const ownTokens = significantTokens(label);
    const scores = prepared.map((f) => featureMatch(own, ownTokens, f.p, f.tokens));
    const best = Math.max(0, ...scores);
    return new Set(best > 0 ? scores.flatMap((s, i) => (s === best ? [i] : [])) : []);
  });
}
