import { type MarkdownOutline, type MarkdownSection, outline, resolveSection } from '../markdown.js';
import { SPEC_SECTIONS, type SpecSection } from '../sections.js';
import { type BodyLine, listItem, scanLines } from './blocks.js';
import { type ApiEndpoint, readEndpoints } from './endpoints.js';
import { type ConfigVariable, type DataModel, readModels, readVariables } from './models.js';

export type { BodyLine } from './blocks.js';
export {
  API_PATH_PATTERN,
  type ApiEndpoint,
  type EndpointLayout,
  endpointKey,
  featureEndpoints,
  HTTP_METHODS,
  type HttpMethod,
  inlineJson,
  isApiFieldLine,
  isValidApiPath,
  UDC_KEYS,
} from './endpoints.js';
export { servedFeatures } from './features.js';
export type { ConfigVariable, DataModel } from './models.js';
export { renderEndpoints } from './render.js';

export interface SpecSectionRef {
  title: SpecSection;
  section: MarkdownSection;
  /** Written under a synonym of its title (`## Endpoints` for `## API`). */
  synonym: boolean;
}

/** A requirement: one list item or table row (with its continuation lines), or one paragraph line. */
export interface RequirementItem {
  line: number;
  text: string;
}

/**
 * A SPEC read once: its sections (by title or synonym), endpoints in any layout, data models,
 * configuration variables and requirements. The verifier, the offline code generator and the prompts
 * all read this model, so they agree on what a SPEC says.
 */
export interface SpecModel {
  outline: MarkdownOutline;
  /** The SPEC sections found, in document order. */
  sections: SpecSectionRef[];
  endpoints: ApiEndpoint[];
  models: DataModel[];
  variables: ConfigVariable[];
  requirements: { functional: RequirementItem[]; nonFunctional: RequirementItem[] };
  section(title: SpecSection): MarkdownSection | undefined;
}

/** A Requirements subheading over non-functional requirements. */
export const NON_FUNCTIONAL = /non[\s-]?functional|quality|performance|constraints|sla\b/i;

function items(body: readonly BodyLine[]): RequirementItem[] {
  const result: RequirementItem[] = [];
  let open = false;
  for (const { line, text, role } of scanLines(body)) {
    if (role === 'fence' || role === 'code' || !text.trim()) {
      open = false;
      continue;
    }
    if (/^\s*\|?\s*:?-{2,}/.test(text)) continue;
    if (role === 'table' || listItem(text) || !open) {
      result.push({ line, text: text.trim() });
      open = role !== 'table';
    } else result[result.length - 1]!.text += ` ${text.trim()}`;
  }
  return result;
}

function readRequirements(section: MarkdownSection | undefined): SpecModel['requirements'] {
  const functional: BodyLine[] = [];
  const nonFunctional: BodyLine[] = [];
  let inNonFunctional = false;
  for (const entry of section?.body ?? []) {
    const heading = /^#{3,6}\s+(.*)$/.exec(entry.text);
    if (heading) inNonFunctional = NON_FUNCTIONAL.test(heading[1]!);
    else (inNonFunctional ? nonFunctional : functional).push(entry);
  }
  return { functional: items(functional), nonFunctional: items(nonFunctional) };
}

/** Reads a SPEC into its model. Pure: the same markdown always gives the same model. */
export function readSpec(markdown: string): SpecModel {
  const doc = outline(markdown);
  const sections: SpecSectionRef[] = [];
  for (const title of SPEC_SECTIONS) {
    const resolved = resolveSection(doc, title);
    if (resolved) sections.push({ title, ...resolved });
  }
  sections.sort((a, b) => a.section.line - b.section.line);
  const find = (title: SpecSection) => sections.find((s) => s.title === title)?.section;
  // Models and requirements are read when asked for: the verifier needs neither on every SPEC.
  let models: DataModel[] | undefined;
  let requirements: SpecModel['requirements'] | undefined;
  return {
    outline: doc,
    sections,
    endpoints: readEndpoints(find('API')?.body ?? []),
    get models() {
      models ??= readModels(find('Data Models')?.body ?? []);
      return models;
    },
    variables: readVariables(find('Configuration')?.body ?? []),
    get requirements() {
      requirements ??= readRequirements(find('Requirements'));
      return requirements;
    },
    section: find,
  };
}
