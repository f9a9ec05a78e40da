import { resolve } from 'node:path';
import { currentPhase, dashboard, recordIntentId, runCost } from '../ledger/dashboard.js';
import { ledgerWarnings, readLedger } from '../ledger/reader.js';
import { ledgerDir } from '../ledger/recorder.js';
import type { LedgerRecord } from '../ledger/schema.js';
import { displayPath, findRepositoryRoot } from '../repo-files.js';
import type { Style } from '../style.js';
import { type Command, FORMAT_OPTION, outputFormat } from './command.js';
import { EXIT, styleFor, UsageError, UserError } from './io.js';

const DEFAULT_RECENT = 10;

/** The `status` command reading the time from `clock`, so tests can fix "today". */
export function createStatusCommand(clock: () => number = Date.now): Command {
  return {
    name: 'status',
    summary: 'Show the pipelines of this repository: today, active runs, recent runs',
    usage: '',
    description:
      'Reads the ledger (.assembly-line/ledger.jsonl of the enclosing repository) and prints the dashboard:\n' +
      "today's runs and success rate (UTC day), the pipelines under way with their phase, and the most\n" +
      'recent runs with outcome, score and model cost. --format json prints the dashboard as JSON:\n' +
      '{"summary": {...}, "active_pipelines": [...], "queue": [...]}.',
    options: {
      ...FORMAT_OPTION,
      ledger: {
        type: 'string',
        valueName: 'DIR',
        description: 'The directory holding ledger.jsonl (default: .assembly-line of the repository).',
      },
      recent: {
        type: 'string',
        valueName: 'N',
        default: String(DEFAULT_RECENT),
        description: 'How many recent runs the text output lists.',
      },
    },
    exitCodes: ['0  the ledger was read (even with skipped invalid lines)', '1  the ledger cannot be read'],
    async run({ io, values, positionals }) {
      if (positionals.length > 0) throw new UsageError('status takes no arguments');
      const recentCount = Number(values.recent ?? DEFAULT_RECENT);
      if (!Number.isInteger(recentCount) || recentCount < 0) {
        throw new UsageError(`status: --recent must be a whole number ≥ 0, not '${String(values.recent)}'`);
      }
      let dir: string;
      if (typeof values.ledger === 'string') dir = resolve(io.cwd, values.ledger);
      else {
        const root = findRepositoryRoot(io.cwd);
        if (!root)
          throw new UserError('no intents/ folder here or in any parent directory; pass --ledger DIR');
        dir = ledgerDir(root);
      }
      let contents: ReturnType<typeof readLedger>;
      try {
        contents = readLedger(dir);
      } catch (error) {
        throw new UserError(
          `cannot read the ledger in ${displayPath(dir, io.cwd)}: ${(error as Error).message}`,
        );
      }
      const err = styleFor(io.stderr, io.env);
      for (const warning of ledgerWarnings(contents, displayPath(contents.path, io.cwd))) {
        io.stderr.write(`assembly-line: ${err.yellow('warning')}: ${warning}\n`);
      }
      const now = clock();
      // The queue lives in the bot's memory; the CLI sees only what the ledger recorded.
      const board = dashboard(contents.records, now);
      if (outputFormat(values) === 'json') {
        io.stdout.write(`${JSON.stringify(board, null, 2)}\n`);
        return EXIT.ok;
      }
      const out = styleFor(io.stdout, io.env);
      const s = board.summary;
      const lines = [
        out.bold(`Today (${new Date(now).toISOString().slice(0, 10)} UTC)`),
        `  runs ${s.total_intents_today} · completed ${s.completed_today} · failed ${s.failed_today} · ` +
          `success rate ${Math.round(s.success_rate * 100)}% · average ${s.avg_pipeline_duration_minutes} min`,
        '',
        out.bold(`Active pipelines (${board.active_pipelines.length})`),
        ...(board.active_pipelines.length === 0
          ? ['  none']
          : table(
              contents.records
                .filter((r) => r.outcome === 'running')
                .map((r) => [recordIntentId(r), r.kind, currentPhase(r), `since ${shortTime(r.started_at)}`]),
            )),
        '',
        out.bold(
          `Recent runs (${Math.min(recentCount, contents.records.length)} of ${contents.records.length})`,
        ),
        ...(contents.records.length === 0
          ? ['  no runs recorded yet']
          : table(
              [
                ['STARTED (UTC)', 'KIND', 'INTENT', 'OUTCOME', 'SCORE', 'COST', 'DURATION'],
                ...recentRuns(contents.records, recentCount).map((r) => recentRow(r, out)),
              ],
              out.dim,
            )),
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
      return EXIT.ok;
    },
  };
}

export const statusCommand: Command = createStatusCommand();

function recentRuns(records: readonly LedgerRecord[], count: number): LedgerRecord[] {
  return [...records].sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at)).slice(0, count);
}

/** A table cell: its text, and optionally a colour applied after padding (escape codes have no width). */
type Cell = string | { text: string; style: (text: string) => string };

function recentRow(record: LedgerRecord, out: Style): Cell[] {
  const style =
    record.outcome === 'succeeded' ? out.green : record.outcome === 'running' ? out.yellow : out.red;
  const score = record.score_history.at(-1);
  const duration = record.finished_at
    ? `${((Date.parse(record.finished_at) - Date.parse(record.started_at)) / 60_000).toFixed(1)} min`
    : '-';
  return [
    shortTime(record.started_at),
    record.kind,
    recordIntentId(record),
    { text: record.outcome, style },
    score === undefined ? '-' : String(score),
    `$${runCost(record).toFixed(4)}`,
    duration,
  ];
}

function shortTime(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

function table(rows: Cell[][], header?: (text: string) => string): string[] {
  const text = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);
  const widths = rows.reduce<number[]>(
    (acc, row) => row.map((cell, i) => Math.max(acc[i] ?? 0, text(cell).length)),
    [],
  );
  return rows.map((row, index) => {
    const cells = row.map((cell, i) => {
      const padded = i === row.length - 1 ? text(cell) : text(cell).padEnd(widths[i]!);
      return typeof cell === 'string' ? padded : cell.style(padded);
    });
    const line = `  ${cells.join('  ')}`;
    return index === 0 && header ? header(line) : line;
  });
}
