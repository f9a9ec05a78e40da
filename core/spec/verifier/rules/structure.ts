import type { MarkdownSection } from '../../markdown.js';
import { SPEC_SECTIONS } from '../../sections.js';
import { SECTION_GUIDE, sectionAnchor } from '../anchor.js';
import { contentLines, type SpecDocument } from '../document.js';
import { clamp01, type Finding, type Rule } from '../types.js';

/**
 * A section needs real content: 20 words over at least 2 lines (sentences, list items, table rows or
 * code). A heading and one line is not a section; a paragraph wrapped at any width is.
 */
export const MIN_SECTION_LINES = 2;
export const MIN_SECTION_WORDS = 20;
const THIN_CREDIT = 0.3;
const OUT_OF_ORDER_CREDIT = 0.5;
/** A section under a synonym (`## Endpoints`) is read, and costs a little: readers look for one title. */
export const SYNONYM_CREDIT = 0.9;

/** Indexes (into `values`) of one longest strictly increasing subsequence. */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = [];
  values.forEach((value, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < value) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
  });
  const keep = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) keep.add(i);
  return keep;
}

function sectionContent(doc: SpecDocument, section: MarkdownSection) {
  const lines = contentLines(doc.bodyOf(section));
  return { lines: lines.length, words: lines.reduce((sum, l) => sum + l.words, 0) };
}

export const sectionsRule: Rule = {
  id: 'sections',
  title: 'Every SPEC section present, in order, with content',
  weight: 14,
  check(doc) {
    const findings: Finding[] = [];
    const present = SPEC_SECTIONS.map((title) => ({ title, section: doc.section(title) }));
    const found = present.filter((p) => p.section);
    const inOrder = longestIncreasing(found.map((p) => p.section!.line));
    let earned = 0;
    for (const { title, section } of present) {
      if (!section) {
        findings.push({
          line: sectionAnchor(doc, title),
          message: `missing section '## ${title}': add it here, in the DESIGN order, with ${SECTION_GUIDE[title]}`,
        });
        continue;
      }
      const { lines, words } = sectionContent(doc, section);
      let credit = 1;
      if (lines === 0) {
        credit = 0;
        findings.push({
          line: section.line,
          message: `'## ${section.title}' is a bare heading: write ${SECTION_GUIDE[title]}`,
        });
      } else if (lines < MIN_SECTION_LINES || words < MIN_SECTION_WORDS) {
        credit = THIN_CREDIT;
        findings.push({
          line: section.line,
          message: `'## ${section.title}' has only ${lines} line(s), ${words} word(s) of content: expand it (at least ${MIN_SECTION_LINES} lines, ${MIN_SECTION_WORDS} words) with ${SECTION_GUIDE[title]}`,
        });
      }
      if (doc.model.sections.find((s) => s.title === title)?.synonym) {
        credit *= SYNONYM_CREDIT;
        findings.push({
          line: section.line,
          message: `'## ${section.title}' is read as '## ${title}': name it '## ${title}' so every reader finds it`,
        });
      }
      const position = found.findIndex((p) => p.title === title);
      if (!inOrder.has(position)) {
        credit *= OUT_OF_ORDER_CREDIT;
        // The first section that should follow it and already sits where it belongs.
        const next = found.find((_, i) => i > position && inOrder.has(i))?.section;
        findings.push({
          line: section.line,
          message: `'## ${section.title}' is out of order: move it ${next ? `before '## ${next.title}' (line ${next.line})` : 'to the end'} (order: ${SPEC_SECTIONS.join(' · ')})`,
        });
      }
      earned += credit;
    }
    return { score: clamp01(earned / SPEC_SECTIONS.length), findings };
  },
};

export const MIN_SPEC_BYTES = 1024;
export const MAX_SPEC_BYTES = 60 * 1024;
export const MIN_SPEC_LINES = 30;
export const MAX_SPEC_LINES = 1500;

export const sizeRule: Rule = {
  id: 'size',
  title: 'Size within sane bounds (1–60 KiB, 30–1,500 lines)',
  weight: 4,
  check(doc) {
    const findings: Finding[] = [];
    const lineCount = doc.lines.length;
    let score = 1;
    if (doc.bytes < MIN_SPEC_BYTES || lineCount < MIN_SPEC_LINES) {
      score = Math.min(doc.bytes / MIN_SPEC_BYTES, lineCount / MIN_SPEC_LINES, 1);
      findings.push({
        line: Math.max(1, lineCount),
        message: `the SPEC is too short (${doc.bytes} bytes, ${lineCount} lines; at least ${MIN_SPEC_BYTES} bytes and ${MIN_SPEC_LINES} lines): write every section in full`,
      });
    }
    if (doc.bytes > MAX_SPEC_BYTES || lineCount > MAX_SPEC_LINES) {
      const bytesOver = Math.max(0, doc.bytes - MAX_SPEC_BYTES) / MAX_SPEC_BYTES;
      const linesOver = Math.max(0, lineCount - MAX_SPEC_LINES) / MAX_SPEC_LINES;
      score = Math.min(score, clamp01(1 - Math.max(bytesOver, linesOver)));
      let bytes = 0;
      const overflow = doc.lines.find((l) => {
        bytes += Buffer.byteLength(l.text, 'utf8') + 1;
        return bytes > MAX_SPEC_BYTES || l.line > MAX_SPEC_LINES;
      });
      findings.push({
        line: overflow?.line ?? lineCount,
        message: `the SPEC is too long (${Math.round(doc.bytes / 1024)} KiB, ${lineCount} lines; at most ${MAX_SPEC_BYTES / 1024} KiB and ${MAX_SPEC_LINES} lines): cut repetition and detail that belongs in code`,
      });
    }
    return { score, findings };
  },
};
