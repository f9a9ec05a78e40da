/** Text shaping for the offline writer: ASCII folding, slugs, identifiers, inline JSON. */

const FOLDED: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Lowercase ASCII approximation: accents dropped, other scripts removed. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => FOLDED[c] ?? '');
}

export function asciiWords(text: string): string[] {
  return fold(text).match(/[a-z0-9]+/g) ?? [];
}

/** One line, single spaces: intent text may hold newlines and runs of spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function snake(words: readonly string[]): string {
  const joined = words.join('_').replace(/_+/g, '_');
  return /^[a-z]/.test(joined) ? joined : `f_${joined}`;
}

export function pascal(identifier: string): string {
  return identifier
    .split(/[_-]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** Text safe inside a Markdown table cell. */
export function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** JSON on one line in the brief's style, `{"a": 1, "b": [1, 2]}`; never a backtick inside. */
export function inlineJsonText(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(inlineJsonText).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${inlineJsonText(v)}`)
      .join(', ')}}`;
  if (typeof value === 'string') return JSON.stringify(value.replace(/`/g, "'"));
  return JSON.stringify(value);
}

export function code(text: string): string {
  return `\`${text}\``;
}

export function jsonType(value: Json): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
