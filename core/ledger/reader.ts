import { readFileSync } from 'node:fs';
import { ledgerFile } from './recorder.js';
import { applyEvent, LedgerEventSchema, type LedgerRecord } from './schema.js';

export interface InvalidLine {
  /** 1-based line number in the journal. */
  line: number;
  reason: string;
}

export interface LedgerContents {
  /** In the order the runs started (journal order). */
  records: LedgerRecord[];
  /** Lines that are not events, or events that do not fit their run; skipped. */
  invalid: InvalidLine[];
  /**
   * The file ends in a partial line: a writer is mid-append, or died mid-append. Not counted as invalid:
   * it is expected, and ignored.
   */
  tornLastLine: boolean;
}

/** Rebuilds the runs from a journal's text. Never throws: what cannot be read is counted in `invalid`. */
export function parseLedger(text: string): LedgerContents {
  const lines = text.split('\n');
  // After the last newline: empty for a well-formed file, a torn line otherwise.
  const tail = lines.pop() ?? '';
  const runs = new Map<string, LedgerRecord>();
  const invalid: InvalidLine[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const reason = applyLine(runs, line);
    if (reason) invalid.push({ line: index + 1, reason });
  });
  let tornLastLine = false;
  if (tail.trim() !== '') {
    // A complete last line that merely lacks its newline still counts.
    if (applyLine(runs, tail.trim()) !== undefined) tornLastLine = true;
  }
  return { records: [...runs.values()], invalid, tornLastLine };
}

function applyLine(runs: Map<string, LedgerRecord>, line: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  const parsed = LedgerEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `not a ledger event: ${issue.path.join('.') || 'line'}: ${issue.message}`;
  }
  return applyEvent(runs, parsed.data);
}

/** Reads `<dir>/ledger.jsonl`; a missing file is an empty ledger (no run recorded yet). */
export function readLedger(dir: string): LedgerContents & { path: string } {
  const path = ledgerFile(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { path, records: [], invalid: [], tornLastLine: false };
    }
    throw error;
  }
  return { path, ...parseLedger(text) };
}

/** One warning for the invalid lines (naming the first few), for people; empty when all is well. */
export function ledgerWarnings(contents: LedgerContents, displayPath: string): string[] {
  if (contents.invalid.length === 0) return [];
  const shown = contents.invalid
    .slice(0, 3)
    .map((i) => `line ${i.line}: ${i.reason}`)
    .join('; ');
  const more = contents.invalid.length > 3 ? `; and ${contents.invalid.length - 3} more` : '';
  const n = contents.invalid.length;
  return [`${displayPath}: skipped ${n} invalid line${n === 1 ? '' : 's'} (${shown}${more})`];
}
