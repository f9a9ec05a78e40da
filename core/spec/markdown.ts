import { SECTION_SYNONYMS, SPEC_SECTIONS, type SpecSection } from './sections.js';

/** A level-2 section of a Markdown document, with 1-based line numbers. */
export interface MarkdownSection {
  title: string;
  /** Line of the `## ` heading. */
  line: number;
  /** Lines after the heading up to the next level-1/2 heading, with their line numbers. */
  body: { line: number; text: string }[];
}

export interface MarkdownOutline {
  /** The first `# ` heading, if any. */
  title?: { line: number; text: string };
  sections: MarkdownSection[];
}

/** The lines of a text, whatever its line ends; a plain string split when it has no CR (most texts). */
export function splitLines(text: string): string[] {
  return text.includes('\r') ? text.split(/\r?\n/) : text.split('\n');
}

/** Splits Markdown into level-2 sections; headings inside fenced code blocks are ignored. */
export function outline(markdown: string): MarkdownOutline {
  const lines = splitLines(markdown);
  const result: MarkdownOutline = { sections: [] };
  let current: MarkdownSection | undefined;
  let fence: string | undefined;
  lines.forEach((text, index) => {
    const line = index + 1;
    const fenceMatch = /^\s*(```|~~~)/.exec(text);
    if (fenceMatch) fence = fence === undefined ? fenceMatch[1] : fence === fenceMatch[1] ? undefined : fence;
    const isHeading = fence === undefined && !fenceMatch;
    const h1 = isHeading ? /^#\s+(.+?)\s*#*\s*$/.exec(text) : null;
    const h2 = isHeading ? /^##\s+(.+?)\s*#*\s*$/.exec(text) : null;
    if (h1) {
      result.title ??= { line, text: h1[1]! };
      current = undefined;
    } else if (h2) {
      current = { title: h2[1]!, line, body: [] };
      result.sections.push(current);
    } else if (current) {
      current.body.push({ line, text });
    }
  });
  return result;
}

/** Section titles compare without case, numbering ("3. API") or surrounding punctuation. */
export function normalizeTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/^[\d.\s]+/, '')
    .replace(/\band\b/g, '&')
    .replace(/[^a-z&]+/g, ' ')
    .trim();
}

export function findSection(doc: MarkdownOutline, title: string): MarkdownSection | undefined {
  const wanted = normalizeTitle(title);
  return doc.sections.find((s) => normalizeTitle(s.title) === wanted);
}

export interface ResolvedSection {
  section: MarkdownSection;
  /** The document calls it by a synonym (`## Endpoints` for `## API`). */
  synonym: boolean;
}

const SYNONYMS = new Map<string, SpecSection>(
  SPEC_SECTIONS.flatMap((title) => SECTION_SYNONYMS[title].map((s) => [normalizeTitle(s), title] as const)),
);

/** The SPEC section a heading stands for, by its title or a synonym of it. */
export function canonicalSection(title: string): SpecSection | undefined {
  const normalized = normalizeTitle(title);
  return SPEC_SECTIONS.find((t) => normalizeTitle(t) === normalized) ?? SYNONYMS.get(normalized);
}

/** The section under its own title, else the first under a synonym. */
export function resolveSection(doc: MarkdownOutline, title: SpecSection): ResolvedSection | undefined {
  const own = findSection(doc, title);
  if (own) return { section: own, synonym: false };
  const wanted = normalizeTitle(title);
  const other = doc.sections.find((s) => {
    const canonical = canonicalSection(s.title);
    return canonical !== undefined && normalizeTitle(canonical) === wanted;
  });
  return other ? { section: other, synonym: true } : undefined;
}
