import { stringify } from 'yaml';
import { INTENT_FIELDS } from './schema.js';

/** The first line of every intent file: editors that speak YAML's language server check it against the schema. */
export const INTENT_SCHEMA_COMMENT = '# yaml-language-server: $schema=../schemas/intent.schema.json';

/**
 * An intent as a file: the schema comment line, then its fields in the schema's order (fields the
 * schema does not know follow, so a validator can point at them). The same fields give the same bytes.
 */
export function formatIntentFile(fields: Readonly<Record<string, unknown>>): string {
  const known = INTENT_FIELDS.filter((key) => fields[key] !== undefined);
  const unknown = Object.keys(fields).filter((key) => !(INTENT_FIELDS as string[]).includes(key));
  const ordered = Object.fromEntries([...known, ...unknown].map((key) => [key, fields[key]]));
  return `${INTENT_SCHEMA_COMMENT}\n${stringify(ordered, { lineWidth: 0 })}`;
}
