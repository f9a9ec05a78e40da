import { readFileSync } from 'node:fs';
import { type Intent, IntentSchema } from '../../core/intent/schema.js';

export { exampleIntent } from './intents.js';

export function intent(fields: Record<string, unknown>): Intent {
  return IntentSchema.parse({ service_type: 'domain', purpose: 'Serve requests', port: 9000, ...fields });
}

export function specFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/specs/${name}`, import.meta.url), 'utf8');
}

/** 1-based line of the first line containing `needle`; throws when absent so a test cannot pass vacuously. */
export function lineOf(text: string, needle: string, from = 1): number {
  const index = text.split('\n').findIndex((line, i) => i + 1 >= from && line.includes(needle));
  if (index < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`);
  return index + 1;
}

/** `text` with the (first) line containing `needle` replaced by `lines` (none: deleted). */
export function replaceLine(text: string, needle: string, ...lines: string[]): string {
  const all = text.split('\n');
  all.splice(lineOf(text, needle) - 1, 1, ...lines);
  return all.join('\n');
}

/** `text` without the lines from the one containing `from` up to (not including) the one containing `to`. */
export function removeBetween(text: string, from: string, to: string): string {
  const all = text.split('\n');
  const start = lineOf(text, from) - 1;
  const end = lineOf(text, to, start + 2) - 1;
  all.splice(start, end - start);
  return all.join('\n');
}

/** Every section emptied to its bare heading (title and `##` headings kept, everything else gone). */
export function bareHeadings(text: string): string {
  return text
    .split('\n')
    .filter((line) => /^#{1,2}\s/.test(line))
    .join('\n');
}

/** Share of the non-blank lines of `a` that also occur in `b` (as a multiset), relative to the longer. */
export function sharedLineRatio(a: string, b: string): number {
  const count = (text: string) => {
    const lines = new Map<string, number>();
    for (const line of text.split('\n').map((l) => l.trim()))
      if (line) lines.set(line, (lines.get(line) ?? 0) + 1);
    return lines;
  };
  const left = count(a);
  const right = count(b);
  let shared = 0;
  for (const [line, n] of left) shared += Math.min(n, right.get(line) ?? 0);
  const size = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
  return shared / Math.max(size(left), size(right));
}

/**
 * The verifier's rules in report order with their weights, written out here rather than read from the
 * code, so a report that drops, renames or reorders a rule fails the tests that compare with it.
 */
export const RULE_WEIGHTS: ReadonlyArray<[string, number]> = [
  ['sections', 14],
  ['feature-traceability', 14],
  ['intent-relevance', 5],
  ['udc-endpoints', 8],
  ['endpoints-complete', 8],
  ['port', 6],
  ['dependencies', 8],
  ['nfr-units', 7],
  ['success-criteria', 6],
  ['coverage-target', 4],
  ['no-placeholders', 5],
  ['vague-words', 5],
  ['keyword-stuffing', 6],
  ['size', 4],
];
