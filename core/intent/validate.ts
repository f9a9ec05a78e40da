import { basename, extname } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';
import { type LoadedMapping, loadYamlMapping, type PathSegment } from '../yaml-source.js';
import { routeConflicts } from './feature-routes.js';
import { describeIssue } from './issues.js';
import { INTENT_FIELDS, type Intent, IntentSchema } from './schema.js';

/** One intent file after validation of its own content (repository rules come later). */
export interface IntentFileReport {
  path: string;
  intent?: Intent;
  mapping?: LoadedMapping;
  errors: Diagnostic[];
}

/** `key_features[2]`; keys that are not plain words are quoted so an empty or odd key stays visible. */
export function fieldName(path: readonly PathSegment[]): string {
  return path.reduce<string>((name, segment) => {
    if (typeof segment === 'number') return `${name}[${segment}]`;
    const key = /^[A-Za-z_][\w-]*$/.test(segment) ? segment : JSON.stringify(segment);
    return name ? `${name}.${key}` : key;
  }, '');
}

export function intentNameFromPath(path: string): string {
  return basename(path, extname(path));
}

function duplicateEntries(
  report: Diagnostic[],
  mapping: LoadedMapping,
  path: string,
  field: 'key_features' | 'dependencies',
  items: readonly string[],
) {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const normalized = item.trim().toLowerCase();
    const first = seen.get(normalized);
    if (first === undefined) {
      seen.set(normalized, index);
      return;
    }
    const firstAt = mapping.locateValue([field, first]);
    report.push({
      path,
      ...mapping.locateValue([field, index]),
      field: `${field}[${index}]`,
      message: `'${item}' is listed twice (first at line ${firstAt.line}); keep one`,
    });
  });
}

// C0 control characters other than tab and newline: invisible in review, and raw in SPEC.md and prompts.
function firstControlCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a) return i;
  }
  return -1;
}
const C0_NAMES = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'HT',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

/** One error per string value that holds a control character, located at the value. */
function controlCharacters(report: Diagnostic[], mapping: LoadedMapping, path: string): void {
  const visit = (value: unknown, at: PathSegment[]): void => {
    if (typeof value === 'string') {
      const index = firstControlCharacter(value);
      if (index < 0) return;
      const code = value.charCodeAt(index);
      report.push({
        path,
        ...mapping.locateValue(at),
        field: fieldName(at),
        message:
          `contains the control character U+${code.toString(16).toUpperCase().padStart(4, '0')} ` +
          `(${C0_NAMES[code]}) at character ${index + 1}; remove it (only tab and newline are allowed)`,
      });
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, [...at, i]);
    } else if (value && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) visit(item, [...at, key]);
  };
  visit(mapping.value, []);
}

/** Validates one intent file's bytes: YAML limits, the schema, and rules that need only this file. */
export function validateIntentSource(path: string, bytes: Uint8Array): IntentFileReport {
  const loaded = loadYamlMapping(bytes, path);
  if (!loaded.ok) return { path, errors: loaded.errors };
  const { mapping } = loaded;
  const errors: Diagnostic[] = [];
  controlCharacters(errors, mapping, path);
  if (errors.length > 0) return { path, mapping, errors };
  const parsed = IntentSchema.safeParse(mapping.value);
  if (!parsed.success) {
    const reported = new Set<string>();
    for (const issue of parsed.error.issues) {
      const issuePath = issue.path as PathSegment[];
      // One error per field: a one-letter name breaks both the length and the pattern rule.
      const field = fieldName(issuePath);
      if (issue.code !== 'unrecognized_keys' && reported.has(field)) continue;
      reported.add(field);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          errors.push({
            path,
            ...mapping.locateKey([...issuePath, key]),
            field: fieldName([...issuePath, key]),
            message: `unknown field${didYouMean(key, INTENT_FIELDS)}`,
          });
        }
        continue;
      }
      const missing =
        issue.code === 'invalid_type' && issue.path.length === 1 && !(issuePath[0]! in mapping.value);
      errors.push({
        path,
        ...(missing ? mapping.locateValue([]) : mapping.locateValue(issuePath)),
        field: field || '(document)',
        message: describeIssue(issue, mapping.value),
      });
    }
    return { path, mapping, errors };
  }
  const intent = parsed.data;
  const expectedName = intentNameFromPath(path);
  if (intent.service_name !== expectedName) {
    errors.push({
      path,
      ...mapping.locateValue(['service_name']),
      field: 'service_name',
      message: `'${intent.service_name}' must equal the file's base name '${expectedName}' (rename one of them)`,
    });
  }
  intent.dependencies.forEach((dependency, index) => {
    if (dependency === intent.service_name) {
      errors.push({
        path,
        ...mapping.locateValue(['dependencies', index]),
        field: `dependencies[${index}]`,
        message: `'${dependency}' is the service itself; a service cannot depend on itself`,
      });
    }
  });
  duplicateEntries(errors, mapping, path, 'key_features', intent.key_features);
  duplicateEntries(errors, mapping, path, 'dependencies', intent.dependencies);
  errors.push(...routeConflicts(path, mapping, intent.key_features));
  return errors.length > 0 ? { path, mapping, errors } : { path, mapping, intent, errors };
}
