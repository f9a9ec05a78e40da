import type { Intent } from '../../intent/schema.js';
import { type ApiEndpoint, isApiFieldLine, readSpec, type SpecModel } from '../document/index.js';
import { type MarkdownOutline, type MarkdownSection, splitLines } from '../markdown.js';
import type { SpecSection } from '../sections.js';
import { countWords, GLUE_WORDS, type Prepared, prepare, stripInlineCode, words } from './text.js';

export type LineKind = 'blank' | 'heading' | 'fence' | 'code' | 'table' | 'field' | 'prose';

export interface SpecLine {
  /** 1-based. */
  line: number;
  text: string;
  kind: LineKind;
  /** The line with text quoted from the intent (purpose, key features) blanked out. */
  own: string;
  /** Why the line reads as keyword stuffing, if it does. */
  stuffed?: string;
  words: number;
}

/**
 * A SPEC analysed once for all rules: lines classified, sections found, endpoints parsed. Rules only
 * read it, so the verifier walks the document a fixed number of times whatever the rule count.
 */
export interface SpecDocument {
  markdown: string;
  /** The SPEC read once: sections, endpoints, models, variables, requirements. */
  model: SpecModel;
  lines: SpecLine[];
  outline: MarkdownOutline;
  endpoints: ApiEndpoint[];
  /** Words on content lines that are not keyword stuffing. */
  contentWords: number;
  /** 0..1: how much real text there is; rules that reward an absence of faults scale by it. */
  substance: number;
  bytes: number;
  section(title: SpecSection): MarkdownSection | undefined;
  /** The analysed lines of a section's body. */
  bodyOf(section: MarkdownSection): SpecLine[];
  at(line: number): SpecLine | undefined;
  /** A line normalized and tokenized for `mentions`-style matching, computed once. */
  prepared(line: SpecLine): Prepared;
}

/** Real text needed before "no faults" counts for anything: an empty page has no vague words either. */
export const SUBSTANCE_WORDS = 200;

/** Why a line of prose reads as a keyword list rather than a sentence; undefined when it reads fine. */
export function stuffingReason(text: string): string | undefined {
  const plain = stripInlineCode(text).replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '');
  const tokens = words(plain);
  if (tokens.length < 8) return undefined;
  const distinct = new Set(tokens).size;
  if (distinct / tokens.length < 0.5)
    return `repeats the same words (${distinct} distinct of ${tokens.length})`;
  let glue = 0;
  for (const token of tokens) if (GLUE_WORDS.has(token)) glue++;
  if (tokens.length >= 10 && glue / tokens.length < 0.1) return 'is a list of keywords, not a sentence';
  const segments = plain.split(/[,;|·•]/).filter((s) => s.trim()).length;
  if (segments >= 6 && tokens.length / segments <= 2.5) return 'is a comma-separated keyword list';
  return undefined;
}

function classify(
  text: string,
  inFence: boolean,
  isFence: boolean,
  inApi: boolean,
  endpointLine: boolean,
): LineKind {
  if (isFence) return 'fence';
  if (inFence) return 'code';
  const trimmed = text.trim();
  if (!trimmed) return 'blank';
  if (trimmed.startsWith('#') && /^#{1,6}\s/.test(trimmed)) return 'heading';
  if (trimmed.startsWith('|')) return 'table';
  // Only under API: elsewhere "Input: …" is prose, and stuffing must not hide behind a label.
  if (inApi && (endpointLine || isApiFieldLine(text))) return 'field';
  return 'prose';
}

/** Texts taken from the intent: quoting them is not the SPEC's fault (a feature named "Fast search"). */
function intentTexts(intent: Intent): string[] {
  return [intent.purpose, ...intent.key_features]
    .map((t) => t.replace(/\s+/g, ' ').trim())
    .filter((t) => t.length >= 2)
    .sort((a, b) => b.length - a.length);
}

function blankOut(text: string, quoted: readonly string[]): string {
  let result = text;
  for (const q of quoted) if (result.includes(q)) result = result.split(q).join(' ');
  return result;
}

export function analyseSpec(markdown: string, intent: Intent): SpecDocument {
  const model = readSpec(markdown);
  const api = model.section('API');
  const apiFirst = api?.body[0]?.line ?? 0;
  const apiLast = api?.body.at(-1)?.line ?? -1;
  // A list item naming an endpoint with inline fields is data, not a sentence to judge.
  const endpointLines = new Set(model.endpoints.filter((e) => e.layout === 'bullet').map((e) => e.line));
  const raw = splitLines(markdown);
  // Blanked in one pass over the whole text, then split as `raw` is: a quoted text holds no line break
  // and is replaced by a space, so line for line this is what blanking each line gives, at a fraction
  // of the cost.
  const ownLines = splitLines(blankOut(markdown, intentTexts(intent)));
  const lines: SpecLine[] = [];
  let fence: string | undefined;
  const repeats = new Map<string, { count: number; first: number }>();
  let contentWords = 0;
  for (let index = 0; index < raw.length; index++) {
    const text = raw[index]!;
    // The pattern only on lines that could open or close a fence: most lines hold neither.
    const fenceMatch = text.includes('```') || text.includes('~~~') ? /^\s*(```|~~~)/.exec(text) : null;
    const inFence = fence !== undefined;
    if (fenceMatch) fence = fence === undefined ? fenceMatch[1] : fence === fenceMatch[1] ? undefined : fence;
    const inApi = index + 1 >= apiFirst && index + 1 <= apiLast;
    const kind = classify(
      text,
      inFence && !fenceMatch,
      fenceMatch !== null,
      inApi,
      endpointLines.has(index + 1),
    );
    const own = ownLines[index]!;
    // Words in inline code count: a field list such as `id: str, amount: int` is content.
    const entry: SpecLine = { line: index + 1, text, kind, own, words: countWords(text) };
    // stuffingReason needs at least 8 words; most lines have fewer, and the check is the costly part.
    if (entry.words < 8) {
      // nothing to judge
    } else if (kind === 'prose') entry.stuffed = stuffingReason(own);
    else if (kind === 'table') {
      const reason = stuffingReason(own.replace(/\|/g, ' '));
      if (reason?.startsWith('repeats')) entry.stuffed = reason;
    }
    // The same sentence pasted again and again is stuffing even when each copy reads well.
    if ((kind === 'prose' || kind === 'table') && !entry.stuffed && entry.words >= 6) {
      const key = text.trim().toLowerCase();
      const seen = repeats.get(key) ?? { count: 0, first: entry.line };
      seen.count++;
      repeats.set(key, seen);
      if (seen.count >= 3) entry.stuffed = `repeats line ${seen.first} verbatim`;
    }
    if (!entry.stuffed && kind !== 'blank' && kind !== 'heading' && kind !== 'fence')
      contentWords += entry.words;
    lines.push(entry);
  }
  const preparedCache = new Map<number, Prepared>();
  return {
    markdown,
    model,
    lines,
    outline: model.outline,
    endpoints: model.endpoints,
    contentWords,
    substance: Math.min(1, contentWords / SUBSTANCE_WORDS),
    bytes: Buffer.byteLength(markdown, 'utf8'),
    section: model.section,
    bodyOf(section) {
      const first = section.body[0]?.line;
      if (first === undefined) return [];
      return lines.slice(first - 1, first - 1 + section.body.length);
    },
    at(line) {
      return lines[line - 1];
    },
    prepared(line) {
      let result = preparedCache.get(line.line);
      if (!result) {
        result = prepare(line.text);
        preparedCache.set(line.line, result);
      }
      return result;
    },
  };
}

/** Lines that carry content: not blank, not a heading or fence, not keyword stuffing. */
export function contentLines(lines: readonly SpecLine[]): SpecLine[] {
  return lines.filter((l) => l.kind !== 'blank' && l.kind !== 'heading' && l.kind !== 'fence' && !l.stuffed);
}
