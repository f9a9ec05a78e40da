import type { Annotation, CheckRunFields, Intent, Verification, VerificationRecord } from '../core.js';
import { PASSING_SCORE, withMarker } from '../core.js';

/** What the SPEC line wrote or re-verified for one intent: the input of every text the bot shows. */
export interface SpecReport {
  intent: Intent;
  specPath: string;
  verification: Verification;
  record: VerificationRecord;
  /** Whether the SPEC is a person's (re-verified, never rewritten). */
  byPerson: boolean;
}

export const CHECK_NAME = 'Assembly Line: SPEC gate';
/** GitHub caps a check run's summary and text at 65,535 characters. */
const MAX_OUTPUT = 65_000;

const clip = (text: string) => (text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}\n\n…(cut)` : text);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function ruleTable(verification: Verification): string {
  const rows = verification.rules.map(
    (r) => `| ${cell(r.title)} | ${r.weight} | ${Math.round(r.score * 100)}% | ${r.findings.length} |`,
  );
  return ['| rule | weight | earned | findings |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
}

export function findingList(report: SpecReport, limit = 30): string {
  const findings = report.verification.rules.flatMap((r) =>
    r.findings.map((f) => `- ${report.specPath}:${f.line} (${cell(r.title)}): ${f.message}`),
  );
  if (findings.length === 0) return '_No findings._';
  const more = findings.length > limit ? [`- …and ${findings.length - limit} more in the check run`] : [];
  return [...findings.slice(0, limit), ...more].join('\n');
}

function costLine(record: VerificationRecord): string {
  const t = record.tokens;
  return (
    `$${record.cost_usd.toFixed(4)} (${record.provider}${record.models.length ? `, ${record.models.join(', ')}` : ''}; ` +
    `${t.input} input, ${t.output} output, ${t.cache_read} cache-read tokens)`
  );
}

export function verdict(report: SpecReport): string {
  const { score, passed } = report.verification;
  return passed
    ? `score ${score}/100, passes the gate (${PASSING_SCORE})`
    : `score ${score}/100, below the gate (${PASSING_SCORE})`;
}

/** The SPEC pull request's body, with the hidden marker a restarted bot reads its state from. */
export function pullRequestBody(
  report: SpecReport,
  marker: { intentHash: string; specHash: string },
): string {
  const { intent, record } = report;
  const history = record.score_history.join(' → ');
  const body = [
    `SPEC for the intent **${intent.service_name}** (priority ${intent.priority}, approval ${intent.approval_mode}).`,
    '',
    `**${verdict(report)}**; scores by cycle: ${history || 'n/a'}; ${record.optimization_cycles} optimization cycle(s).`,
    '',
    ruleTable(report.verification),
    '',
    '### Findings',
    findingList(report),
    '',
    `**Model cost:** ${costLine(record)}`,
    '',
    intent.approval_mode === 'checkpoints'
      ? 'Approve this pull request to merge it: the bot merges once the gate passes and a writer has approved the head commit.'
      : 'The bot merges this pull request once the gate passes.',
    '',
    'Commands (writers only): `/assembly-line regenerate`, `optimize`, `plan`, `retry`.',
  ].join('\n');
  return withMarker(clip(body), {
    intent: intent.service_name,
    intent_hash: marker.intentHash,
    spec_hash: marker.specHash,
  });
}

export function specAnnotations(report: SpecReport): Annotation[] {
  return report.verification.rules.flatMap((r) =>
    r.findings.map(
      (f): Annotation => ({
        path: report.specPath,
        startLine: Math.max(1, f.line),
        endLine: Math.max(1, f.line),
        level: report.verification.passed ? 'warning' : 'failure',
        title: r.title,
        message: f.message,
      }),
    ),
  );
}

export function gateCheck(report: SpecReport): CheckRunFields {
  const { verification } = report;
  return {
    status: 'completed',
    conclusion: verification.passed ? 'success' : 'failure',
    title: `${report.intent.service_name}: ${verdict(report)}`,
    summary: clip(
      [
        `**${verdict(report)}**${report.byPerson ? " — a person's SPEC, re-verified, never rewritten" : ''}.`,
        '',
        ruleTable(verification),
      ].join('\n'),
    ),
    annotations: specAnnotations(report),
  };
}
