import { intentHash } from '../hash.js';
import type { Intent } from '../intent/schema.js';
import type { ProgressReporter } from '../ports/index.js';
import { drainQueue } from '../queue/drain.js';
import { PriorityQueue, type StartedEntry } from '../queue/priority-queue.js';
import { runSpecJob, type SpecJobResult } from '../spec/spec-job.js';
import { type SpecContext, startRecording } from './context.js';

export interface SpecRunResult {
  intent: Intent;
  /** `failed`: the job threw (a model or file error); the SPEC on disk is unchanged. */
  status: 'passed' | 'needs-human-review' | 'failed';
  job?: SpecJobResult;
  error?: string;
  costUsd: number;
}

export interface SpecOptions {
  /** Regenerate even a current or hand-edited SPEC. */
  force?: boolean;
}

/** The SPEC line of one intent as one ledger run: generate or reuse, verify, optimize, store. */
export async function specIntent(
  context: SpecContext,
  intent: Intent,
  options: SpecOptions = {},
): Promise<SpecRunResult> {
  const recording = startRecording(context, 'spec', intent);
  try {
    const job = await runSpecJob({
      repoRoot: context.repoRoot,
      ...(context.workspace ? { workspace: context.workspace } : {}),
      intent,
      provider: context.provider,
      reporter: recording.reporter,
      force: options.force === true,
      onUsage: recording.onUsage,
    });
    for (const score of job.scoreHistory) recording.run.recordScore(score);
    recording.run.finish(job.status === 'passed' ? 'succeeded' : 'needs-human-review');
    return { intent, status: job.status, job, costUsd: recording.costUsd() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    recording.run.finish('failed', message);
    return { intent, status: 'failed', error: message, costUsd: recording.costUsd() };
  }
}

export interface SpecQueueOptions extends SpecOptions {
  /** SPECs written at once. */
  concurrency: number;
  /** Called as an intent's turn comes, with how long it waited and whether that broke its priority's SLA. */
  onStart?: (intent: Intent, entry: StartedEntry, reporter: ProgressReporter) => void;
  /** Called as each intent's SPEC line ends. */
  onDone?: (result: SpecRunResult, reporter: ProgressReporter) => void;
}

/** One intent for the SPEC line, with its own context: its repository, ledger and progress lines. */
export interface SpecQueueItem {
  intent: Intent;
  context: SpecContext;
}

/**
 * The SPEC line of many intents through the priority queue: critical first, FIFO within a level, at
 * most `concurrency` at once. Results come in the order the SPEC lines end.
 */
export async function specIntents(
  items: readonly SpecQueueItem[],
  options: SpecQueueOptions,
): Promise<SpecRunResult[]> {
  const queue = new PriorityQueue({ maxConcurrent: options.concurrency });
  const byName = new Map(items.map((item) => [item.intent.service_name, item]));
  for (const { intent } of items)
    queue.enqueue(
      { name: intent.service_name, hash: intentHash(intent), priority: intent.priority },
      Date.now(),
    );
  const results: SpecRunResult[] = [];
  await drainQueue(queue, async (entry) => {
    const { intent, context } = byName.get(entry.name)!;
    options.onStart?.(intent, entry, context.reporter);
    const result = await specIntent(context, intent, options);
    results.push(result);
    options.onDone?.(result, context.reporter);
  });
  return results;
}
