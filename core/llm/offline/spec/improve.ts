import type { Intent } from '../../../intent/schema.js';
import type { SpecFinding } from '../../../ports/index.js';
import {
  type ApiEndpoint,
  endpointKey,
  isValidApiPath,
  parseApiEndpoints,
} from '../../../spec/api-section.js';
import { type MarkdownSection, normalizeTitle, outline } from '../../../spec/markdown.js';
import { SPEC_SECTIONS, type SpecSection } from '../../../spec/sections.js';
import { analyseSpec, contentLines } from '../../../spec/verifier/document.js';
import { requestProblem, responseProblem } from '../../../spec/verifier/rules/api.js';
import { portMentions, replacePorts } from '../../../spec/verifier/rules/consistency.js';
import { COVERAGE_TARGET } from '../../../spec/verifier/rules/measurable.js';
import {
  MAX_SPEC_BYTES,
  MAX_SPEC_LINES,
  MIN_SECTION_LINES,
  MIN_SECTION_WORDS,
} from '../../../spec/verifier/rules/structure.js';
import { servesFeature } from '../../../spec/verifier/rules/traceability.js';
import {
  countWords,
  placeholdersIn,
  removePlaceholders,
  STANDALONE_NUMBER,
  sentences,
  stripInlineCode,
  vagueWordsIn,
} from '../../../spec/verifier/text.js';
import { planEndpoints } from './endpoints.js';
import { featureBlock, sectionBodies, specTitle, udcBlocks } from './sections.js';

type Lines = (string | null)[];

const REQUIRED = new Map(SPEC_SECTIONS.map((title) => [normalizeTitle(title), title]));
/** Where each rule's problems live when its finding does not point into a section. */
const HOME: Partial<Record<string, SpecSection[]>> = {
  'feature-traceability': ['Requirements'],
  'intent-relevance': ['Purpose & Scope'],
  dependencies: ['Dependencies'],
  'nfr-units': ['Requirements'],
  'success-criteria': ['Success Criteria'],
  'coverage-target': ['Testing'],
};
const API_RULES = new Set(['udc-endpoints', 'endpoints-complete', 'feature-traceability', 'dependencies']);

/** What the repair will do, gathered from the findings before anything is rewritten. */
interface Plan {
  regenerate: Set<SpecSection>;
  /** Lines inside the API section that findings point at: those endpoint blocks are fixed. */
  apiLines: Set<number>;
  /** Endpoint lines a traceability finding marks as serving no key feature: dropped. */
  orphanLines: Set<number>;
  mergeApi: boolean;
  rewriteAll: boolean;
}

function requiredTitle(section: MarkdownSection): SpecSection | undefined {
  return REQUIRED.get(normalizeTitle(section.title));
}

function sectionAt(sections: readonly MarkdownSection[], line: number): MarkdownSection | undefined {
  let found: MarkdownSection | undefined;
  for (const section of sections) if (section.line <= line) found = section;
  const last = found?.body[found.body.length - 1]?.line ?? found?.line;
  return found && last !== undefined && line <= last ? found : undefined;
}

function wordCount(text: string): number {
  return countWords(stripInlineCode(text));
}

/** A list marker or table pipe with nothing meaningful left is not worth keeping. */
function meaningless(text: string): boolean {
  return wordCount(text.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '')) < 3;
}

function withoutVagueSentences(text: string, fieldLine: boolean): string | null {
  if (fieldLine || /^\s*(?:#|\|)/.test(text)) {
    let result = text;
    for (const word of new Set(vagueWordsIn(stripInlineCode(text))))
      result = result.replace(
        new RegExp(`(?<![\\p{L}\\d_-])${word.replace(/-/g, '[ -]')}(?![\\p{L}\\d_-])\\s?`, 'giu'),
        '',
      );
    return result;
  }
  const marker = /^\s*(?:[-*+]|\d+[.)])\s+/.exec(text)?.[0] ?? '';
  const kept = sentences(text.slice(marker.length)).filter(
    (s) => vagueWordsIn(stripInlineCode(s)).length === 0 || STANDALONE_NUMBER.test(stripInlineCode(s)),
  );
  const result = `${marker}${kept.join(' ')}`;
  return kept.length === 0 || meaningless(result) ? null : result;
}

function fixCoverage(text: string): string {
  return text.replace(/(coverage[^.\n%]{0,40}?)(\d{1,3}(?:\.\d+)?)(\s?%)/i, (all, before, value, after) =>
    Number(value) < COVERAGE_TARGET ? `${before}${COVERAGE_TARGET}${after}` : all,
  );
}

/** Line edits that need no rewriting of a section: wrong ports, placeholders, vague words, keyword lists. */
function editLines(
  intent: Intent,
  lines: Lines,
  findings: readonly SpecFinding[],
  plan: Plan,
  sections: readonly MarkdownSection[],
) {
  const doc = analyseSpec(lines.map((l) => l ?? '').join('\n'), intent);
  for (const finding of findings) {
    const index = finding.line - 1;
    const text = lines[index];
    const inSection = sectionAt(sections, finding.line);
    const title = inSection && requiredTitle(inSection);
    switch (finding.rule) {
      case 'port':
        if (text != null && portMentions(text).some((m) => m.port !== intent.port))
          lines[index] = replacePorts(text, intent.port);
        else plan.regenerate.add('Configuration');
        break;
      case 'no-placeholders':
        if (text != null && placeholdersIn(text).length > 0) {
          const cleaned = removePlaceholders(text);
          lines[index] = meaningless(cleaned) && !/^\s*#/.test(cleaned) ? null : cleaned;
        }
        break;
      case 'vague-words':
        if (text != null && vagueWordsIn(text).length > 0)
          lines[index] = withoutVagueSentences(text, doc.at(finding.line)?.kind === 'field');
        break;
      case 'keyword-stuffing':
        if (text != null && doc.at(finding.line)?.stuffed) lines[index] = null;
        break;
      case 'coverage-target':
        if (text != null) lines[index] = fixCoverage(text);
        plan.regenerate.add('Testing');
        break;
      case 'sections':
        break;
      case 'size':
        if (doc.bytes > MAX_SPEC_BYTES || doc.lines.length > MAX_SPEC_LINES) plan.rewriteAll = true;
        break;
      default:
        if (title === 'API' && API_RULES.has(finding.rule)) {
          plan.mergeApi = true;
          plan.apiLines.add(finding.line);
          if (finding.rule === 'feature-traceability') plan.orphanLines.add(finding.line);
        } else if (API_RULES.has(finding.rule) && finding.rule !== 'dependencies') {
          plan.mergeApi = true;
          for (const home of HOME[finding.rule] ?? []) plan.regenerate.add(home);
        } else {
          const homes = HOME[finding.rule] ?? [];
          // A finding inside one of the rule's home sections rewrites that section; one elsewhere
          // (a missing section's anchor) rewrites the rule's home.
          for (const home of title && homes.includes(title) ? [title] : homes) plan.regenerate.add(home);
        }
    }
  }
}

/** Sections that are bare or thin after the line edits: written afresh. */
function thinSections(intent: Intent, lines: Lines, sections: readonly MarkdownSection[]): SpecSection[] {
  const doc = analyseSpec(lines.map((l) => l ?? '').join('\n'), intent);
  const thin: SpecSection[] = [];
  for (const section of sections) {
    const title = requiredTitle(section);
    if (!title) continue;
    const kept = doc.bodyOf(section).filter((l) => lines[l.line - 1] != null);
    const content = contentLines(kept);
    const words = content.reduce((sum, l) => sum + l.words, 0);
    if (content.length < MIN_SECTION_LINES || words < MIN_SECTION_WORDS) thin.push(title);
  }
  return thin;
}

function lastLine(endpoint: ApiEndpoint): number {
  return endpoint.endLine ?? endpoint.errorsLine ?? endpoint.responseLine ?? endpoint.line;
}

function blockLines(lines: Lines, endpoint: ApiEndpoint): string[] {
  return lines.slice(endpoint.line - 1, lastLine(endpoint)).filter((l): l is string => l != null);
}

/** An endpoint block with the missing or broken field lines filled in. */
function patchBlock(lines: Lines, endpoint: ApiEndpoint): string[] {
  const block = blockLines(lines, endpoint);
  const replaceOrAdd = (label: string, at: number | undefined, value: string) => {
    const line = `- ${label}: ${value}`;
    const index = at === undefined ? -1 : at - endpoint.line;
    if (index >= 0 && index < block.length) block[index] = line;
    else {
      let last = block.length;
      while (last > 1 && !block[last - 1]!.trim()) last--;
      block.splice(last, 0, line);
    }
  };
  if (requestProblem(endpoint))
    replaceOrAdd(
      'Request',
      endpoint.requestLine,
      endpoint.method === 'GET' || endpoint.method === 'DELETE' ? 'none' : '`{"value": "example"}`',
    );
  if (responseProblem(endpoint)) replaceOrAdd('Response', endpoint.responseLine, '200 `{"ok": true}`');
  if (!endpoint.errors || !/\b[45]\d\d\b/.test(endpoint.errors))
    replaceOrAdd('Errors', endpoint.errorsLine, '422 invalid input; 500 unexpected error');
  if (!endpoint.feature) block.splice(1, 0, '- Feature: UDC');
  return block;
}

/** The API section with duplicates and orphans dropped, broken endpoints fixed, missing ones added. */
function mergeApi(
  intent: Intent,
  lines: Lines,
  section: MarkdownSection,
  original: string,
  plan: Plan,
): string[] {
  const features = planEndpoints(intent);
  const written = new Map(
    [...udcBlocks(intent, features), ...features.map(featureBlock)].map((b) => [b.key, b.lines]),
  );
  const endpoints = parseApiEndpoints(original);
  const firstEndpoint = endpoints[0]?.line ?? Number.POSITIVE_INFINITY;
  const body: string[] = section.body
    .filter((l) => l.line < firstEndpoint)
    .map((l) => lines[l.line - 1])
    .filter((l): l is string => l != null);
  const kept: { key: string; feature?: string }[] = [];
  const within = (lines: Set<number>, e: ApiEndpoint) =>
    [...lines].some((l) => l >= e.line && l <= lastLine(e));
  const touched = (e: ApiEndpoint) => within(plan.apiLines, e);
  for (const endpoint of endpoints) {
    let key = endpointKey(endpoint);
    if (kept.some((k) => k.key === key)) continue;
    if (within(plan.orphanLines, endpoint) && !written.has(key)) continue;
    let block: string[];
    if (written.has(key) && touched(endpoint)) block = [...written.get(key)!];
    else if (touched(endpoint)) block = patchBlock(lines, endpoint);
    else block = blockLines(lines, endpoint);
    if (!isValidApiPath(endpoint.path)) {
      const fixed = `/${endpoint.path
        .toLowerCase()
        .replace(/[^a-z0-9/_{}-]+/g, '-')
        .split('/')
        .filter(Boolean)
        .join('/')}`;
      key = `${endpoint.method} ${fixed}`;
      if (!isValidApiPath(fixed) || kept.some((k) => k.key === key)) continue;
      block[0] = `### ${key}`;
    }
    while (block.length > 0 && !block[block.length - 1]!.trim()) block.pop();
    kept.push({ key, feature: endpoint.feature });
    body.push(...(body.length > 0 && body[body.length - 1]!.trim() ? [''] : []), ...block);
  }
  for (const [key, block] of written) {
    if (kept.some((k) => k.key === key)) continue;
    const feature = features.find((f) => endpointKey(f) === key)?.feature;
    if (feature && kept.some((k) => servesFeature(k.feature, feature))) continue;
    kept.push({ key, feature });
    body.push('', ...block);
  }
  return body;
}

function trimBlank(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]!.trim()) start++;
  while (end > start && !lines[end - 1]!.trim()) end--;
  return lines.slice(start, end);
}

/**
 * One repair pass: line edits at the findings' lines, then the sections the findings (or the edits)
 * leave broken are rewritten from the intent, missing ones added, and all put in the DESIGN order.
 * Sections the findings do not touch keep their text.
 */
export function repairSpec(intent: Intent, spec: string, findings: readonly SpecFinding[]): string {
  const lines: Lines = spec.split(/\r?\n/);
  const doc = outline(spec);
  const plan: Plan = {
    regenerate: new Set(),
    apiLines: new Set(),
    orphanLines: new Set(),
    mergeApi: false,
    rewriteAll: false,
  };
  editLines(intent, lines, findings, plan, doc.sections);
  const bodies = sectionBodies(intent, planEndpoints(intent));
  if (plan.rewriteAll)
    return [specTitle(intent), '', ...SPEC_SECTIONS.flatMap((t) => [`## ${t}`, '', ...bodies[t], ''])].join(
      '\n',
    );
  for (const title of thinSections(intent, lines, doc.sections)) plan.regenerate.add(title);

  const firstSection = doc.sections[0]?.line ?? lines.length + 1;
  const preamble = trimBlank(lines.slice(0, firstSection - 1).filter((l): l is string => l != null));
  const titleIndex = preamble.findIndex((l) => /^#\s/.test(l));
  if (titleIndex < 0) preamble.unshift(specTitle(intent), '');
  else if (!preamble[titleIndex]!.toLowerCase().includes(intent.service_name))
    preamble[titleIndex] = specTitle(intent);

  const chosen = new Map<SpecSection, MarkdownSection>();
  /** Sections outside the required list stay, after the required section they followed. */
  const extrasAfter = new Map<SpecSection | undefined, MarkdownSection[]>();
  let previous: SpecSection | undefined;
  for (const section of doc.sections) {
    const title = requiredTitle(section);
    if (title && !chosen.has(title)) {
      chosen.set(title, section);
      previous = title;
    } else extrasAfter.set(previous, [...(extrasAfter.get(previous) ?? []), section]);
  }
  const kept = (section: MarkdownSection) =>
    section.body.map((l) => lines[l.line - 1]).filter((l): l is string => l != null);
  const out: string[] = [...preamble, ''];
  const emit = (heading: string, body: string[]) => out.push(heading, '', ...trimBlank(body), '');
  for (const extra of extrasAfter.get(undefined) ?? [])
    emit(lines[extra.line - 1] ?? `## ${extra.title}`, kept(extra));
  for (const title of SPEC_SECTIONS) {
    const section = chosen.get(title);
    let body: string[];
    if (!section || plan.regenerate.has(title)) body = bodies[title];
    else if (title === 'API' && plan.mergeApi) body = mergeApi(intent, lines, section, spec, plan);
    else body = kept(section);
    emit(section ? (lines[section.line - 1] ?? `## ${title}`) : `## ${title}`, body);
    for (const extra of extrasAfter.get(title) ?? [])
      emit(lines[extra.line - 1] ?? `## ${extra.title}`, kept(extra));
  }
  return out.join('\n');
}
