import type { FailingTest, LintMessage, PipelineResult } from './pipeline.js';

/**
 * Annotations at file and line for what failed the build. GitHub shows at most 10 annotations of each
 * kind per step and 50 per job; past that they are dropped silently. So this step spends at most 10
 * errors, shared fairly between failing tests and lint findings, and says how many more the job summary
 * lists.
 */
export const PER_KIND_PER_STEP = 10;

export interface Annotation {
  kind: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
  file?: string;
  startLine?: number;
  startColumn?: number;
}

function firstLines(text: string, lines = 12, chars = 1500): string {
  const cut = text.trim().split('\n').slice(-lines).join('\n');
  return cut.length > chars ? `…${cut.slice(-chars)}` : cut;
}

/**
 * The line where a test failed: pytest's traceback names it (`tests/test_main.py:42: AssertionError`),
 * relative to the service; the test's own line (its `def`) when the traceback does not.
 */
export function failureLine(test: FailingTest): number | undefined {
  if (!test.file) return test.line;
  let found: number | undefined;
  for (const match of test.output.matchAll(/^([^\s:]+\.py):(\d+): /gm))
    if (test.file === match[1] || test.file.endsWith(`/${match[1]}`)) found = Number(match[2]);
  return found ?? test.line;
}

function testAnnotation(test: FailingTest): Annotation {
  const line = failureLine(test);
  return {
    kind: 'error',
    title: `test ${test.outcome}: ${test.name}`,
    message: firstLines(test.output) || `${test.name} ${test.outcome}`,
    ...(test.file ? { file: test.file } : {}),
    ...(test.file && line ? { startLine: line } : {}),
  };
}

function lintAnnotation(message: LintMessage): Annotation {
  return {
    kind: 'error',
    title: 'pyflakes',
    message: message.message,
    file: message.file,
    startLine: message.line,
    ...(message.col ? { startColumn: message.col } : {}),
  };
}

/** Takes from each list in turn, so neither crowds the other out of the limit. */
function interleave<T>(a: T[], b: T[], limit: number): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < limit && (i < a.length || i < b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (out.length < limit && i < b.length) out.push(b[i]!);
  }
  return out;
}

export function annotationsFor(result: PipelineResult): Annotation[] {
  const tests = (result.tests?.failing ?? []).map(testAnnotation);
  const lint = result.lint.map(lintAnnotation);
  const total = tests.length + lint.length;
  const errors = interleave(tests, lint, PER_KIND_PER_STEP);
  const annotations = [...errors];
  if (total > errors.length)
    annotations.push({
      kind: 'notice',
      title: 'more findings',
      message: `${total - errors.length} more failing tests and lint findings are listed in the job summary (GitHub shows ${PER_KIND_PER_STEP} per step).`,
    });
  if (result.status === 'needs-human-review')
    annotations.push({ kind: 'warning', title: 'needs human review', message: result.message });
  return annotations;
}
