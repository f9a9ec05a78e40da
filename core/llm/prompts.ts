import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Intent } from '../intent/schema.js';
import { packageRoot } from '../package-root.js';
import type {
  CodeRequest,
  FileMap,
  ImproveSpecRequest,
  SpecFinding,
  SpecRequest,
  TestRequest,
} from '../ports/index.js';
import { featureEndpoints, readSpec, renderEndpoints } from '../spec/document/index.js';
import { SPEC_SECTIONS } from '../spec/sections.js';
import { serviceModelsListing } from './offline/service/models.js';
import { improvableSpec } from './spec-completion.js';

/**
 * The prompts of the model-backed tasks. Their text lives in `core/llm/prompts/*.md`; this module loads
 * the files and puts the request's data into them, always inside tags, so that intent and SPEC text
 * reach the model as data and never as instructions.
 */

export const PROMPT_FILES = [
  'system-spec.md',
  'system-service.md',
  'data-rules.md',
  'write-spec.md',
  'improve-spec.md',
  'service-context.md',
  'write-code.md',
  'write-tests.md',
  'feedback.md',
] as const;
export type PromptFile = (typeof PROMPT_FILES)[number];

/** Every tag the prompts wrap data in; data may not open or close any of them. */
export const DATA_TAGS = ['intent', 'spec', 'endpoints', 'findings', 'feedback', 'code', 'file'] as const;
export type DataTag = (typeof DATA_TAGS)[number];

/** Error output beyond this is cut from the front: the end of a log is where the failure is. */
export const FEEDBACK_LIMIT_CHARS = 12_000;

/** `core/llm/prompts/` of the package this module belongs to (see `packageRoot`). */
export function promptsDir(moduleUrl: string = import.meta.url): string {
  return join(packageRoot(moduleUrl), 'core', 'llm', 'prompts');
}

const loaded = new Map<PromptFile, string>();

export function loadPrompt(file: PromptFile): string {
  let text = loaded.get(file);
  if (text === undefined) {
    const path = join(promptsDir(), file);
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(
        `cannot read prompt ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    loaded.set(file, text);
  }
  return text;
}

/**
 * Fills `{{name}}` placeholders in one pass, so a value that itself contains `{{…}}` stays as written.
 * A placeholder without a value is a bug in the prompt files, not a user error.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`prompt placeholder {{${name}}} has no value`);
    return String(value);
  });
}

const TAG_NAME_IN_DATA = new RegExp(`<(\\s*/?\\s*)(${DATA_TAGS.join('|')})(?![a-z0-9_-])`, 'gi');

/**
 * Escapes every opening or closing data tag inside `text` (`</intent>` → `&lt;/intent>`), so data can
 * neither end its own block nor start a block of another kind. Everything else stays as written: code
 * keeps its `<` comparisons.
 */
export function neutraliseTags(text: string): string {
  return text.replace(TAG_NAME_IN_DATA, (_, between: string, name: string) => `&lt;${between}${name}`);
}

const ATTRIBUTE_ENTITIES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };

export function dataBlock(tag: DataTag, content: string, attributes: Record<string, string> = {}): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${value.replace(/[&"<>]/g, (c) => ATTRIBUTE_ENTITIES[c]!)}"`)
    .join('');
  return `<${tag}${attrs}>\n${neutraliseTags(content).replace(/\n$/, '')}\n</${tag}>`;
}

export function intentBlock(intent: Intent): string {
  return dataBlock('intent', JSON.stringify(intent, null, 2));
}

/**
 * The intent's fields the code and tests calls use. The rest (type, priority, the approval and deploy
 * switches) steer the SPEC and the pipeline, not the feature code.
 */
const SERVICE_INTENT_FIELDS = ['service_name', 'purpose', 'key_features', 'dependencies', 'port'] as const;

function serviceIntentBlock(intent: Intent): string {
  return dataBlock(
    'intent',
    JSON.stringify(Object.fromEntries(SERVICE_INTENT_FIELDS.map((key) => [key, intent[key]])), null, 2),
  );
}

export function findingsBlock(findings: readonly SpecFinding[]): string {
  const lines = findings.map((f) => `- ${f.line > 0 ? `line ${f.line}, ` : ''}rule ${f.rule}: ${f.message}`);
  return dataBlock('findings', lines.length > 0 ? lines.join('\n') : '(no findings)');
}

export function codeBlock(files: FileMap): string {
  const parts = Object.keys(files)
    .sort()
    .map((path) => dataBlock('file', files[path]!, { path }));
  return `<code>\n${parts.join('\n')}\n</code>`;
}

export function feedbackSection(feedback: string | undefined): string {
  if (feedback === undefined || feedback.trim() === '') return '';
  const cut = feedback.length - FEEDBACK_LIMIT_CHARS;
  const text = cut > 0 ? `[${cut} earlier characters cut]\n${feedback.slice(cut)}` : feedback;
  return renderTemplate(loadPrompt('feedback.md'), { feedback: dataBlock('feedback', text) });
}

/**
 * The two system prompts. The SPEC calls run in the bot and the code and tests calls in the Action,
 * after the SPEC's pull request is reviewed and merged: usually long after the API's five-minute cache
 * has let go of the SPEC call's prefix. So they share nothing worth caching, and each sends only the
 * instructions its tasks need: `spec` the SPEC format, `service` the generated service's rules.
 */
export type SystemPromptKind = 'spec' | 'service';

const SYSTEM_FILES: Record<SystemPromptKind, PromptFile> = {
  spec: 'system-spec.md',
  service: 'system-service.md',
};

/** The static instructions of one kind of call: identical for every call and every service, so the API can cache them. */
export function systemPrompt(kind: SystemPromptKind): string {
  const sections = SPEC_SECTIONS.map((title, i) => `${i + 1}. \`## ${title}\``).join('\n');
  return renderTemplate(loadPrompt(SYSTEM_FILES[kind]), {
    data_rules: loadPrompt('data-rules.md').trim(),
    spec_sections: sections,
  }).trim();
}

function common(intent: Intent) {
  return { intent: intentBlock(intent), service_name: intent.service_name, port: intent.port };
}

export function writeSpecPrompt({ intent }: SpecRequest): string {
  return renderTemplate(loadPrompt('write-spec.md'), common(intent)).trim();
}

const WHOLE_FORMAT =
  'Keep the format of the system prompt: the title, all eleven level-2 sections in order, the four bullet lines of each endpoint.';

/** `a`, `a and b`, `a, b and c`. */
const listOf = (parts: readonly string[]) =>
  parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');

const SECTION_PART = /^the (.+) section$/;

/**
 * improvableSpec's `leftOut` as a phrase, its sections named as one group where the first of them was:
 * `the Data Models, Testing and Deployment sections, the UDC endpoints of the API`.
 */
function leftOutPhrase(leftOut: readonly string[]): string {
  const sections = leftOut.flatMap((part) => SECTION_PART.exec(part)?.[1] ?? []);
  const at = leftOut.findIndex((part) => SECTION_PART.test(part));
  if (sections.length < 2) return listOf(leftOut);
  const others = leftOut.filter((part) => !SECTION_PART.test(part));
  return listOf([...others.slice(0, at), `the ${listOf(sections)} sections`, ...others.slice(at)]);
}

/** How the improve task asks for the SPEC back when `leftOut` names the parts the pipeline adds again. */
function trimmedFormat(leftOut: readonly string[]): string {
  return (
    `The SPEC above leaves out what the pipeline writes from the intent and your endpoints: ${leftOutPhrase(leftOut)}. ` +
    'It adds them again to your answer, so do not write them; keep every section you were given, in its order, and the four bullet lines of each endpoint.'
  );
}

export function improveSpecPrompt({ intent, spec, score, findings }: ImproveSpecRequest): string {
  const sent = improvableSpec(intent, spec, findings);
  return renderTemplate(loadPrompt('improve-spec.md'), {
    ...common(intent),
    spec: dataBlock('spec', sent.spec),
    score: Number.isFinite(score) ? Math.round(score) : 0,
    findings: findingsBlock(sent.findings),
    format: sent.leftOut.length > 0 ? trimmedFormat(sent.leftOut) : WHOLE_FORMAT,
  }).trim();
}

/**
 * The SPEC's endpoints as the assembly line reads them, in the `###` layout: a person may have written
 * the API as a table or a list, and the model must implement exactly what the build checks.
 */
export function endpointsBlock(spec: string): string {
  // The runtime serves the UDC endpoints: the model implements and tests the feature endpoints only.
  const endpoints = featureEndpoints(readSpec(spec).endpoints);
  return dataBlock('endpoints', endpoints.length > 0 ? renderEndpoints(endpoints) : '(no endpoint found)');
}

/**
 * `spec` without the feature endpoint blocks that endpointsBlock restates word for word (a SPEC in the
 * `###` layout, as the model writes it), so the code and tests calls do not pay for each endpoint
 * twice. A block with anything more (a note, another bullet, words after an example) stays in.
 */
export function withoutRestatedEndpoints(spec: string): string {
  const lines = spec.split('\n');
  const dropped = new Set<number>();
  for (const endpoint of featureEndpoints(readSpec(spec).endpoints)) {
    if (endpoint.layout !== 'heading' || endpoint.endLine === undefined) continue;
    const from = endpoint.line - 1;
    const block = lines.slice(from, endpoint.endLine);
    if (block.join('\n').trimEnd() !== renderEndpoints([endpoint])) continue;
    let to = endpoint.endLine;
    while (to < lines.length && lines[to]!.trim() === '') to++;
    for (let i = from; i < to; i++) dropped.add(i);
  }
  return dropped.size === 0 ? spec : lines.filter((_, i) => !dropped.has(i)).join('\n');
}

/**
 * A prompt in two parts: `shared` is the same for every call about one service and SPEC (the intent,
 * the SPEC, its endpoints), so the code and tests calls send it as one cached block; `task` follows it.
 */
export interface PromptParts {
  shared: string;
  task: string;
}

/** The text as one string, as the model reads it. */
export function joinParts(parts: PromptParts): string {
  return `${parts.shared}\n\n${parts.task}`;
}

/**
 * `app/models.py` as the pipeline writes it for this SPEC, in short (serviceModelsListing): the model
 * imports the classes and EXAMPLES and never writes them, so it needs their names, fields and types,
 * not their source. Data, since field aliases and made-up examples come from the SPEC's text.
 */
function modelsBlock(intent: Intent, spec: string): string {
  return dataBlock('code', serviceModelsListing(intent, spec));
}

/**
 * The intent, the SPEC, its feature endpoints and the pipeline's models of them, as the code and tests
 * calls share them: the SPEC without the pipeline's unchanged parts (they follow from the intent, which
 * the calls also get) and without the endpoint blocks the endpoints block restates.
 */
function serviceContext(intent: CodeRequest['intent'], spec: string): string {
  const sent = improvableSpec(intent, spec, []);
  const lean = withoutRestatedEndpoints(sent.spec);
  const leftOut = [...sent.leftOut, ...(lean !== sent.spec ? ['the feature endpoints, which follow'] : [])];
  return renderTemplate(loadPrompt('service-context.md'), {
    intent: serviceIntentBlock(intent),
    spec: dataBlock('spec', lean),
    left_out: leftOut.length > 0 ? `The SPEC above leaves out ${leftOutPhrase(leftOut)}. ` : '',
    endpoints: endpointsBlock(spec),
    models: modelsBlock(intent, spec),
  }).trim();
}

export function writeCodeParts({ intent, spec, feedback }: CodeRequest): PromptParts {
  return {
    shared: serviceContext(intent, spec),
    task: renderTemplate(loadPrompt('write-code.md'), {
      ...common(intent),
      feedback: feedbackSection(feedback),
    }).trim(),
  };
}

export function writeTestsParts({ intent, spec, code, feedback }: TestRequest): PromptParts {
  return {
    shared: serviceContext(intent, spec),
    task: renderTemplate(loadPrompt('write-tests.md'), {
      ...common(intent),
      code: codeBlock(code),
      feedback: feedbackSection(feedback),
    }).trim(),
  };
}

export function writeCodePrompt(request: CodeRequest): string {
  return joinParts(writeCodeParts(request));
}

export function writeTestsPrompt(request: TestRequest): string {
  return joinParts(writeTestsParts(request));
}
