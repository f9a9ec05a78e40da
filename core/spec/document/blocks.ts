/**
 * The block structure of a Markdown section body: which lines are fences or code, which form tables,
 * how deep a list item is indented. The readers of endpoints, models and variables share it.
 */

export interface BodyLine {
  line: number;
  text: string;
}

export type LineRole = 'fence' | 'code' | 'table' | 'text';

export interface ScannedLine extends BodyLine {
  role: LineRole;
}

const FENCE = /^\s*(```|~~~)/;

/** Each line marked as a fence, code inside a fence, a table row, or anything else. */
export function scanLines(body: readonly BodyLine[]): ScannedLine[] {
  let fence: string | undefined;
  return body.map(({ line, text }) => {
    const mark = FENCE.exec(text)?.[1];
    if (mark) {
      fence = fence === undefined ? mark : fence === mark ? undefined : fence;
      return { line, text, role: 'fence' };
    }
    if (fence !== undefined) return { line, text, role: 'code' };
    return { line, text, role: text.trim().startsWith('|') ? 'table' : 'text' };
  });
}

/** The cells of a table row; `|` inside inline code or escaped as `\|` does not split. */
export function tableCells(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  const row = text.trim();
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && row[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '`') {
      inCode = !inCode;
      cell += c;
    } else if (c === '|' && !inCode) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  // The leading and trailing pipes leave an empty first and last cell.
  if (row.startsWith('|')) cells.shift();
  if (row.endsWith('|') && cells.length > 0) cells.pop();
  return cells.map((c) => c.trim());
}

export function isSeparatorRow(text: string): boolean {
  return /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(text);
}

export interface TableRow {
  line: number;
  cells: string[];
}

export interface Table {
  /** Line of the header row. */
  line: number;
  headers: string[];
  rows: TableRow[];
}

/**
 * The tables among scanned lines: a header row, a separator row, then data rows. Rows without a
 * separator below the first are a table without header (`headers` empty).
 */
export function tablesIn(lines: readonly ScannedLine[]): Table[] {
  const tables: Table[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.role !== 'table') {
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && lines[i]!.role === 'table') i++;
    const block = lines.slice(start, i);
    const headed = block.length >= 2 && isSeparatorRow(block[1]!.text);
    tables.push({
      line: block[0]!.line,
      headers: headed ? tableCells(block[0]!.text) : [],
      rows: block
        .slice(headed ? 2 : 0)
        .filter((l) => !isSeparatorRow(l.text))
        .map((l) => ({ line: l.line, cells: tableCells(l.text) })),
    });
  }
  return tables;
}

/** A header or label as compared: lowercase words, no emphasis, no parenthesised note. */
export function normalizeLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export const LIST_ITEM = /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/;

/** Indentation (tabs as 4) and text of a list item; undefined for other lines. */
export function listItem(text: string): { indent: number; content: string } | undefined {
  const match = LIST_ITEM.exec(text);
  if (!match) return undefined;
  return { indent: match[1]!.replace(/\t/g, '    ').length, content: match[2]! };
}

/** Text without Markdown emphasis markers and inline-code ticks. */
export function plain(text: string): string {
  return text.replace(/\*\*|__|`/g, '').trim();
}
