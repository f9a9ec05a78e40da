import type { MarkdownSection } from '../../markdown.js';
import { sectionAnchor } from '../anchor.js';
import { contentLines, type SpecDocument, type SpecLine } from '../document.js';
import { hasNumberWithUnit, quote, STANDALONE_NUMBER, stripInlineCode } from '../text.js';
import { clamp01, type Finding, type Rule } from '../types.js';

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/;
const NON_FUNCTIONAL_HEADING = /non[\s-]?functional|quality attributes|performance|sla\b/i;
const NFR_TOPIC =
  /\b(?:latency|throughput|availability|uptime|response time|memory|cpu|start-?up|concurren\w*|load|capacity|durability|recovery|rto|rpo|error rate)\b/i;
export const MIN_NFR_ITEMS = 3;
export const MIN_CRITERIA = 3;

/** List items of a block of lines; lines that continue an item belong to it. Table rows are items too. */
function items(lines: readonly SpecLine[]): SpecLine[][] {
  const result: SpecLine[][] = [];
  for (const line of lines) {
    if (line.kind === 'table') {
      if (!/^\s*\|[\s:|-]+\|\s*$/.test(line.text)) result.push([line]);
    } else if (LIST_ITEM.test(line.text) || result.length === 0) result.push([line]);
    else result[result.length - 1]!.push(line);
  }
  return result;
}

/** The non-functional requirement items: a "Non-functional" subsection, else Requirements lines on NFR topics. */
export function nonFunctionalItems(doc: SpecDocument): { items: SpecLine[][]; subsection?: SpecLine } {
  const section = doc.section('Requirements');
  if (!section) return { items: [] };
  const body = doc.bodyOf(section);
  const start = body.findIndex((l) => l.kind === 'heading' && NON_FUNCTIONAL_HEADING.test(l.text));
  if (start >= 0) {
    const end = body.findIndex((l, i) => i > start && l.kind === 'heading' && /^#{1,3}\s/.test(l.text));
    const lines = contentLines(body.slice(start + 1, end < 0 ? undefined : end)).filter(
      (l) => l.kind !== 'code',
    );
    return { items: items(lines).filter((item) => !isIntro(item)), subsection: body[start] };
  }
  return { items: items(contentLines(body)).filter((item) => item.some((l) => NFR_TOPIC.test(l.text))) };
}

/** "Targets, measured on the service's host:" introduces a list; it is not a requirement itself. */
const isIntro = (item: readonly SpecLine[]) =>
  item.length === 1 &&
  !LIST_ITEM.test(item[0]!.text) &&
  item[0]!.kind !== 'table' &&
  /:\s*$/.test(item[0]!.text);
const itemText = (item: readonly SpecLine[]) => item.map((l) => l.text).join(' ');
/** Table header rows ("| metric | target |") are labels, not requirements. */
const isHeaderRow = (item: readonly SpecLine[], index: number, all: readonly SpecLine[][]) =>
  item.length === 1 && item[0]!.kind === 'table' && index === 0 && all[1]?.[0]?.kind === 'table';

export const nfrUnitsRule: Rule = {
  id: 'nfr-units',
  title: 'Non-functional requirements carry numbers with units',
  weight: 7,
  check(doc) {
    const findings: Finding[] = [];
    const { items: found, subsection } = nonFunctionalItems(doc);
    const nfrs = found.filter((item, i) => !isHeaderRow(item, i, found));
    let withUnits = 0;
    for (const item of nfrs) {
      if (hasNumberWithUnit(stripInlineCode(itemText(item)))) withUnits++;
      else
        findings.push({
          line: item[0]!.line,
          message: `non-functional requirement ${quote(item[0]!.text)} has no number with a unit: state a target such as "p95 latency under 200 ms", "99.9% availability" or "under 256 MiB of memory"`,
        });
    }
    if (nfrs.length < MIN_NFR_ITEMS)
      findings.push({
        line: subsection?.line ?? sectionAnchor(doc, 'Requirements'),
        message: `${nfrs.length} non-functional requirement(s): add a '### Non-functional' list under '## Requirements' with at least ${MIN_NFR_ITEMS} (latency in ms, availability in %, throughput in requests per second, memory in MiB)`,
      });
    return { score: clamp01(withUnits / Math.max(nfrs.length, MIN_NFR_ITEMS)), findings };
  },
};

function sectionItems(doc: SpecDocument, section: MarkdownSection | undefined): SpecLine[][] {
  if (!section) return [];
  const lines = contentLines(doc.bodyOf(section)).filter((l) => l.kind !== 'code');
  const listed = items(lines.filter((l) => LIST_ITEM.test(l.text) || l.kind === 'table'));
  return listed.length > 0 ? listed : items(lines).filter((item) => !isIntro(item));
}

const THRESHOLD =
  /[<>≤≥]|\b(?:at least|at most|within|under|below|above|over|no more than|fewer than|zero|all|every|each)\b/i;

export const successCriteriaRule: Rule = {
  id: 'success-criteria',
  title: 'Success criteria are measurable',
  weight: 6,
  check(doc) {
    const findings: Finding[] = [];
    const section = doc.section('Success Criteria');
    const found = sectionItems(doc, section);
    const criteria = found.filter((item, i) => !isHeaderRow(item, i, found));
    let measurable = 0;
    for (const item of criteria) {
      const text = stripInlineCode(itemText(item));
      if (STANDALONE_NUMBER.test(text) && (hasNumberWithUnit(text) || THRESHOLD.test(text))) measurable++;
      else
        findings.push({
          line: item[0]!.line,
          message: `success criterion ${quote(item[0]!.text)} is not measurable: give a number and threshold, e.g. "p95 latency under 200 ms" or "5 of 5 UDC endpoints pass"`,
        });
    }
    if (criteria.length < MIN_CRITERIA)
      findings.push({
        line: sectionAnchor(doc, 'Success Criteria'),
        message: `${criteria.length} success criteria: list at least ${MIN_CRITERIA} measurable ones under '## Success Criteria' (each with a number and threshold)`,
      });
    return { score: clamp01(measurable / Math.max(criteria.length, MIN_CRITERIA)), findings };
  },
};

export const COVERAGE_TARGET = 70;
const COVERAGE = [
  /coverage[^.\n%]{0,40}?(\d{1,3}(?:\.\d+)?)\s?%/i,
  /(\d{1,3}(?:\.\d+)?)\s?%[^.\n]{0,30}?coverage/i,
];

/** The first coverage target in `lines`; a sentence wrapped over two lines counts, cited where the % is. */
function coverageIn(lines: readonly SpecLine[]): { value: number; line: number } | undefined {
  for (const [i, line] of lines.entries()) {
    const next = lines[i + 1];
    const joined = next && next.line === line.line + 1 ? `${line.text} ${next.text}` : line.text;
    for (const pattern of COVERAGE) {
      const match = pattern.exec(joined);
      if (match) {
        const inNext = match.index + match[0].length > line.text.length + 1 && !pattern.exec(line.text);
        return { value: Number(match[1]), line: inNext ? next!.line : line.line };
      }
    }
  }
  return undefined;
}

export const coverageTargetRule: Rule = {
  id: 'coverage-target',
  title: `Testing states a coverage target of at least ${COVERAGE_TARGET}%`,
  weight: 4,
  check(doc) {
    const section = doc.section('Testing');
    const inTesting = section ? coverageIn(contentLines(doc.bodyOf(section))) : undefined;
    const anywhere = inTesting ?? coverageIn(contentLines(doc.lines));
    const fix = `state "line coverage ≥ ${COVERAGE_TARGET}% (pytest --cov)" under '## Testing'`;
    if (!anywhere)
      return {
        score: 0,
        findings: [{ line: sectionAnchor(doc, 'Testing'), message: `no coverage target: ${fix}` }],
      };
    if (anywhere.value < COVERAGE_TARGET)
      return {
        score: 0.3,
        findings: [
          {
            line: anywhere.line,
            message: `coverage target ${anywhere.value}% is below ${COVERAGE_TARGET}%: ${fix}`,
          },
        ],
      };
    if (!inTesting)
      return {
        score: 0.5,
        findings: [{ line: anywhere.line, message: `the coverage target is not under '## Testing': ${fix}` }],
      };
    return { score: 1, findings: [] };
  },
};
