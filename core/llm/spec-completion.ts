import type { Intent } from '../intent/schema.js';
import type { SpecFinding } from '../ports/index.js';
import { endpointKey } from '../spec/api-section.js';
import {
  type ApiEndpoint,
  featureEndpoints,
  NON_FUNCTIONAL,
  readSpec,
  type SpecModel,
  servedFeatures,
  UDC_KEYS,
} from '../spec/document/index.js';
import { SPEC_SECTIONS, type SpecSection } from '../spec/sections.js';
import { modelNames, takesRequestBody } from './offline/spec/endpoints.js';
import {
  apiOpeningLines,
  dataModelsBody,
  errorHandlingBody,
  type FailureRequirement,
  type FeatureTrace,
  featureMapLines,
  functionalPipelineLines,
  type ModelledEndpoint,
  nonFunctionalBody,
  type StandardSection,
  type StatedEndpoint,
  standardSectionBodies,
  successCriteriaBody,
  testingBody,
  udcBlocks,
} from './offline/spec/sections.js';
import type { Json } from './offline/spec/text.js';

/**
 * The parts of a SPEC that follow from the intent alone are written by the pipeline, not by the model:
 * output tokens are the dearest kind, and these parts are the same for every service but for the
 * names. The model writes the title, Purpose & Scope, a functional requirement per feature and the
 * feature endpoints of the API; `completeSpec` adds the rest. Data Models, Error Handling, Success
 * Criteria, the failure requirements and the feature list ending Purpose & Scope restate what the
 * feature endpoints and requirements state (examples, errors, statuses, which endpoint serves which
 * feature), the API's opening lines are facts of the runtime, and the Non-functional requirements are
 * the service level of the intent's priority, so the pipeline writes them rather than pay output
 * tokens for them.
 */

/**
 * Sections the pipeline writes from the intent (and the SPEC's own feature endpoints, for Data Models,
 * Error Handling, Testing and Success Criteria), in the contract order.
 */
export const PIPELINE_SECTIONS: readonly SpecSection[] = [
  'Data Models',
  'Dependencies',
  'Configuration',
  'Error Handling',
  'Security',
  'Testing',
  'Deployment',
  'Success Criteria',
];

function jsonObject(value: unknown): { [key: string]: Json } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as { [key: string]: Json })
    : undefined;
}

/** The Data Models body of the feature endpoints: a table per endpoint with an object example. */
function dataModels(intent: Intent, features: readonly ApiEndpoint[]): string[] {
  const names = modelNames(features.map((e) => e.path));
  const modelled: ModelledEndpoint[] = [];
  features.forEach((e, i) => {
    const request = takesRequestBody(e.method) ? jsonObject(e.request) : undefined;
    const response = jsonObject(e.response);
    if (!request && !response) return;
    modelled.push({
      method: e.method,
      path: e.path,
      feature: e.feature ?? endpointKey(e),
      model: names[i]!,
      ...(request ? { request, requestJson: e.requestJson } : {}),
      ...(response ? { response, responseJson: e.responseJson } : {}),
    });
  });
  return dataModelsBody(intent.service_name, modelled);
}

const NO_ERRORS = /^(?:none|n\/a|-|—|–)\.?$/i;

/** The feature endpoints as the sections that restate them read them: a missing field reads as its default. */
function statedEndpoints(features: readonly ApiEndpoint[]): StatedEndpoint[] {
  return features.map((e) => ({
    method: e.method,
    path: e.path,
    feature: e.feature ?? endpointKey(e),
    status: e.responseStatus ?? 200,
    // `Errors: none` (or `—`) states that the endpoint has no error of its own.
    errors: (e.errors ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '' && !NO_ERRORS.test(part)),
  }));
}

/** The body the pipeline writes for one of PIPELINE_SECTIONS. */
function pipelineBody(title: SpecSection, intent: Intent, features: readonly ApiEndpoint[]): string[] {
  if (title === 'Data Models') return dataModels(intent, features);
  if (title === 'Error Handling') return errorHandlingBody(intent, statedEndpoints(features));
  if (title === 'Testing') return testingBody(intent, features);
  if (title === 'Success Criteria') return successCriteriaBody(intent, statedEndpoints(features));
  return standardSectionBodies(intent)[title as StandardSection];
}

/** Whether the Requirements section has non-functional requirements, or a subheading for them. */
function hasNonFunctional(model: SpecModel): boolean {
  const heading = (text: string) => /^#{3,6}\s/.test(text) && NON_FUNCTIONAL.test(text);
  return (
    model.requirements.nonFunctional.length > 0 ||
    (model.section('Requirements')?.body.some((l) => heading(l.text)) ?? false)
  );
}

/** A functional requirement's own id, `FR-3` (not a sub-requirement's `FR-3.1`), at the start of its item. */
const REQUIREMENT_ID = /^(?:[-*+]|\d+[.)])?\s*[*_]{0,2}(FR-\d+)(?![.\d])/;

/** A sub-requirement's id, `FR-3.1`, at the start of its item: its requirement and its number. */
const SUB_REQUIREMENT_ID = /^(?:[-*+]|\d+[.)])?\s*[*_]{0,2}(FR-\d+)\.(\d+)\b/;

/** Whether `text` names the endpoint in code: `` `POST /refunds` `` or `` `/refunds` ``. */
function namesInCode(text: string, endpoint: { method: string; path: string }): boolean {
  return text.includes(`\`${endpointKey(endpoint)}\``) || text.includes(`\`${endpoint.path}\``);
}

/**
 * The failure requirement of each feature endpoint the Functional list does not state one for (a
 * sub-requirement naming it in code with a 4xx or 5xx status): numbered under the functional
 * requirement that names the endpoint in code (`FR-3` names \`POST /refunds\`: `FR-3.1`; a second
 * endpoint it names: `FR-3.2`), else under the one that names its feature, else under the last one.
 * The numbers follow the sub-requirements the list already has, so no id is given twice.
 */
function failureRequirements(model: SpecModel, features: readonly ApiEndpoint[]): FailureRequirement[] {
  const functional = model.requirements.functional;
  const requirements = functional.filter((r) => REQUIREMENT_ID.test(r.text));
  const idOf = (item: { text: string } | undefined) =>
    item ? REQUIREMENT_ID.exec(item.text)![1]! : undefined;
  const taken = new Map<string, number>();
  const subs = functional.filter((r) => SUB_REQUIREMENT_ID.test(r.text));
  for (const r of subs) {
    const [, base, n] = SUB_REQUIREMENT_ID.exec(r.text)!;
    taken.set(base!, Math.max(taken.get(base!) ?? 0, Number(n)));
  }
  const failures: FailureRequirement[] = [];
  statedEndpoints(features).forEach((e, i) => {
    if (subs.some((r) => namesInCode(r.text, e) && /\b[45]\d\d\b/.test(r.text))) return;
    const base =
      idOf(requirements.find((r) => r.text.includes(`\`${endpointKey(e)}\``))) ??
      idOf(requirements.find((r) => e.feature.trim() !== '' && r.text.includes(e.feature))) ??
      idOf(requirements.at(-1)) ??
      `FR-${i + 1}`;
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    failures.push({ id: `${base}.${n}`, path: e.path, errors: e.errors });
  });
  return failures;
}

const FR_U1 = /\bFR-U1\b/;

/**
 * Whether a SPEC is shaped as the model writes it: a Functional list without FR-U1 and no
 * non-functional requirements. Only such a SPEC gets the pipeline's functional lines; a Requirements
 * section written whole (a person's) keeps its list as written.
 */
function modelShaped(model: SpecModel): boolean {
  return !hasNonFunctional(model) && !model.requirements.functional.some((r) => FR_U1.test(r.text));
}

/**
 * Whether the pipeline still has sections to add: a SPEC without all of them is (a part of) the
 * model's, which gets the feature map and the API's opening lines too; a complete SPEC, whoever wrote
 * it, keeps its Purpose & Scope and API as written.
 */
function partial(model: SpecModel): boolean {
  return PIPELINE_SECTIONS.some((title) => !model.section(title));
}

/**
 * Each key feature with the feature endpoints that serve it (as the verifier traces them) and the
 * functional requirements that name one of those endpoints in code, else the feature itself.
 */
function featureTraces(intent: Intent, model: SpecModel): FeatureTrace[] {
  const features = featureEndpoints(model.endpoints);
  const served = servedFeatures(
    features.map((e) => e.feature),
    intent.key_features,
  );
  const requirements = model.requirements.functional.filter((r) => REQUIREMENT_ID.test(r.text));
  return intent.key_features.map((feature, index) => {
    const own = features.filter((_, i) => served[i]!.has(index));
    let stating = requirements.filter((r) => own.some((e) => namesInCode(r.text, e)));
    if (stating.length === 0) stating = requirements.filter((r) => r.text.includes(feature.trim()));
    const ids = stating.map((r) => REQUIREMENT_ID.exec(r.text)![1]!);
    return { feature, endpoints: own.map(endpointKey), requirements: [...new Set(ids)] };
  });
}

/**
 * Where completeSpec adds the feature map (featureMapLines): at the end of Purpose & Scope, in a
 * partial SPEC whose Purpose & Scope names none of its feature endpoints in code (a list of them the
 * model wrote stays alone).
 */
function featureMapInsert(
  intent: Intent,
  model: SpecModel,
  lines: readonly string[],
): { at: number; lines: string[] } | undefined {
  const section = model.section('Purpose & Scope');
  if (!section || !partial(model)) return undefined;
  const text = section.body.map((l) => l.text).join('\n');
  if (featureEndpoints(model.endpoints).some((e) => text.includes(`\`${endpointKey(e)}\``))) return undefined;
  let at = Math.min(section.line + section.body.length, lines.length);
  while (at > section.line && lines[at - 1]!.trim() === '') at--;
  return { at, lines: ['', ...featureMapLines(intent, featureTraces(intent, model))] };
}

/**
 * Where completeSpec adds the API section's opening lines (apiOpeningLines): before its first
 * endpoint, in a partial SPEC whose API section has nothing before that endpoint.
 */
function apiOpeningInsert(
  intent: Intent,
  model: SpecModel,
  lines: readonly string[],
): { at: number; lines: string[] } | undefined {
  const api = model.section('API');
  if (!api || !partial(model)) return undefined;
  const at = udcInsertAt(model, lines)!;
  for (let i = api.line; i < at; i++) if (lines[i]!.trim() !== '') return undefined;
  return { at, lines: [...apiOpeningLines(intent), ''] };
}

/**
 * Where completeSpec adds the functional lines the pipeline writes (functionalPipelineLines): after
 * the last line of the functional part of Requirements, in a SPEC whose Functional list has no FR-U1
 * and which has no non-functional requirements either, as the model writes Requirements. A SPEC
 * written whole (a person's) keeps its Functional list as written.
 */
function functionalInsert(
  intent: Intent,
  model: SpecModel,
  lines: readonly string[],
): { at: number; lines: string[]; joined: true } | undefined {
  const requirements = model.section('Requirements');
  if (!requirements || !modelShaped(model)) return undefined;
  const features = featureEndpoints(model.endpoints);
  const body = requirements.body;
  const nonFunctional = body.findIndex((l) => /^#{3,6}\s/.test(l.text) && NON_FUNCTIONAL.test(l.text));
  // body[j] is the 0-based line requirements.line + j.
  let at = Math.min(requirements.line + (nonFunctional >= 0 ? nonFunctional : body.length), lines.length);
  while (at > requirements.line && lines[at - 1]!.trim() === '') at--;
  const added = functionalPipelineLines(intent, failureRequirements(model, features));
  // Under a bare heading the list starts after a blank line; otherwise it continues the list.
  const afterHeading = /^#{1,6}\s/.test(lines[at - 1] ?? '');
  return { at, lines: afterHeading ? ['', ...added] : added, joined: true };
}

/**
 * The 0-based line before which completeSpec adds the missing UDC endpoints: the first endpoint of the
 * API section (the header of its table, when it is a table row), else the end of the section.
 */
function udcInsertAt(model: SpecModel, lines: readonly string[]): number | undefined {
  const api = model.section('API');
  if (!api) return undefined;
  const first = model.endpoints.find((e) => e.line > api.line);
  const end = api.line + api.body.length;
  let at = first !== undefined && first.line <= end ? first.line - 1 : end;
  // Before an endpoint table's header, not between its rows: the blocks would end the table.
  if (first?.layout === 'table') while (at > api.line && lines[at - 1]!.trimStart().startsWith('|')) at--;
  return at;
}

/**
 * `markdown` with what the pipeline writes added where it is missing: the sections of
 * PIPELINE_SECTIONS, each at its place in the contract order, the five UDC endpoints at the top of
 * the API section, the failure and UDC lines at the end of the Functional list, and the Non-functional
 * list at the end of Requirements. What the SPEC already has is kept as written, so a complete SPEC
 * comes back unchanged.
 */
export function completeSpec(intent: Intent, markdown: string): string {
  const model = readSpec(markdown);
  const lines = markdown.replace(/\n+$/, '').split('\n');
  const features = featureEndpoints(model.endpoints);
  /**
   * Lines to insert before a 0-based line index; applied from the bottom up so indexes stay valid.
   * `joined` lines continue the line before them (a list), so no blank line sets them apart.
   */
  const inserts: { at: number; lines: string[]; joined?: boolean }[] = [];

  const featureMap = featureMapInsert(intent, model, lines);
  if (featureMap) inserts.push(featureMap);
  // The opening lines before the UDC endpoints added at the same place: inserts there keep this order.
  const opening = apiOpeningInsert(intent, model, lines);
  if (opening) inserts.push(opening);

  const present = new Set(model.endpoints.map(endpointKey));
  const api = model.section('API');
  const missingUdc = udcBlocks(intent, features).filter((b) => !present.has(b.key));
  if (api && missingUdc.length > 0) {
    inserts.push({ at: udcInsertAt(model, lines)!, lines: missingUdc.flatMap((b) => [...b.lines, '']) });
  }

  const functional = functionalInsert(intent, model, lines);
  if (functional) inserts.push(functional);

  const requirements = model.section('Requirements');
  if (requirements && !hasNonFunctional(model)) {
    let at = Math.min(requirements.line + requirements.body.length, lines.length);
    while (at > requirements.line && lines[at - 1]!.trim() === '') at--;
    inserts.push({ at, lines: ['', '### Non-functional', '', ...nonFunctionalBody(intent, features[0])] });
  }

  const order = (title: SpecSection) => SPEC_SECTIONS.indexOf(title);
  for (const title of PIPELINE_SECTIONS) {
    if (model.section(title)) continue;
    const body = pipelineBody(title, intent, features);
    const next = model.sections.find((s) => order(s.title) > order(title));
    inserts.push({
      at: next ? next.section.line - 1 : lines.length,
      lines: [`## ${title}`, '', ...body, ''],
    });
  }
  if (inserts.length === 0) return markdown;
  // A stable sort: what is inserted at one place keeps the order it was pushed in (the contract order).
  inserts.sort((a, b) => b.at - a.at);
  for (let i = 0; i < inserts.length; ) {
    const at = inserts[i]!.at;
    const joined = inserts[i]!.joined === true;
    const group: string[] = [];
    for (; i < inserts.length && inserts[i]!.at === at; i++) {
      const part = inserts[i]!.lines;
      // Parts added at one place (the Non-functional list, then a section after it) keep a blank between them.
      if (group.length > 0 && group[group.length - 1] !== '' && part[0] !== '') group.push('');
      group.push(...part);
    }
    if (!joined && at === lines.length && lines[lines.length - 1] !== '' && group[0] !== '')
      group.unshift('');
    lines.splice(at, 0, ...group);
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

function trimBlankLines(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}

const sameLines = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((line, i) => line === b[i]);

/**
 * The 0-based lines of `markdown` that completeSpec would add and nobody changed since: the pipeline's
 * sections, lists and UDC endpoints, where they are exactly as the pipeline writes them for this
 * intent and completion would add them back where they are.
 */
function pipelineParts(intent: Intent, markdown: string): { lines: Set<number>; parts: string[] } {
  const model = readSpec(markdown);
  const lines = markdown.split('\n');
  const features = featureEndpoints(model.endpoints);
  const dropped = new Set<number>();
  const parts: string[] = [];
  const drop = (from: number, to: number) => {
    for (let i = from; i < to; i++) dropped.add(i);
  };
  const droppedBefore = (index: number) => [...dropped].filter((i) => i < index).length;
  /**
   * Whether `insertOf`, on the text without lines [from, to) and the parts dropped so far, adds exactly
   * those lines back where they are: only then may they be left out of what a call is sent.
   */
  const addedBack = (from: number, to: number, insertOf: typeof featureMapInsert): boolean => {
    const without = lines.filter((_, i) => !dropped.has(i) && (i < from || i >= to));
    const back = insertOf(intent, readSpec(without.join('\n')), without);
    return back?.at === from - droppedBefore(from) && sameLines(back.lines, lines.slice(from, to));
  };
  for (const ref of model.sections) {
    if (ref.synonym || !PIPELINE_SECTIONS.includes(ref.title)) continue;
    const body = pipelineBody(ref.title, intent, features);
    if (!sameLines(trimBlankLines(ref.section.body.map((l) => l.text)), body)) continue;
    drop(ref.section.line - 1, ref.section.line + ref.section.body.length);
    parts.push(`the ${ref.title} section`);
  }
  // The Non-functional list as completeSpec adds it: `### Non-functional`, a blank, the list.
  const requirements = model.section('Requirements');
  const body = requirements?.body ?? [];
  const headingAt = body.findIndex((l) => l.text.trim() === '### Non-functional');
  if (requirements && headingAt >= 0) {
    let end = headingAt + 1;
    while (end < body.length && !/^#{2,6}\s/.test(body[end]!.text)) end++;
    const list = trimBlankLines(body.slice(headingAt + 1, end).map((l) => l.text));
    if (sameLines(list, nonFunctionalBody(intent, features[0]))) {
      const first = requirements.line + headingAt; // 0-based index of the heading line
      const from = first > 0 && lines[first - 1]!.trim() === '' ? first - 1 : first;
      let to = requirements.line + end;
      while (to > first && lines[to - 1]!.trim() === '') to--;
      // completeSpec adds the list back only to a SPEC with no other non-functional heading or item.
      const without = lines.filter((_, i) => i < from || i >= to).join('\n');
      if (!hasNonFunctional(readSpec(without))) {
        drop(from, to);
        parts.push('the Non-functional list of Requirements');
      }
    }
  }
  // The functional lines as completeSpec adds them: FR-U1, FR-U2 and the failure requirements in the
  // pipeline's words before them, dropped when, in the text without them and the parts dropped so far,
  // it adds them all back where they are (an edited one keeps them all in).
  const [u1, u2] = functionalPipelineLines(intent, []);
  const u1At = requirements
    ? lines.findIndex((l, i) => i >= requirements.line && i < requirements.line + body.length && l === u1)
    : -1;
  if (u1At >= 0 && lines[u1At + 1] === u2) {
    let start = u1At;
    while (start > requirements!.line && PIPELINE_FAILURE.test(lines[start - 1]!)) start--;
    const [from, to] = [start, u1At + 2];
    if (addedBack(from, to, functionalInsert)) {
      drop(from, to);
      parts.push(FUNCTIONAL_PART);
    }
  }
  // The UDC endpoints as completeSpec adds them: the blocks that are whole as the pipeline writes them
  // (a person's note under one keeps it in), dropped only when completion adds them all back where they are.
  const udc = udcBlocks(intent, features);
  const unchanged = new Set<number>();
  for (const block of udc) {
    const endpoint = model.endpoints.find((e) => e.layout === 'heading' && endpointKey(e) === block.key);
    if (endpoint?.endLine === undefined) continue;
    const from = endpoint.line - 1;
    if (!sameLines(trimBlankLines(lines.slice(from, endpoint.endLine)), block.lines)) continue;
    const end = from + block.lines.length;
    for (let i = from; i < (lines[end]?.trim() === '' ? end + 1 : end); i++) unchanged.add(i);
  }
  if (unchanged.size > 0) {
    const from = Math.min(...unchanged);
    const without = lines.filter((_, i) => !dropped.has(i) && !unchanged.has(i));
    const back = readSpec(without.join('\n'));
    const present = new Set(back.endpoints.map(endpointKey));
    const added = udc.filter((b) => !present.has(b.key)).flatMap((b) => [...b.lines, '']);
    if (
      Math.max(...unchanged) - from + 1 === unchanged.size &&
      udcInsertAt(back, without) === from - droppedBefore(from) &&
      sameLines(lines.slice(from, from + unchanged.size), added)
    ) {
      drop(from, from + unchanged.size);
      parts.push(UDC_PART);
    }
  }
  // The feature map ending Purpose & Scope, as completeSpec adds it, likewise.
  const purpose = model.section('Purpose & Scope');
  if (purpose) {
    const map = ['', ...featureMapLines(intent, featureTraces(intent, model))];
    let end = Math.min(purpose.line + purpose.body.length, lines.length);
    while (end > purpose.line && lines[end - 1]!.trim() === '') end--;
    const from = end - map.length;
    if (
      from >= purpose.line &&
      sameLines(lines.slice(from, end), map) &&
      addedBack(from, end, featureMapInsert)
    ) {
      drop(from, end);
      parts.push(FEATURE_MAP_PART);
    }
  }
  // The API section's opening lines, likewise.
  const api = model.section('API');
  if (api) {
    const opening = [...apiOpeningLines(intent), ''];
    let from = api.line;
    while (from < lines.length && lines[from]!.trim() === '') from++;
    const to = from + opening.length;
    if (sameLines(lines.slice(from, to), opening) && addedBack(from, to, apiOpeningInsert)) {
      drop(from, to);
      parts.push(API_OPENING_PART);
    }
  }
  return { lines: dropped, parts };
}

/** A failure requirement as functionalPipelineLines writes it. */
const PIPELINE_FAILURE = /^- FR-\d+\.\d+: when a call to `/;

const UDC_PART = 'the UDC endpoints of the API';
const FEATURE_MAP_PART = 'the list of key features ending Purpose & Scope';
const API_OPENING_PART = 'the opening lines of the API';
const FUNCTIONAL_PART = 'the failure requirements and FR-U lines of the Functional list';

/**
 * The SPEC and its findings as an improve call sends them: without the pipeline's unchanged parts, so
 * the model neither reads them nor pays output tokens to write them back (completeSpec adds them to its
 * answer), and each finding at the line where its text now is. A finding on a dropped line keeps no
 * line (0). `leftOut` names the parts left out, for the prompt; empty when the SPEC goes whole.
 */
export function improvableSpec(
  intent: Intent,
  markdown: string,
  findings: readonly SpecFinding[],
): { spec: string; findings: SpecFinding[]; leftOut: string[] } {
  const { lines: dropped, parts } = pipelineParts(intent, markdown);
  if (dropped.size === 0) return { spec: markdown, findings: [...findings], leftOut: [] };
  const sorted = [...dropped].sort((a, b) => a - b);
  const droppedBefore = (index: number) => sorted.filter((i) => i < index).length;
  return {
    spec: markdown
      .split('\n')
      .filter((_, i) => !dropped.has(i))
      .join('\n'),
    findings: findings.map((f) =>
      f.line > 0 ? { ...f, line: dropped.has(f.line - 1) ? 0 : f.line - droppedBefore(f.line - 1) } : f,
    ),
    leftOut: parts,
  };
}

/** The `### ` blocks of a section's text without those `keep` refuses, by their heading. */
function withoutBlocks(part: string, keep: (heading: string) => boolean): string {
  return part
    .split(/^(?=### )/m)
    .filter((block, i) => i === 0 || keep(block.slice(4, block.indexOf('\n')).trim()))
    .join('');
}

/** The feature map as featureMapLines writes it, with the blank line before it. */
const FEATURE_MAP = /\nIt offers \d+ key features?, [^\n]*:\n(?:- [^\n]*\n)*/;

/** Whatever opens the API section before its first `### ` block (the pipeline's opening lines). */
const API_OPENING = /^(## API[^\n]*\n\n)[^#][\s\S]*?\n\n(?=### )/;

/** The Functional list's lines the pipeline writes, by their ids: `- FR-2.1: …`, `- FR-U1: …`. */
const PIPELINE_FUNCTIONAL = /^- FR-(?:\d+\.\d+|U\d+): .*\n/gm;

/**
 * What the model writes of a SPEC as whole as the offline writer's: the SPEC without the sections of
 * PIPELINE_SECTIONS, the feature map ending its Purpose & Scope, the opening lines and UDC endpoints of
 * its API section, the Non-functional list of its Requirements and the FR-n.1 and FR-U lines of its
 * Functional list, dropped by heading, id or shape whatever their text.
 * The cost benchmark and plan's estimate price a call's output with it, the offline SPEC standing in
 * for the model's.
 */
export function modelWrittenSpec(spec: string): string {
  const pipeline = new Set<string>(PIPELINE_SECTIONS);
  return spec
    .split(/^(?=## )/m)
    .filter((part) => !pipeline.has(part.slice(3, part.indexOf('\n')).trim()))
    .map((part) => {
      if (part.startsWith('## Purpose & Scope')) return part.replace(FEATURE_MAP, '');
      if (part.startsWith('## API'))
        return withoutBlocks(part.replace(API_OPENING, '$1'), (heading) => !UDC_KEYS.has(heading));
      if (part.startsWith('## Requirements'))
        return withoutBlocks(part, (heading) => !NON_FUNCTIONAL.test(heading)).replace(
          PIPELINE_FUNCTIONAL,
          '',
        );
      return part;
    })
    .join('');
}
