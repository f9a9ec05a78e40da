import { priceFor } from '../../core/llm/pricing.js';
import { CHARS_PER_TOKEN } from '../../core/llm/spend-cap.js';

/**
 * A model of the Messages API's prompt cache, so the fake API (and the cost benchmark) can bill a
 * request the way the API would, from the request itself rather than from scripted numbers:
 *
 * - the prompt is read as tools, then system blocks, then message blocks, in that order;
 * - a block with `cache_control` is a breakpoint: the prefix up to and including it is cached when it
 *   holds at least the model's minimum (`minCacheTokens` of its price row: 1,024 for Sonnet, 4,096
 *   for Haiku 4.5), or `minTokens` when one is given;
 * - a request reads the longest cached prefix that ends at one of its breakpoints, writes the rest of
 *   its breakpoint prefixes, and pays the plain input price for what follows the last breakpoint;
 * - a cache belongs to one model, and tool_choice is part of the message prefixes only (changing it
 *   leaves the tools and system cache valid, as the API documents).
 *
 * Tokens are counted at CHARS_PER_TOKEN characters per token, as the spend cap and the benchmark do.
 */

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

interface Block {
  text: string;
  breakpoint: boolean;
  /** Counted as tokens; false for the tool_choice marker, which keys the cache but is not prompt text. */
  counted: boolean;
}

type Json = Record<string, unknown>;

function blocksOf(body: Json): Block[] {
  const blocks: Block[] = [];
  for (const tool of (body.tools as Json[] | undefined) ?? []) {
    const { cache_control, ...definition } = tool;
    blocks.push({ text: JSON.stringify(definition), breakpoint: cache_control !== undefined, counted: true });
  }
  const system = body.system;
  if (typeof system === 'string') blocks.push({ text: system, breakpoint: false, counted: true });
  else
    for (const block of (system as Json[] | undefined) ?? [])
      blocks.push({
        text: String(block.text ?? ''),
        breakpoint: block.cache_control !== undefined,
        counted: true,
      });
  blocks.push({
    text: `tool_choice:${JSON.stringify(body.tool_choice ?? null)}`,
    breakpoint: false,
    counted: false,
  });
  for (const message of (body.messages as Json[] | undefined) ?? []) {
    const content = message.content;
    if (typeof content === 'string') blocks.push({ text: content, breakpoint: false, counted: true });
    else
      for (const block of (content as Json[] | undefined) ?? [])
        blocks.push({
          text: String(block.text ?? JSON.stringify(block)),
          breakpoint: block.cache_control !== undefined,
          counted: true,
        });
  }
  return blocks;
}

export class PromptCacheModel {
  private readonly cached = new Set<string>();

  constructor(
    private readonly minTokens?: number,
    private readonly charsPerToken = CHARS_PER_TOKEN,
  ) {}

  /** Bills one request and updates the cache as the API would. */
  usage(body: Json): CacheUsage {
    const blocks = blocksOf(body);
    // Prefix keys and token counts at each block's end.
    const keys: string[] = [];
    const tokensAt: number[] = [];
    let key = String(body.model);
    let chars = 0;
    for (const block of blocks) {
      key += `\u0000${block.text}`;
      if (block.counted) chars += block.text.length;
      keys.push(key);
      tokensAt.push(Math.ceil(chars / this.charsPerToken));
    }
    const total = tokensAt.at(-1) ?? 0;
    const breakpoints = blocks.flatMap((b, i) => (b.breakpoint ? [i] : []));
    const minTokens = this.minTokens ?? priceFor(String(body.model)).price.minCacheTokens;
    let hit = -1;
    for (const i of [...breakpoints].reverse())
      if (this.cached.has(keys[i]!)) {
        hit = i;
        break;
      }
    const read = hit >= 0 ? tokensAt[hit]! : 0;
    let covered = read;
    for (const i of breakpoints) {
      if (i <= hit || tokensAt[i]! < minTokens) continue;
      this.cached.add(keys[i]!);
      covered = tokensAt[i]!;
    }
    return {
      input_tokens: total - covered,
      cache_creation_input_tokens: covered - read,
      cache_read_input_tokens: read,
    };
  }
}
