import { failureLine } from './annotations.js';
import { formatDuration, type PhaseTiming } from './log-groups.js';
import { formatUdcMarkdown, type PipelineResult } from './pipeline.js';

/** GitHub refuses a step summary over 1 MiB; stay well below it. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 64 * 1024;
const MAX_ROWS = 50;

const STATUS_LINE: Record<PipelineResult['status'], string> = {
  deployed: ':white_check_mark: deployed',
  built: ':white_check_mark: built',
  'spec-ready': ':white_check_mark: SPEC ready',
  'needs-human-review': ':warning: needs human review',
  failed: ':x: failed',
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

function more(total: number, shown: number): string {
  return total > shown ? `\n\n…and ${total - shown} more.` : '';
}

export interface SummaryInput {
  command: string;
  intent: string;
  environment: string;
  result: PipelineResult;
  timings: readonly PhaseTiming[];
  /** What happened to the GitHub Deployment, one line. */
  deployment?: string;
}

/** The job summary in Markdown: the outcome, the phases with their times, and each phase's figures. */
export function renderSummary(input: SummaryInput): string {
  const { result } = input;
  const parts: string[] = [];
  parts.push(`## Assembly Line: ${result.service} — ${STATUS_LINE[result.status]}`);
  parts.push(cell(result.message));

  const tests = result.tests;
  const facts: [string, string | undefined][] = [
    ['command', `\`${input.command}\` ${input.intent}`],
    ['service URL', result.serviceUrl],
    ['release', result.releaseId],
    [
      'serving after the failure',
      result.deploy?.serving
        ? `${result.deploy.serving.releaseId} at ${result.deploy.serving.url}`
        : undefined,
    ],
    ['SPEC score', result.score !== undefined ? `${result.score} / 100` : undefined],
    [
      'tests',
      tests
        ? `${tests.passed} passed, ${tests.failed} failed, ${tests.errors} errors, ${tests.skipped} skipped`
        : undefined,
    ],
    [
      'coverage',
      result.coverage !== undefined && result.coverage !== null ? `${result.coverage}%` : undefined,
    ],
    ['pyflakes', tests || result.lint.length > 0 ? `${result.lint.length} finding(s)` : undefined],
    ['approval mode', result.approvalMode],
    ['GitHub Deployment', input.deployment ? `${input.environment}: ${input.deployment}` : undefined],
    ['model cost', `$${result.costUsd.toFixed(4)}`],
  ];
  parts.push(
    table(
      ['', ''],
      facts.filter((f): f is [string, string] => f[1] !== undefined).map(([k, v]) => [`**${k}**`, v]),
    ),
  );

  if (input.timings.length > 0) {
    const total = input.timings.reduce((n, t) => n + t.durationMs, 0);
    parts.push(`### Phases (${formatDuration(total)})`);
    parts.push(
      table(
        ['phase', 'outcome', 'time', 'detail'],
        input.timings.map((t) => [t.phase, t.outcome, formatDuration(t.durationMs), t.detail ?? '']),
      ),
    );
  }

  if (tests && tests.failing.length > 0) {
    parts.push('### Failing tests');
    const shown = tests.failing.slice(0, MAX_ROWS);
    parts.push(
      table(
        ['test', 'where', 'outcome'],
        shown.map((t) => [
          `\`${t.name}\``,
          t.file ? `${t.file}${failureLine(t) ? `:${failureLine(t)}` : ''}` : '',
          t.outcome,
        ]),
      ) + more(tests.failing.length, shown.length),
    );
  }

  if (result.lint.length > 0) {
    parts.push('### pyflakes findings');
    const shown = result.lint.slice(0, MAX_ROWS);
    parts.push(
      table(
        ['where', 'message'],
        shown.map((m) => [`${m.file}:${m.line}${m.col ? `:${m.col}` : ''}`, m.message]),
      ) + more(result.lint.length, shown.length),
    );
  }

  if (result.udc) {
    parts.push(
      `### UDC verification (${result.udc.rows.filter((r) => r.ok).length}/${result.udc.rows.length})`,
    );
    parts.push(formatUdcMarkdown(result.udc).trimEnd());
  }

  if (result.deploy?.logTail) {
    parts.push(
      `<details><summary>Log tail of release ${result.releaseId ?? ''}</summary>\n\n\`\`\`\n${result.deploy.logTail.replace(/```/g, "'''")}\n\`\`\`\n\n</details>`,
    );
  }
  return fitSummary(`${parts.join('\n\n')}\n`);
}

/** Cuts a summary to GitHub's limit, on a line boundary, saying so. */
export function fitSummary(markdown: string, limit = SUMMARY_LIMIT_BYTES): string {
  if (Buffer.byteLength(markdown) <= limit) return markdown;
  const note = '\n\n…the summary was cut to fit GitHub’s 1 MiB limit.\n';
  let cut = markdown.slice(0, limit - Buffer.byteLength(note));
  while (Buffer.byteLength(cut) > limit - Buffer.byteLength(note)) cut = cut.slice(0, -1024);
  return `${cut.slice(0, cut.lastIndexOf('\n'))}${note}`;
}
