import type { SpecLine } from '../document.js';
import {
  placeholdersIn,
  quote,
  STANDALONE_NUMBER,
  SUBSTANCE_HINT,
  sentences,
  stripInlineCode,
  vagueHint,
  vagueWordsIn,
} from '../text.js';
import { clamp01, type Finding, type Rule } from '../types.js';

/** Findings kept per rule: enough to fix a document, bounded for a pathological one. */
export const MAX_FINDINGS_PER_RULE = 50;

function capped(findings: Finding[]): Finding[] {
  if (findings.length <= MAX_FINDINGS_PER_RULE) return findings;
  const kept = findings.slice(0, MAX_FINDINGS_PER_RULE - 1);
  const rest = findings.length - kept.length;
  kept.push({ line: findings[kept.length]!.line, message: `and ${rest} more like these from this line on` });
  return kept;
}

/**
 * Rules that reward the absence of faults earn nothing on a document without text: an empty page has
 * no vague words either. They scale by the document's substance.
 */
function substanceFinding(substance: number, findings: Finding[]) {
  if (substance < 1) findings.push({ line: 1, message: SUBSTANCE_HINT });
}

const PLACEHOLDER_PENALTY = 0.25;

export const noPlaceholdersRule: Rule = {
  id: 'no-placeholders',
  title: 'No TBD, TODO, ???, FIXME, lorem ipsum or template residue',
  weight: 5,
  check(doc) {
    const findings: Finding[] = [];
    for (const line of doc.lines) {
      if (line.kind === 'blank') continue;
      for (const hit of placeholdersIn(line.own))
        findings.push({
          line: line.line,
          message: `${hit.what} ${quote(hit.text)}: replace it with the actual content`,
        });
    }
    const penalty = PLACEHOLDER_PENALTY * findings.length;
    substanceFinding(doc.substance, findings);
    return { score: clamp01((1 - penalty) * doc.substance), findings: capped(findings) };
  },
};

const VAGUE_PENALTY = 0.15;
const PROSE_KINDS = new Set<SpecLine['kind']>(['prose', 'table', 'field', 'heading']);

export const vagueWordsRule: Rule = {
  id: 'vague-words',
  title: 'No vague words unless backed by a number in the same sentence',
  weight: 5,
  check(doc) {
    const findings: Finding[] = [];
    for (const line of doc.lines) {
      if (!PROSE_KINDS.has(line.kind)) continue;
      const text = stripInlineCode(line.own);
      if (vagueWordsIn(text).length === 0) continue;
      for (const sentence of sentences(text)) {
        const vague = vagueWordsIn(sentence);
        if (vague.length === 0 || STANDALONE_NUMBER.test(sentence)) continue;
        for (const word of vague)
          findings.push({
            line: line.line,
            message: `vague word '${word}' in ${quote(sentence)}: replace it with ${vagueHint(word)}, or back it with a number in the same sentence`,
          });
      }
    }
    const penalty = VAGUE_PENALTY * findings.length;
    substanceFinding(doc.substance, findings);
    return { score: clamp01((1 - penalty) * doc.substance), findings: capped(findings) };
  },
};

export const keywordStuffingRule: Rule = {
  id: 'keyword-stuffing',
  title: 'Sentences, not keyword lists or repeated words',
  weight: 6,
  check(doc) {
    const findings: Finding[] = [];
    let judged = 0;
    for (const line of doc.lines) {
      if (line.kind !== 'prose' && line.kind !== 'table') continue;
      judged++;
      if (line.stuffed)
        findings.push({
          line: line.line,
          message: `this line ${line.stuffed}: write it as a sentence that says what the service does`,
        });
    }
    const stuffedShare = judged === 0 ? 0 : findings.length / judged;
    substanceFinding(doc.substance, findings);
    return { score: clamp01((1 - 4 * stuffedShare) * doc.substance), findings: capped(findings) };
  },
};
