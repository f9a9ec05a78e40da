import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PIPELINE_APP_FILES } from '../runtime/scaffold.js';
import { CHECK_REQUIREMENTS, IMPORT_MODULES, RUN_PYTEST } from './python-scripts.js';
import { sandboxEnv } from './sandbox-env.js';
import { type ProcessOutcome, runProcess, tail } from './subprocess.js';

/**
 * The build & test phase of a generated Python service: venv → requirements → import → pytest with
 * coverage → pyflakes. Every command runs with a time limit, in an environment without the
 * pipeline's secrets (see sandbox-env.ts), and its outcome is parsed into figures the CLI, the ledger
 * and the Action's annotations use.
 */

export type BuildPhaseName = 'venv' | 'install' | 'import' | 'tests' | 'lint';

export interface PhaseReport {
  status: 'ok' | 'failed' | 'skipped';
  durationMs: number;
  detail?: string;
}

export interface RequirementStatus {
  line: number;
  requirement: string;
  status: 'satisfied' | 'installed' | 'missing' | 'invalid' | 'not-applicable';
  detail: string;
}

export interface FailingTest {
  /** pytest node id, e.g. `tests/test_main.py::test_health` */
  name: string;
  outcome: 'failed' | 'error';
  /** Relative to the service folder. */
  file?: string;
  line?: number;
  output: string;
}

export interface TestSummary {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  failing: FailingTest[];
}

export interface LintMessage {
  /** Relative to the service folder. */
  file: string;
  line: number;
  col?: number;
  message: string;
}

export interface PythonBuildResult {
  ok: boolean;
  /** One sentence per failed gate, in phase order. */
  problems: string[];
  phases: Record<BuildPhaseName, PhaseReport>;
  requirements: RequirementStatus[];
  /** The traceback when the application package does not import. */
  importError?: string;
  tests: TestSummary;
  /** Line coverage of the application package, percent with two decimals; null when not measured. */
  coverage: number | null;
  coverageThreshold: number;
  lint: LintMessage[];
  /** The last lines of the output of the phase that failed (or of pytest). */
  outputTail: string;
}

export interface PythonBuildOptions {
  /** The interpreter the venv is made from. */
  python?: string;
  /** Default `<serviceDir>/.venv`; an existing venv made from the same interpreter is reused. */
  venvDir?: string;
  /** Percent of lines of the application package the tests must run; default 70. */
  coverageThreshold?: number;
  /**
   * Where pip may look for requirements the system does not already satisfy: `online` runs pip as
   * configured; `offline` adds `--no-index`, so only find-links (e.g. PIP_FIND_LINKS) are searched and
   * nothing touches the network; `auto` (default) checks whether pypi.org answers and, if it does
   * not, runs pip with `--retries 0` so an unreachable index fails at once while locally configured
   * sources (a file:// mirror, find-links) are still used.
   */
  index?: 'auto' | 'online' | 'offline';
  timeoutsMs?: Partial<Record<BuildPhaseName, number>>;
  /** The environment the sandbox's safe variables are taken from; default `process.env`. */
  baseEnv?: Record<string, string | undefined>;
  /** The application package (measured by coverage, imported by the import check); default `app`. */
  appPackage?: string;
}

const DEFAULT_TIMEOUTS: Record<BuildPhaseName, number> = {
  venv: 120_000,
  install: 600_000,
  import: 60_000,
  tests: 300_000,
  lint: 60_000,
};

export async function buildPythonService(
  serviceDir: string,
  options: PythonBuildOptions = {},
): Promise<PythonBuildResult> {
  const dir = resolve(serviceDir);
  const python = options.python ?? '/usr/bin/python3';
  const venvDir = resolve(options.venvDir ?? join(dir, '.venv'));
  const venvPython = join(venvDir, 'bin', 'python');
  const appPackage = options.appPackage ?? 'app';
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeoutsMs };
  const baseEnv = options.baseEnv ?? process.env;
  const env = sandboxEnv(baseEnv, { pathPrefix: join(venvDir, 'bin') });
  const result: PythonBuildResult = {
    ok: false,
    problems: [],
    phases: {
      venv: skipped(),
      install: skipped(),
      import: skipped(),
      tests: skipped(),
      lint: skipped(),
    },
    requirements: [],
    tests: { passed: 0, failed: 0, errors: 0, skipped: 0, failing: [] },
    coverage: null,
    coverageThreshold: options.coverageThreshold ?? 70,
    lint: [],
    outputTail: '',
  };
  let tailIsFromFailure = false;
  const fail = (phase: BuildPhaseName, problem: string, output = '') => {
    result.phases[phase].status = 'failed';
    result.phases[phase].detail = problem;
    result.problems.push(problem);
    if (output && !tailIsFromFailure) {
      result.outputTail = tail(output);
      tailIsFromFailure = true;
    }
  };

  // venv
  const venv = await ensureVenv(python, venvDir, env, timeouts.venv);
  result.phases.venv = {
    status: venv.ok ? 'ok' : 'failed',
    durationMs: venv.durationMs,
    detail: venv.detail,
  };
  if (!venv.ok) {
    fail('venv', venv.detail, venv.output);
    return result;
  }

  // requirements
  const install = await installRequirements(
    dir,
    venvPython,
    baseEnv,
    options.index ?? 'auto',
    timeouts.install,
  );
  result.requirements = install.requirements;
  result.phases.install = {
    status: install.problem ? 'failed' : 'ok',
    durationMs: install.durationMs,
    detail: install.detail,
  };
  if (install.problem) {
    fail('install', install.problem, install.output);
    return result;
  }

  // import: a package that does not import is a code problem, not a test problem; say so plainly.
  const importTarget = existsSync(join(dir, appPackage, 'main.py')) ? `${appPackage}.main` : appPackage;
  const imported = await runProcess(venvPython, ['-c', IMPORT_MODULES, importTarget], {
    cwd: dir,
    env,
    timeoutMs: timeouts.import,
  });
  result.phases.import = { status: 'ok', durationMs: imported.durationMs };
  if (imported.exitCode !== 0) {
    result.importError = tail(imported.output, 30);
    fail('import', `${importTarget} does not import: ${lastLine(imported)}`, imported.output);
  } else {
    await runTests(dir, venvPython, env, appPackage, timeouts.tests, result, fail);
  }

  // lint runs even when tests fail: its messages belong in the same round of feedback.
  await runLint(dir, venvPython, env, appPackage, timeouts.lint, result, fail);

  result.ok = result.problems.length === 0;
  return result;
}

function skipped(): PhaseReport {
  return { status: 'skipped', durationMs: 0 };
}

function lastLine(outcome: ProcessOutcome): string {
  if (outcome.timedOut) return 'timed out';
  if (outcome.startError) return outcome.startError;
  const lines = outcome.output.trim().split('\n');
  return lines[lines.length - 1] ?? `exit code ${outcome.exitCode}`;
}

interface VenvOutcome {
  ok: boolean;
  durationMs: number;
  detail: string;
  output: string;
}

/**
 * Creates `<venvDir>` with `--system-site-packages`, so the Debian packages (FastAPI, pytest, …)
 * count as installed and nothing is downloaded when they suffice. `--without-pip` keeps this under
 * a second instead of several; pip is taken from the system, or bootstrapped with ensurepip only
 * when a requirement actually has to be installed.
 */
async function ensureVenv(
  python: string,
  venvDir: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<VenvOutcome> {
  const started = Date.now();
  mkdirSync(dirname(venvDir), { recursive: true });
  const existing = lstatOrUndefined(venvDir);
  if (existing) {
    if (existing.isSymbolicLink() || !existing.isDirectory())
      return { ok: false, durationMs: 0, detail: `${venvDir} exists and is not a folder`, output: '' };
    if (!existsSync(join(venvDir, 'pyvenv.cfg')))
      return {
        ok: false,
        durationMs: 0,
        detail: `${venvDir} exists and is not a virtual environment; remove it`,
        output: '',
      };
    if (venvMatches(venvDir, python)) {
      const probe = await runProcess(join(venvDir, 'bin', 'python'), ['-c', 'import sys'], {
        cwd: dirname(venvDir),
        env,
        timeoutMs,
      });
      if (probe.exitCode === 0)
        return { ok: true, durationMs: Date.now() - started, detail: `reused ${venvDir}`, output: '' };
    }
    rmSync(venvDir, { recursive: true, force: true });
  }
  const created = await runProcess(
    python,
    ['-m', 'venv', '--system-site-packages', '--without-pip', venvDir],
    {
      cwd: dirname(venvDir),
      env,
      timeoutMs,
    },
  );
  if (created.exitCode !== 0)
    return {
      ok: false,
      durationMs: created.durationMs,
      detail: `${python} -m venv failed: ${lastLine(created)} (is python3-venv installed?)`,
      output: created.output,
    };
  return { ok: true, durationMs: created.durationMs, detail: `created ${venvDir}`, output: '' };
}

function venvMatches(venvDir: string, python: string): boolean {
  const config = readFileSync(join(venvDir, 'pyvenv.cfg'), 'utf8');
  const value = (key: string) => new RegExp(`^${key}\\s*=\\s*(.*)$`, 'm').exec(config)?.[1]?.trim();
  return value('include-system-site-packages') === 'true' && value('home') === dirname(python);
}

interface InstallOutcome {
  requirements: RequirementStatus[];
  durationMs: number;
  detail?: string;
  problem?: string;
  output: string;
}

/**
 * Installs `requirements.txt` — honestly, and offline when the system already has everything.
 *
 * A plain `pip install -r requirements.txt` is not usable here: it resolves the whole dependency
 * tree, and Debian's fastapi 0.92 declares `starlette<0.26` while Debian ships starlette 0.26.1, so
 * the resolver wants a download even though the installed set works (the service's own tests prove
 * it). So each requirement line is checked against the installed distributions with
 * importlib.metadata and its version specifier (and its extras); pip is called only for the lines
 * not satisfied (see `PythonBuildOptions.index` for offline use). A line that stays unsatisfied is named
 * with the reason. Requirement lines must be plain `name[extras] specifier ; marker`: pip options
 * (`--index-url`, `-e`, `-r`) and URLs are refused, because the file is model-written.
 */
async function installRequirements(
  dir: string,
  venvPython: string,
  baseEnv: Record<string, string | undefined>,
  index: 'auto' | 'online' | 'offline',
  timeoutMs: number,
): Promise<InstallOutcome> {
  const started = Date.now();
  const path = join(dir, 'requirements.txt');
  if (!existsSync(path))
    return { requirements: [], durationMs: 0, problem: 'requirements.txt is missing', output: '' };
  const lines = parseRequirementLines(readFileSync(path, 'utf8'));
  const refused = lines.filter((line) => line.refusal);
  if (refused.length > 0)
    return {
      requirements: refused.map((line) => ({
        line: line.line,
        requirement: line.text,
        status: 'invalid',
        detail: line.refusal ?? '',
      })),
      durationMs: Date.now() - started,
      problem: refused.map((line) => `requirements.txt:${line.line}: ${line.refusal}`).join('; '),
      output: '',
    };
  const env = sandboxEnv(baseEnv, { pathPrefix: dirname(venvPython) });
  const check = async () => {
    const outcome = await runProcess(venvPython, ['-c', CHECK_REQUIREMENTS, JSON.stringify(lines)], {
      cwd: dir,
      env,
      timeoutMs: 60_000,
    });
    if (outcome.exitCode !== 0) throw new Error(`checking requirements failed: ${lastLine(outcome)}`);
    return JSON.parse(outcome.stdout) as RequirementStatus[];
  };
  let statuses: RequirementStatus[];
  try {
    statuses = await check();
  } catch (error) {
    return {
      requirements: [],
      durationMs: Date.now() - started,
      problem: (error as Error).message,
      output: '',
    };
  }
  const invalid = statuses.filter((s) => s.status === 'invalid');
  if (invalid.length > 0)
    return {
      requirements: statuses,
      durationMs: Date.now() - started,
      problem: invalid.map((s) => `requirements.txt:${s.line}: ${s.requirement}: ${s.detail}`).join('; '),
      output: '',
    };
  const missing = statuses.filter((s) => s.status === 'missing');
  if (missing.length === 0)
    return {
      requirements: statuses,
      durationMs: Date.now() - started,
      detail: 'all requirements already satisfied; nothing downloaded',
      output: '',
    };

  const mode =
    index === 'auto' ? ((await reachable('pypi.org', 443, 3000)) ? 'online' : 'unreachable') : index;
  const modeFlags = {
    online: [],
    offline: ['--no-index'],
    unreachable: ['--retries', '0', '--timeout', '10'],
  }[mode];
  const pipEnv = sandboxEnv(baseEnv, { pathPrefix: dirname(venvPython), pipSettings: true });
  let output = '';
  const hasPip = await runProcess(venvPython, ['-m', 'pip', '--version'], {
    cwd: dir,
    env: pipEnv,
    timeoutMs: 60_000,
  });
  if (hasPip.exitCode !== 0) {
    const bootstrap = await runProcess(venvPython, ['-m', 'ensurepip', '--default-pip'], {
      cwd: dir,
      env: pipEnv,
      timeoutMs,
    });
    output += bootstrap.output;
  }
  const pip = await runProcess(
    venvPython,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      ...modeFlags,
      ...missing.map((s) => s.requirement),
    ],
    { cwd: dir, env: pipEnv, timeoutMs },
  );
  output += pip.output;
  if (pip.timedOut) output += `\npip install timed out after ${timeoutMs} ms`;
  let after: RequirementStatus[];
  try {
    after = await check();
  } catch (error) {
    return {
      requirements: statuses,
      durationMs: Date.now() - started,
      problem: (error as Error).message,
      output,
    };
  }
  const stillMissing = after.filter((s) => s.status === 'missing');
  const requirements = after.map((s) =>
    s.status === 'satisfied' && missing.some((m) => m.line === s.line)
      ? { ...s, status: 'installed' as const }
      : s,
  );
  if (stillMissing.length === 0)
    return {
      requirements,
      durationMs: Date.now() - started,
      detail: `installed ${missing.map((s) => s.requirement).join(', ')}`,
      output,
    };
  const where = {
    online: '',
    offline: ' (offline: only local find-links were searched)',
    unreachable: ' (PyPI is not reachable: only locally configured sources were searched)',
  }[mode];
  return {
    requirements,
    durationMs: Date.now() - started,
    problem: `cannot install ${stillMissing.map((s) => `${s.requirement} (${s.detail})`).join(', ')}${where}`,
    output,
  };
}

interface RequirementLine {
  line: number;
  text: string;
  refusal?: string;
}

export function parseRequirementLines(text: string): RequirementLine[] {
  const lines: RequirementLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const content = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!content) return;
    const line = { line: index + 1, text: content };
    if (content.startsWith('-')) lines.push({ ...line, refusal: `pip options are not allowed: ${content}` });
    else if (content.endsWith('\\')) lines.push({ ...line, refusal: 'line continuations are not allowed' });
    else lines.push(line);
  });
  return lines;
}

function reachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

interface RecordedTest {
  name: string;
  outcome: 'passed' | 'failed' | 'error' | 'skipped';
  file?: string;
  line?: number | null;
  output: string;
}

/** The coverage config of every build: the pipeline's files of app/ (main.py, models.py) are not measured. */
export function coverageConfigText(): string {
  return `[run]\nomit =\n${PIPELINE_APP_FILES.map((file) => `    */${file}\n`).join('')}`;
}

async function runTests(
  dir: string,
  venvPython: string,
  env: Record<string, string>,
  appPackage: string,
  timeoutMs: number,
  result: PythonBuildResult,
  fail: (phase: BuildPhaseName, problem: string, output?: string) => void,
): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'assembly-line-pytest-'));
  try {
    const reportPath = join(scratch, 'report.json');
    // Cobertura XML rather than JSON: pytest-cov 4 (Debian's) has no JSON report.
    const coveragePath = join(scratch, 'coverage.xml');
    // The pipeline's own config: a generated setup.cfg or pyproject.toml must not be able to change
    // what is measured. Only the service's own pytest.ini is honoured; a repository-level config is not.
    // The files of app/ the pipeline writes are declarations that any import covers; counted, they
    // would lift the figure above what the tests of the generated code reach.
    const coverageConfig = join(scratch, 'coveragerc');
    writeFileSync(coverageConfig, coverageConfigText());
    const pytestIni = join(dir, 'pytest.ini');
    const testsDir = existsSync(join(dir, 'tests')) ? ['tests'] : [];
    const outcome = await runProcess(
      venvPython,
      [
        '-c',
        RUN_PYTEST,
        reportPath,
        '-q',
        '-p',
        'no:cacheprovider',
        '-c',
        existsSync(pytestIni) ? pytestIni : '/dev/null',
        `--rootdir=${dir}`,
        '-o',
        'addopts=',
        `--cov=${appPackage}`,
        `--cov-config=${coverageConfig}`,
        `--cov-report=xml:${coveragePath}`,
        ...testsDir,
      ],
      { cwd: dir, env: { ...env, COVERAGE_FILE: join(scratch, '.coverage') }, timeoutMs },
    );
    result.phases.tests = { status: 'ok', durationMs: outcome.durationMs };
    if (!result.outputTail) result.outputTail = tail(outcome.output);
    if (outcome.timedOut) {
      fail('tests', `pytest timed out after ${timeoutMs} ms`, outcome.output);
      return;
    }
    const report = readJson<{ exit_code: number; tests: RecordedTest[] }>(reportPath);
    if (!report) {
      fail('tests', `pytest did not run: ${lastLine(outcome)}`, outcome.output);
      return;
    }
    const summary = result.tests;
    for (const test of report.tests) {
      if (test.outcome === 'passed') summary.passed++;
      else if (test.outcome === 'skipped') summary.skipped++;
      else {
        if (test.outcome === 'failed') summary.failed++;
        else summary.errors++;
        summary.failing.push({
          name: test.name,
          outcome: test.outcome,
          ...(test.file ? { file: test.file } : {}),
          ...(typeof test.line === 'number' ? { line: test.line } : {}),
          output: test.output.length > 8000 ? `…${test.output.slice(-8000)}` : test.output,
        });
      }
    }
    result.coverage = readCoveragePercent(coveragePath);

    if (summary.failed > 0 || summary.errors > 0) {
      const names = summary.failing.map((test) => test.name);
      const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
      fail(
        'tests',
        `${summary.failed} failed and ${summary.errors} errors in ${names.length} tests: ${shown}`,
        outcome.output,
      );
    } else if (report.exit_code !== 0 && report.exit_code !== 5) {
      // 2 interrupted, 3 internal error, 4 usage error: pytest's own last words say why.
      fail('tests', `pytest exited with code ${report.exit_code}: ${lastLine(outcome)}`, outcome.output);
    } else if (summary.passed === 0) {
      fail('tests', 'no tests ran', outcome.output);
    }
    if (result.coverage === null) {
      if (summary.passed > 0)
        fail(
          'tests',
          'coverage was not measured; is pytest-cov installed (python3-pytest-cov)?',
          outcome.output,
        );
    } else if (result.coverage < result.coverageThreshold) {
      fail(
        'tests',
        `coverage of ${appPackage}/ is ${result.coverage}%; at least ${result.coverageThreshold}% is required`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const PYFLAKES_LINE = /^(.+?):(\d+):(?:(\d+):?)? (.+)$/;

/** Parses pyflakes output (`file:line:col: message`; syntax errors add context lines, skipped here). */
export function parsePyflakes(output: string): LintMessage[] {
  const messages: LintMessage[] = [];
  for (const line of output.split('\n')) {
    const match = PYFLAKES_LINE.exec(line);
    if (!match) continue;
    const [, file, lineNumber, col, message] = match;
    messages.push({
      file: file ?? '',
      line: Number(lineNumber),
      ...(col ? { col: Number(col) } : {}),
      message: message ?? '',
    });
  }
  return messages;
}

async function runLint(
  dir: string,
  venvPython: string,
  env: Record<string, string>,
  appPackage: string,
  timeoutMs: number,
  result: PythonBuildResult,
  fail: (phase: BuildPhaseName, problem: string, output?: string) => void,
): Promise<void> {
  const targets = [appPackage, 'tests'].filter((name) => existsSync(join(dir, name)));
  if (targets.length === 0) {
    result.phases.lint = { status: 'skipped', durationMs: 0, detail: 'nothing to lint' };
    return;
  }
  const outcome = await runProcess(venvPython, ['-m', 'pyflakes', ...targets], { cwd: dir, env, timeoutMs });
  result.phases.lint = { status: 'ok', durationMs: outcome.durationMs };
  result.lint = parsePyflakes(outcome.output);
  if (outcome.timedOut) fail('lint', `pyflakes timed out after ${timeoutMs} ms`, outcome.output);
  else if (result.lint.length > 0)
    fail(
      'lint',
      `pyflakes found ${result.lint.length} problem${result.lint.length === 1 ? '' : 's'}: ${result.lint
        .slice(0, 3)
        .map((m) => `${m.file}:${m.line}: ${m.message}`)
        .join('; ')}`,
      outcome.output,
    );
  else if (outcome.exitCode !== 0)
    fail('lint', `pyflakes did not run: ${lastLine(outcome)} (is pyflakes3 installed?)`, outcome.output);
}

/** Line coverage in percent, two decimals, from a Cobertura report's `lines-covered` / `lines-valid`. */
export function readCoveragePercent(path: string): number | null {
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const root = /<coverage\b[^>]*>/.exec(xml)?.[0] ?? '';
  const attribute = (name: string) =>
    Number(new RegExp(`\\s${name}="([0-9.]+)"`).exec(root)?.[1] ?? Number.NaN);
  const valid = attribute('lines-valid');
  const covered = attribute('lines-covered');
  // No measurable lines means nothing was measured, not 100%.
  if (!Number.isFinite(valid) || !Number.isFinite(covered) || valid === 0) return null;
  return Math.round((covered / valid) * 10000) / 100;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
