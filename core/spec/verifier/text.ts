/**
 * Text helpers shared by the verifier's rules and the offline writer: words, glue words, numbers with
 * units, vague words, placeholders. Every pattern is linear (no nested quantifiers) so a hostile
 * document cannot make the verifier slow.
 */

/** Function words: real sentences have them, keyword lists do not. */
export const GLUE_WORDS = new Set(
  (
    'a an the of to in on at by for from with without into onto over under within below above after before ' +
    'and or but nor so if then than when while until unless because as per via about between through during ' +
    'is are be been being was were has have had does do did will would shall should can could may might must ' +
    'it its this that these those which who whom whose what where how each every all any no not only also ' +
    'both either neither such there their they them we our you your he she his her one up out off again once'
  ).split(' '),
);

/** Words that say nothing about which feature a line is about. */
const FEATURE_FILLER = new Set(['endpoint', 'endpoints', 'api', 'support', 'feature', 'features', 'service']);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}_'’-]*/gu;
/** WORD for ASCII text, where \p{L}\p{N} after lowercasing are a-z0-9: a plain pattern runs faster. */
const ASCII_WORD = /[a-z0-9][a-z0-9_'-]*/g;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Whether a text is plain ASCII: then NFKC changes nothing and Unicode classes reduce to a-z0-9, so the
 * hot helpers below take a cheaper path with the same result (most SPEC lines are ASCII).
 */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** Lowercase words (letters and digits, inner hyphens and apostrophes kept). */
export function words(text: string): string[] {
  const lower = text.toLowerCase();
  return lower.match(isAscii(lower) ? ASCII_WORD : WORD) ?? [];
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function isWordChar(code: number, text: string, index: number): boolean {
  if (code < 128)
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return LETTER_OR_DIGIT.test(text[index]!);
}

/** The number of words `words()` would return, without building them: a scan, no regex per word. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWordChar(code, text, i)) {
      if (!inWord) count++;
      inWord = true;
    } else if (inWord && (code === 95 || code === 39 || code === 45 || code === 0x2019)) {
      // "_", "'", "-" and "’" continue a word, as in words().
    } else inWord = false;
  }
  return count;
}

/** Lowercase, NFKC, single spaces, no Markdown emphasis: the form in which texts are compared. */
export function normalizeText(text: string): string {
  return (isAscii(text) ? text : text.normalize('NFKC'))
    .toLowerCase()
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A light stem: "testing", "tests" and "tested" meet as "test"; "stored" and "store" as "stor". */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w.length > 4 && w.endsWith('e') ? w.slice(0, -1) : w;
}

/** The words of `text` that carry meaning, stemmed: what must reappear when the text is traced. */
export function significantTokens(text: string): string[] {
  const tokens: string[] = [];
  const ascii = isAscii(text);
  const lower = (ascii ? text : text.normalize('NFKC')).toLowerCase();
  for (const piece of lower.split(ascii ? /[^a-z0-9]+/ : /[^\p{L}\p{N}]+/u)) {
    if (!piece || GLUE_WORDS.has(piece) || FEATURE_FILLER.has(piece)) continue;
    // Short ASCII words ("id", "v2") are noise; a short word in another script may be a whole word.
    if (piece.length < 3 && /^[a-z0-9]+$/.test(piece)) continue;
    tokens.push(stem(piece));
  }
  return tokens;
}

export function tokenSet(text: string): Set<string> {
  return new Set(significantTokens(text));
}

/** Share of `needles` found in `haystack` (1 when there are no needles). */
export function tokenCoverage(needles: readonly string[], haystack: ReadonlySet<string>): number {
  if (needles.length === 0) return 1;
  let found = 0;
  for (const needle of needles) if (haystack.has(needle)) found++;
  return found / needles.length;
}

/** A text prepared once for many `mentions` checks. */
export interface Prepared {
  normalized: string;
  tokens: Set<string>;
}

export function prepare(text: string): Prepared {
  return { normalized: normalizeText(text), tokens: tokenSet(text) };
}

/** A subject (key feature, purpose) prepared once: `matches(prepared line)` is then cheap. */
export function subjectMatcher(subject: string, threshold = 0.6): (text: Prepared) => boolean {
  const normalizedSubject = normalizeText(subject);
  const needles = significantTokens(subject);
  return (text) =>
    (normalizedSubject !== '' && text.normalized.includes(normalizedSubject)) ||
    (needles.length > 0 && tokenCoverage(needles, text.tokens) >= threshold);
}

/**
 * Whether `text` speaks of `subject` (a key feature, a purpose): it contains the subject verbatim
 * (normalized), or at least `threshold` of the subject's meaningful words.
 */
export function mentions(text: string, subject: string, threshold = 0.6): boolean {
  const normalizedSubject = normalizeText(subject);
  if (normalizedSubject && normalizeText(text).includes(normalizedSubject)) return true;
  const needles = significantTokens(subject);
  return needles.length > 0 && tokenCoverage(needles, tokenSet(text)) >= threshold;
}

/** Inline code spans removed: their content is data (JSON, paths), not prose. */
export function stripInlineCode(text: string): string {
  return text.includes('`') ? text.replace(/`[^`]*`/g, ' ') : text;
}

/** A number that stands alone (not the 95 of "p95", not part of an identifier). */
export const STANDALONE_NUMBER = /(?<![\p{L}\d_.])\d+(?:[.,]\d+)?(?![\p{L}_])/u;

const UNIT =
  '%|percent\\b|ms\\b|milliseconds?\\b|µs|us\\b|s\\b|secs?\\b|seconds?\\b|min\\b|mins\\b|minutes?\\b|' +
  'h\\b|hrs?\\b|hours?\\b|days?\\b|weeks?\\b|months?\\b|[kmgt]i?b\\b|bytes?\\b|[kmg]?bps\\b|rps\\b|' +
  'req(?:uest)?s?\\s*(?:/|per)\\s*(?:s|sec|second|min|minute)\\b|requests?\\b|connections?\\b|' +
  'concurrent\\b|users?\\b|calls?\\b|messages?\\b|events?\\b|items?\\b|records?\\b|retr(?:y|ies)\\b|' +
  'attempts?\\b|replicas?\\b|instances?\\b|workers?\\b|threads?\\b|errors?\\b|failures?\\b|times\\b|' +
  'endpoints?\\b|tests?\\b|of\\s+\\d+\\b|x\\b';
/** A number followed by a unit: "200 ms", "99.9%", "50 requests per second", "256 MiB". */
export const NUMBER_WITH_UNIT = new RegExp(`(?<![\\p{L}\\d_.])\\d+(?:[.,]\\d+)?\\s?(?:${UNIT})`, 'iu');

export function hasNumberWithUnit(text: string): boolean {
  return NUMBER_WITH_UNIT.test(text);
}

/**
 * Vague words: claims that cannot be tested. Each maps to the kind of number that would back it, which
 * the finding suggests.
 */
export const VAGUE_WORDS: Record<string, string> = {
  fast: 'a latency such as "p95 under 200 ms"',
  faster: 'a latency such as "p95 under 200 ms"',
  quick: 'a latency such as "p95 under 200 ms"',
  quickly: 'a time such as "within 2 s"',
  speedy: 'a latency such as "p95 under 200 ms"',
  blazing: 'a latency such as "p95 under 200 ms"',
  performant: 'a throughput such as "50 requests per second"',
  'high-performance': 'a throughput such as "50 requests per second"',
  robust: 'an availability or error rate such as "99.9% of requests succeed"',
  resilient: 'a recovery time such as "recovers within 30 s"',
  scalable: 'a load such as "100 requests per second with p95 under 300 ms"',
  seamless: 'what is observable, such as "no failed request during a deploy"',
  seamlessly: 'what is observable, such as "no failed request during a deploy"',
  easy: 'a measurable step count such as "one command"',
  easily: 'a measurable step count such as "one command"',
  intuitive: 'a measurable criterion such as "every error names the field"',
  'user-friendly': 'a measurable criterion such as "every error names the field"',
  efficient: 'a resource bound such as "under 256 MiB of memory"',
  efficiently: 'a resource bound such as "under 256 MiB of memory"',
  lightweight: 'a resource bound such as "under 128 MiB of memory"',
  powerful: 'what it does, with a number',
  flexible: 'which settings exist, each with a default',
  optimal: 'a target number',
  optimally: 'a target number',
  'state-of-the-art': 'what it does, with a number',
  'cutting-edge': 'what it does, with a number',
  'best-in-class': 'what it does, with a number',
  'world-class': 'what it does, with a number',
  reasonable: 'a bound such as "within 5 s"',
  adequate: 'a bound with a number',
  sufficient: 'a bound with a number',
  etc: 'the complete list',
};
const VAGUE_PATTERN = new RegExp(
  `(?<![\\p{L}\\d_-])(${Object.keys(VAGUE_WORDS).join('|')}|user friendly|high performance|as needed|as appropriate|and so on)(?![\\p{L}\\d_-])`,
  'giu',
);

/** Cheap test first: most lines hold none of the vague words' stems. */
const VAGUE_PREFILTER =
  /fast|quick|speedy|blazing|perform|robust|resilient|scalable|seamless|eas[yi]|intuitive|friendly|efficient|lightweight|powerful|flexible|optimal|state-of|cutting|best-in|world-class|reasonable|adequate|sufficient|etc|as needed|as appropriate|and so on/i;

/** The vague words of a text, in order, lowercase. */
export function vagueWordsIn(text: string): string[] {
  if (!VAGUE_PREFILTER.test(text)) return [];
  VAGUE_PATTERN.lastIndex = 0;
  return Array.from(text.matchAll(VAGUE_PATTERN), (m) => m[1]!.toLowerCase().replace(' ', '-'));
}

export function vagueHint(word: string): string {
  return VAGUE_WORDS[word] ?? 'a number with a unit';
}

/** Sentences of one line; a list marker stays with its sentence. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+(?=\S)/);
}

/** Placeholder residue: what a template or a model leaves behind. Case matters for TBD/TODO/FIXME. */
const PLACEHOLDER_PATTERNS: { pattern: RegExp; what: string }[] = [
  { pattern: /\b(?:TBD|TBA|TODO|FIXME|XXX)\b/g, what: 'placeholder' },
  { pattern: /\bto be (?:determined|decided|defined|confirmed|written)\b/gi, what: 'placeholder' },
  { pattern: /\?{3,}/g, what: 'placeholder' },
  { pattern: /\blorem ipsum\b/gi, what: 'filler text' },
  { pattern: /\{\{[^{}\n]{0,80}\}\}/g, what: 'template variable' },
  { pattern: /\$\{[^{}\n]{0,80}\}/g, what: 'template variable' },
  {
    pattern:
      /<(?:placeholder|insert[^<>\n]{0,40}|your[ _-][^<>\n]{0,40}|fill[ _-]?in[^<>\n]{0,40}|describe[^<>\n]{0,40}|add[ _-][^<>\n]{0,40}|todo|tbd|service[ _-]?name|port|value|description|name|text)>/gi,
    what: 'template slot',
  },
  { pattern: /\[(?:insert|todo|tbd|placeholder|fill in)[^\]\n]{0,40}\]/gi, what: 'template slot' },
];

export interface PlaceholderHit {
  text: string;
  what: string;
  index: number;
}

const PLACEHOLDER_PREFILTER =
  /TBD|TBA|TODO|FIXME|XXX|to be |\?\?\?|lorem|\{\{|\$\{|<[a-z]|\[(?:insert|todo|tbd|placeholder|fill)/i;

export function placeholdersIn(text: string): PlaceholderHit[] {
  if (!PLACEHOLDER_PREFILTER.test(text)) return [];
  const hits: PlaceholderHit[] = [];
  for (const { pattern, what } of PLACEHOLDER_PATTERNS) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) hits.push({ text: match[0], what, index: match.index });
  }
  return hits.sort((a, b) => a.index - b.index);
}

export function removePlaceholders(text: string): string {
  let result = text;
  for (const { pattern } of PLACEHOLDER_PATTERNS) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, ' ');
  }
  return result.replace(/[ \t]{2,}/g, ' ').replace(/\s+([.,;:])/g, '$1');
}

/** Quote `s` for a finding message, shortened. */
export function quote(s: string, max = 60): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return `'${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}'`;
}

export const SUBSTANCE_HINT =
  'the SPEC has too little text to judge (under 200 words of content): write each section in sentences';
