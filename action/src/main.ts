import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as core from '@actions/core';
import { annotationsFor } from './annotations.js';
import { DeploymentTracker } from './deployments.js';
import { type ActionInputs, InputsError, parseInputs, SECRET_INPUTS } from './inputs.js';
import { GroupedLog } from './log-groups.js';
import type { PipelineCommand, PipelineResult, ProgressReporter } from './pipeline.js';
import { maskValues, scrubberFor } from './secrets.js';

/**
 * The Action: read and check the inputs, make one pipeline call, render its result as GitHub shows
 * things (log groups, annotations, a job summary, outputs, a Deployment). A failed phase fails the step;
 * a SPEC below the gate is a warning and the output `status`.
 */
export async function run(): Promise<void> {
  // Mask first: nothing may be logged before the runner knows what to hide.
  const secrets = maskValues(SECRET_INPUTS.map((name) => core.getInput(name)));
  for (const value of secrets) core.setSecret(value);
  let scrub = scrubberFor(secrets);
  core.info(scrub(`assembly-line ${core.getInput('command') || 'run'} ${core.getInput('intent')}`));
  const scratch: string[] = [];
  let known: (error: unknown) => boolean = (error) => error instanceof InputsError;
  try {
    // Core loads after the first line: the step shows it started while the pipeline's modules load.
    const pipeline = await import('./pipeline.js');
    scrub = scrubberFor(secrets, pipeline.redactSecrets);
    known = (error) => error instanceof InputsError || error instanceof pipeline.PipelineInputError;
    const inputs = parseInputs((name) => core.getInput(name), pipeline.targetProblem);
    // Nothing this process starts (git, ssh, the build's sandbox) needs the secrets in its environment.
    for (const name of SECRET_INPUTS) delete process.env[`INPUT_${name.toUpperCase()}`];
    if (inputs.command === 'spec') {
      await specStep(pipeline, inputs, scrub);
      return;
    }
    const result = await execute(
      pipeline,
      inputs as ActionInputs & { command: PipelineCommand },
      scrub,
      scratch,
    );
    await render(inputs, result.pipeline, result.timings, result.deployment, scrub);
  } catch (error) {
    if (!known(error) && error instanceof Error && error.stack) core.debug(scrub(error.stack));
    core.setFailed(scrub(error instanceof Error ? error.message : String(error)));
  } finally {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  }
}

type Pipeline = typeof import('./pipeline.js');

function locateIntent(pipeline: Pipeline, inputs: ActionInputs): { intentFile: string; repoRoot: string } {
  const workspace = resolve(process.env.GITHUB_WORKSPACE || process.cwd());
  const intentFile = resolve(workspace, inputs.intent);
  if (!existsSync(intentFile) || !statSync(intentFile).isFile())
    throw new InputsError([`input 'intent': ${inputs.intent} is not a file in the workspace ${workspace}`]);
  const repoRoot = pipeline.findRepositoryRoot(dirname(intentFile));
  if (!repoRoot)
    throw new InputsError([`input 'intent': ${inputs.intent} is not inside a folder with intents/`]);
  return { intentFile, repoRoot };
}

/** A file only this user can read, in the runner's temp folder, removed when the step ends. */
function privateFile(scratch: string[], name: string, content: string): string {
  const dir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'assembly-line-'));
  chmodSync(dir, 0o700);
  scratch.push(dir);
  const path = join(dir, name);
  writeFileSync(path, content.endsWith('\n') ? content : `${content}\n`, { mode: 0o600 });
  return path;
}

function providerEnv(inputs: ActionInputs): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('INPUT_') && key !== 'ANTHROPIC_API_KEY') env[key] = value;
  // The input decides: empty means the offline provider, whatever the runner's environment holds.
  if (inputs.anthropicApiKey) env.ANTHROPIC_API_KEY = inputs.anthropicApiKey;
  return env;
}

/** `spec`: the bot's SPEC line over the workflow's event; probot and the bot load only for it. */
async function specStep(pipeline: Pipeline, inputs: ActionInputs, scrub: (text: string) => string) {
  if (!inputs.githubToken)
    throw new InputsError([
      "input 'github-token' is required for command spec (contents, pull-requests, issues and checks: write)",
    ]);
  const { provider, reason } = await pipeline.chooseProvider(providerEnv(inputs), inputs.maxCostUsd);
  core.info(scrub(`provider: ${provider.name} (${reason})`));
  const { runSpecStep } = await import('./spec-step.js');
  const result = await runSpecStep({
    token: inputs.githubToken,
    env: process.env,
    provider,
    log: {
      info: (message) => core.info(scrub(message)),
      warning: (message) => core.warning(scrub(message)),
      error: (message) => core.error(scrub(message)),
    },
  });
  const failing = result.gates.filter((gate) => gate.conclusion !== 'success');
  for (const gate of result.gates)
    core.info(scrub(`${gate.title} (${gate.conclusion ?? 'pending'}) ${gate.url}`));
  if (result.errors.length > 0) {
    core.setOutput('status', 'failed');
    core.setFailed(
      scrub(`the SPEC line failed: ${result.errors.length} error(s); the first: ${result.errors[0]}`),
    );
    return;
  }
  if (result.gates.length > 0)
    core.setOutput('status', failing.length > 0 ? 'needs-human-review' : 'spec-ready');
  if (failing.length > 0)
    core.warning(
      scrub(
        `${failing.length} SPEC(s) below the gate need a person: ${failing.map((g) => g.title).join('; ')}`,
      ),
      {
        title: 'needs human review',
      },
    );
  else if (result.gates.length === 0) core.info('no SPEC to write or re-verify for this event');
}

async function execute(
  pipeline: Pipeline,
  inputs: ActionInputs & { command: PipelineCommand },
  scrub: (text: string) => string,
  scratch: string[],
) {
  const { intentFile, repoRoot } = locateIntent(pipeline, inputs);
  const intent = await pipeline.loadIntent(intentFile, repoRoot);
  const { gitHubDeployments, runContext } = await import('./github.js');
  const knownHostsFile = inputs.knownHosts
    ? privateFile(scratch, 'known_hosts', inputs.knownHosts)
    : undefined;
  const log = new GroupedLog(core, scrub);
  const github = runContext();
  const tracker = new DeploymentTracker(
    inputs.githubToken && github.repository
      ? gitHubDeployments(inputs.githubToken, github.repository)
      : undefined,
    {
      environment: inputs.environment,
      ref: github.sha,
      service: intent.service_name,
      ...(github.runUrl ? { logUrl: github.runUrl } : {}),
      figures: () => pipeline.deploymentFigures(repoRoot, intent.service_name),
      notice: (message) => core.notice(scrub(message)),
      warning: (message) => core.warning(scrub(message)),
      scrub,
    },
  );
  const reporter: ProgressReporter = {
    phaseStarted(phase, detail) {
      log.phaseStarted(phase, detail);
      if (phase === 'deployment') tracker.start(detail);
    },
    phaseFinished: (phase, outcome, detail, tookMs) => log.phaseFinished(phase, outcome, detail, tookMs),
    info: (message) => log.info(message),
  };
  let result: PipelineResult;
  try {
    result = await pipeline.runPipeline({
      command: inputs.command,
      intent,
      repoRoot,
      ...(inputs.target !== undefined ? { target: inputs.target } : {}),
      ...(knownHostsFile ? { knownHostsFile } : {}),
      ...(inputs.sshKey ? { sshKey: inputs.sshKey } : {}),
      ...(inputs.root ? { root: inputs.root } : {}),
      ...(inputs.registry ? { registry: inputs.registry } : {}),
      ...(inputs.healthTimeoutMs !== undefined ? { healthTimeoutMs: inputs.healthTimeoutMs } : {}),
      ...(inputs.healthRetryAfterMs !== undefined ? { healthRetryAfterMs: inputs.healthRetryAfterMs } : {}),
      ...(inputs.maxCostUsd !== undefined ? { maxCostUsd: inputs.maxCostUsd } : {}),
      env: providerEnv(inputs),
      reporter,
    });
  } finally {
    log.close();
  }
  await tracker.finish(result);
  return { pipeline: result, timings: log.timings, deployment: tracker.outcome };
}

async function render(
  inputs: ActionInputs,
  result: PipelineResult,
  timings: GroupedLog['timings'],
  deployment: string | undefined,
  scrub: (text: string) => string,
) {
  const failing = result.tests?.failing ?? [];
  if (failing.length > 0) {
    core.startGroup(`failing tests (${failing.length})`);
    for (const test of failing) core.info(scrub(`FAILED ${test.name}\n${test.output}`));
    core.endGroup();
  }
  for (const annotation of annotationsFor(result)) {
    const properties = {
      title: scrub(annotation.title),
      ...(annotation.file ? { file: annotation.file } : {}),
      ...(annotation.startLine ? { startLine: annotation.startLine } : {}),
      ...(annotation.startColumn ? { startColumn: annotation.startColumn } : {}),
    };
    const emit =
      annotation.kind === 'error' ? core.error : annotation.kind === 'warning' ? core.warning : core.notice;
    emit(scrub(annotation.message), properties);
  }

  const outputs: Record<string, string | number | undefined> = {
    status: result.status,
    'service-url': result.serviceUrl,
    'release-id': result.releaseId,
    score: result.score,
    'tests-passed': result.tests?.passed,
    coverage: result.coverage ?? undefined,
    'cost-usd': result.costUsd.toFixed(6),
    'approval-mode': result.approvalMode,
  };
  for (const [name, value] of Object.entries(outputs))
    if (value !== undefined) core.setOutput(name, scrub(String(value)));

  const { renderSummary } = await import('./summary.js');
  core.summary.addRaw(
    scrub(
      renderSummary({
        command: inputs.command,
        intent: inputs.intent,
        environment: inputs.environment,
        result,
        timings,
        ...(deployment ? { deployment } : {}),
      }),
    ),
  );
  // A summary that cannot be written (no GITHUB_STEP_SUMMARY outside a runner) must not fail the deploy.
  try {
    await core.summary.write();
  } catch (error) {
    core.warning(`job summary not written: ${scrub((error as Error).message)}`);
  }
  if (result.status === 'failed') core.setFailed(scrub(`${result.service}: ${result.message}`));
  else if (result.status !== 'needs-human-review') core.info(scrub(`${result.service}: ${result.message}`));
}
