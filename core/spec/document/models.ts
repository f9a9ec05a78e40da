import {
  type BodyLine,
  listItem,
  normalizeLabel,
  plain,
  type ScannedLine,
  scanLines,
  tablesIn,
} from './blocks.js';

/** A data model the SPEC describes, with the names of its fields. */
export interface DataModel {
  name: string;
  line: number;
  fields: string[];
  /** How it was written. */
  source: 'bullet' | 'table' | 'code' | 'heading';
}

/** A configuration variable (`PORT`, `REGISTRY_URL`) with its default when the SPEC gives one. */
export interface ConfigVariable {
  name: string;
  line: number;
  default?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MODEL_NAME = /^[A-Z][A-Za-z0-9]*$/;
/** `class Charge(BaseModel):`, `interface Charge {`, `type Charge = {`, `message Charge {`, `CREATE TABLE charges (`. */
const DECLARATION =
  /^\s*(?:export\s+)?(?:class|interface|type|message|struct|record|model|create\s+table)\s+[`"]?([A-Za-z_][A-Za-z0-9_]*)/i;
/** `amount: int`, `amount?: number;`, `amount int,`, `"amount": 4200`, `int32 amount = 1;`. */
const FIELD_DECLARATION = /^\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\??\s*(?::|\s+[A-Za-z[])/;
const NOT_FIELDS = new Set(['class', 'def', 'return', 'pass', 'from', 'import', 'model_config', 'config']);

/** Field names in inline code spans: `` `id: str, amount: int` `` or `` `{"id": "x"}` `` or `` `id` ``. */
function codeFields(text: string): string[] {
  const fields: string[] = [];
  for (const match of text.matchAll(/`([^`]+)`/g)) {
    const span = match[1]!;
    const json = jsonObject(span);
    if (json) fields.push(...Object.keys(json));
    else
      for (const part of span.split(/[,;{}]/)) {
        const name = /^\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*(?:[:?(]|$)/.exec(part)?.[1];
        if (name && !fields.includes(name)) fields.push(name);
      }
  }
  return fields;
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trim().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `Charge`, `**Charge**`, `` `Charge` `` at the start of a bullet, before a colon, dash or parenthesis. */
function leadingName(content: string): string | undefined {
  const match = /^(?:\*\*|__|`)?([A-Za-z_][A-Za-z0-9_]*)(?:\*\*|__|`)?\s*(?::|—|–|-\s|\(|$)/.exec(
    content.trim(),
  );
  return match?.[1];
}

function modelsFromCode(block: readonly ScannedLine[], before: string | undefined): DataModel[] {
  const models: DataModel[] = [];
  const text = block.map((l) => l.text).join('\n');
  const json = jsonObject(text);
  if (json && block[0])
    return [{ name: before ?? 'Model', line: block[0].line, fields: Object.keys(json), source: 'code' }];
  let current: DataModel | undefined;
  for (const { line, text: row } of block) {
    const declared = DECLARATION.exec(row);
    if (declared) {
      current = { name: declared[1]!, line, fields: [], source: 'code' };
      models.push(current);
      continue;
    }
    const field = FIELD_DECLARATION.exec(row)?.[1];
    if (current && field && /^\s/.test(row) && !NOT_FIELDS.has(field) && !current.fields.includes(field))
      current.fields.push(field);
  }
  return models;
}

/**
 * Models of a Data Models section: bullets (`` - **Charge**: `id: str, amount: int` `` or nested field
 * bullets), tables (a row per model, or a field/type table under a model's name), code blocks (classes,
 * interfaces, JSON objects) and `### Name` headings with field bullets.
 */
export function readModels(body: readonly BodyLine[]): DataModel[] {
  const lines = scanLines(body);
  const models: DataModel[] = [];
  /** The model that nested bullets, a field table or a code block below belong to. */
  let owner: DataModel | undefined;
  let ownerIndent = -1;
  let lastName: string | undefined;
  const tables = new Map(tablesIn(lines).map((t) => [t.line, t]));
  for (let i = 0; i < lines.length; i++) {
    const entry = lines[i]!;
    if (entry.role === 'fence') {
      let end = i + 1;
      while (end < lines.length && lines[end]!.role === 'code') end++;
      const found = modelsFromCode(
        lines.slice(i + 1, end),
        owner?.fields.length === 0 ? owner.name : lastName,
      );
      if (owner && owner.fields.length === 0 && found.length === 1 && found[0]!.name === owner.name)
        owner.fields.push(...found[0]!.fields);
      else models.push(...found);
      i = end;
      continue;
    }
    const table = tables.get(entry.line);
    if (table) {
      const headers = table.headers.map(normalizeLabel);
      const nameColumn = headers.findIndex((h) => /^(?:model|entity|schema|name|type|object)$/.test(h));
      const fieldsColumn = headers.findIndex((h) =>
        /^(?:fields?|attributes|properties|shape|columns)$/.test(h),
      );
      // `| field | type |` lists the fields of one model, even though "type" could name models.
      const fieldTable = /^(?:field|property|attribute|column|key|name)s?$/.test(headers[0] ?? '');
      if (!fieldTable && nameColumn >= 0 && fieldsColumn >= 0 && nameColumn !== fieldsColumn) {
        for (const row of table.rows) {
          const name = plain(row.cells[nameColumn] ?? '');
          const cell = row.cells[fieldsColumn] ?? '';
          const fields = codeFields(cell);
          if (fields.length === 0)
            fields.push(
              ...plain(cell)
                .split(/[,;]\s*/)
                .map((f) => f.split(/[\s(:]/)[0]!)
                .filter((f) => IDENTIFIER.test(f)),
            );
          if (IDENTIFIER.test(name)) models.push({ name, line: row.line, fields, source: 'table' });
        }
      } else {
        // A field table: the first column names fields of the model named just before it.
        const fields = table.rows.map((r) => plain(r.cells[0] ?? '')).filter((f) => IDENTIFIER.test(f));
        const name = owner?.fields.length === 0 ? owner.name : lastName;
        if (owner && owner.fields.length === 0) owner.fields.push(...fields);
        else if (name && fields.length > 0) models.push({ name, line: table.line, fields, source: 'table' });
      }
      i = lines.findIndex((l) => l.line === (table.rows.at(-1)?.line ?? table.line));
      continue;
    }
    const heading = /^\s{0,3}#{3,6}\s+(.*?)\s*#*\s*$/.exec(entry.text);
    if (heading) {
      const name = plain(heading[1]!).split(/\s/)[0] ?? '';
      owner = undefined;
      lastName = undefined;
      if (MODEL_NAME.test(name)) {
        owner = { name, line: entry.line, fields: [], source: 'heading' };
        ownerIndent = -1;
        models.push(owner);
      }
      continue;
    }
    const item = listItem(entry.text);
    if (item) {
      const name = leadingName(item.content);
      if (owner && item.indent > ownerIndent && name && (ownerIndent >= 0 || owner.source === 'heading')) {
        if (!owner.fields.includes(name)) owner.fields.push(name);
        continue;
      }
      if (name && /^[A-Z]/.test(name)) {
        const fields = codeFields(item.content).filter((f) => f !== name);
        owner = { name, line: entry.line, fields, source: 'bullet' };
        ownerIndent = item.indent;
        models.push(owner);
        lastName = name;
      }
      continue;
    }
    // A paragraph naming a model ("**Charge**", "A `Charge` has:") before its table or code.
    const named = /(?:\*\*|`)([A-Z][A-Za-z0-9]*)(?:\*\*|`)/.exec(entry.text)?.[1];
    if (named) lastName = named;
  }
  // A heading that introduced nothing is not a model.
  return models.filter((m) => m.fields.length > 0);
}

const VARIABLE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** Variables of a Configuration section: table rows, bullets and `NAME=value` lines. */
export function readVariables(body: readonly BodyLine[]): ConfigVariable[] {
  const lines = scanLines(body);
  const variables: ConfigVariable[] = [];
  const add = (name: string, line: number, value?: string) => {
    if (!VARIABLE.test(name) || variables.some((v) => v.name === name)) return;
    const variable: ConfigVariable = { name, line };
    const cleaned =
      value === undefined
        ? ''
        : plain(value)
            .replace(/^default:?\s*/i, '')
            .trim();
    if (cleaned) variable.default = cleaned;
    variables.push(variable);
  };
  for (const table of tablesIn(lines)) {
    const headers = table.headers.map(normalizeLabel);
    const defaultColumn = headers.findIndex((h) => /^(?:default|default value|value|example)/.test(h));
    for (const row of table.rows) {
      const nameIndex = row.cells.findIndex((c) => VARIABLE.test(plain(c)));
      if (nameIndex < 0) continue;
      const value = defaultColumn >= 0 && defaultColumn !== nameIndex ? row.cells[defaultColumn] : undefined;
      add(plain(row.cells[nameIndex]!), row.line, value);
    }
  }
  for (const { line, text, role } of lines) {
    if (role === 'table' || role === 'fence') continue;
    const content = role === 'code' ? text : (listItem(text)?.content ?? '');
    const assignment = /^\s*(?:export\s+)?`?([A-Z][A-Z0-9_]+)`?\s*=\s*`?([^`\s]*)/.exec(content);
    if (assignment) {
      add(assignment[1]!, line, assignment[2]);
      continue;
    }
    const bullet = /^(?:\*\*|`)*([A-Z][A-Z0-9_]+)(?:\*\*|`)*\s*(.*)$/.exec(content);
    if (bullet) {
      const value = /\bdefaults?\b\s*(?:is|to|:)?\s*`?([^`\s,;)]+)/i.exec(bullet[2]!)?.[1];
      add(bullet[1]!, line, value);
    }
  }
  return variables.sort((a, b) => a.line - b.line);
}
