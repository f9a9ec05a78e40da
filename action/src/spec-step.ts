import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { Probot } from 'probot';
import { createBot } from '../../bot/src/app.js';
import { readPacing } from '../../bot/src/env.js';
import { CHECK_NAME } from '../../bot/src/line/render.js';
import { BotOctokit } from '../../bot/src/octokit.js';
import type { LlmProvider } from './pipeline.js';

/**
 * `command: spec`: the bot's app function over the workflow's own event, with the step's token and no
 * server — the adapter @probot/adapter-github-actions would be, for probot 14, except that a failing
 * handler fails the step. The bot's handlers queue work and return; the step waits for the queue.
 */

export interface SpecStepLog {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export interface GateRun {
  headSha: string;
  conclusion: string | null;
  title: string;
  url: string;
}

export interface SpecStepResult {
  /** The gate's check runs this step wrote, the last one per commit. */
  gates: GateRun[];
  /** What the bot logged as errors: a handler or queued work that failed. */
  errors: string[];
}

/** An event the step cannot read: GITHUB_EVENT_PATH missing or not JSON. */
export class SpecEventError extends Error {}

/** The event as Probot receives a webhook: GITHUB_RUN_ID stands in for the delivery id. */
export function workflowEvent(env: Record<string, string | undefined>) {
  const path = env.GITHUB_EVENT_PATH;
  const name = env.GITHUB_EVENT_NAME;
  if (!path || !name)
    throw new SpecEventError(
      'command spec runs in a workflow: GITHUB_EVENT_PATH and GITHUB_EVENT_NAME must be set',
    );
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SpecEventError(
      `GITHUB_EVENT_PATH ${path}: cannot read the event (${(error as Error).message})`,
    );
  }
  // A workflow's event names no installation; the bot keys its clients by one. With a token, Probot's
  // auth ignores the id and every client uses the token.
  if (!payload.installation) payload.installation = { id: 1 };
  return { id: env.GITHUB_RUN_ID || 'workflow-run', name, payload };
}

const PINO_ERROR = 50;
const PINO_WARN = 40;

export async function runSpecStep(options: {
  token: string;
  env: Record<string, string | undefined>;
  provider: LlmProvider;
  log: SpecStepLog;
}): Promise<SpecStepResult> {
  const { env, log } = options;
  const event = workflowEvent(env);
  const errors: string[] = [];
  const logger = pino(
    { level: env.RUNNER_DEBUG === '1' ? 'debug' : 'info' },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
        const message = entry.msg || entry.err?.message || line;
        if (entry.level >= PINO_ERROR) {
          errors.push(message);
          log.error(message);
        } else if (entry.level >= PINO_WARN) log.warning(message);
        else log.info(message);
      },
    },
  );
  const gates = new Map<string, GateRun>();
  // The gate's check runs, as GitHub answered them: what the step's status output is read from.
  const Octokit = BotOctokit.plugin((octokit) => {
    octokit.hook.after('request', (response, request) => {
      const data = response.data as Record<string, unknown> | undefined;
      if (!String(request.url).includes('/check-runs') || data?.name !== CHECK_NAME) return;
      const output = data.output as { title?: string } | undefined;
      gates.set(String(data.head_sha), {
        headSha: String(data.head_sha),
        conclusion: (data.conclusion as string | null) ?? null,
        title: output?.title ?? '',
        url: String(data.html_url ?? ''),
      });
    });
  });
  const probot = new Probot({
    githubToken: options.token,
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    log: logger,
    Octokit,
  });
  const { appFn, handle } = createBot({
    provider: options.provider,
    pacing: readPacing(env),
    reconcileIntervalMs: 0,
    reconcileAtStart: false,
    maxConcurrent: 1,
  });
  await probot.load(appFn);
  const bot = await handle;
  try {
    await probot.receive(event as Parameters<Probot['receive']>[0]);
    // The handlers only queued the work: the step ends when it is done, not when they return.
    await bot.scheduler.whenIdle();
  } finally {
    bot.stop();
  }
  return { gates: [...gates.values()], errors };
}
