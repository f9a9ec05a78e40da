/**
 * Claude API list prices in USD per million tokens (platform.claude.com/docs/en/about-claude/pricing).
 * Cache writes are the 5-minute kind (1.25 × input), cache reads 0.1 × input. Prices above 200K input
 * tokens per request are not modelled: the pipeline's prompts stay far below that.
 */
/** The model the anthropic provider uses unless ASSEMBLY_LINE_MODEL names another. */
export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-6';

export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  cacheWritePerMTok: number;
  cacheReadPerMTok: number;
  /**
   * The shortest prefix the API caches for this model, in tokens: a shorter one is billed as plain
   * input, with no cache write and nothing to read later (the prompt-caching documentation's table).
   */
  minCacheTokens: number;
}

function price(inputPerMTok: number, outputPerMTok: number, minCacheTokens: number): ModelPrice {
  return {
    inputPerMTok,
    outputPerMTok,
    cacheWritePerMTok: inputPerMTok * 1.25,
    cacheReadPerMTok: inputPerMTok * 0.1,
    minCacheTokens,
  };
}

const OPUS_4_0 = price(15, 75, 1024);
// Opus 4.5 and 4.6 cache from 4,096 tokens; newer Opus rows reuse it, the larger minimum erring high.
const OPUS_4_5 = price(5, 25, 4096);
const SONNET = price(3, 15, 1024);
const HAIKU_4_5 = price(1, 5, 4096);
const HAIKU_3_5 = price(0.8, 4, 2048);

/** Model ids and aliases, without the date suffix (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`). */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-4': OPUS_4_0,
  'claude-opus-4-0': OPUS_4_0,
  'claude-opus-4-1': OPUS_4_0,
  'claude-opus-4-5': OPUS_4_5,
  'claude-opus-4-6': OPUS_4_5,
  'claude-opus-4-7': OPUS_4_5,
  'claude-opus-4-8': OPUS_4_5,
  'claude-opus-5': OPUS_4_5,
  'claude-sonnet-4': SONNET,
  'claude-sonnet-4-0': SONNET,
  'claude-sonnet-4-5': SONNET,
  'claude-sonnet-4-6': SONNET,
  'claude-3-7-sonnet': SONNET,
  'claude-haiku-4-5': HAIKU_4_5,
  'claude-3-5-haiku': HAIKU_3_5,
};

/**
 * For a model missing from the table: the newest known price of its family (so an unknown Opus is not
 * priced as a Sonnet), or the Sonnet row.
 */
const FAMILY_FALLBACK: ReadonlyArray<[RegExp, ModelPrice]> = [
  [/opus/, OPUS_4_5],
  [/haiku/, HAIKU_4_5],
];

export interface PriceLookup {
  price: ModelPrice;
  /** false when the model is not in the table and a fallback row priced it: the cost is an estimate. */
  known: boolean;
}

export function priceFor(model: string): PriceLookup {
  const id = model
    .trim()
    .toLowerCase()
    .replace(/-(\d{8}|latest)$/, '');
  const listed = MODEL_PRICES[id];
  if (listed) return { price: listed, known: true };
  const family = FAMILY_FALLBACK.find(([pattern]) => pattern.test(id));
  return { price: family ? family[1] : SONNET, known: false };
}

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

export function costUsd(model: string, tokens: TokenCounts): { costUsd: number; priceKnown: boolean } {
  const { price: p, known } = priceFor(model);
  const micro =
    tokens.inputTokens * p.inputPerMTok +
    tokens.outputTokens * p.outputPerMTok +
    tokens.cacheWriteTokens * p.cacheWritePerMTok +
    tokens.cacheReadTokens * p.cacheReadPerMTok;
  return { costUsd: micro / 1_000_000, priceKnown: known };
}
