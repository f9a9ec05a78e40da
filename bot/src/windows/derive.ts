// ---------------------------------------------------------------------------------------------------
// The LineView from the facts of every repository and the bot's ledger. `assembleRepository` is pure;
// `LineViews` reads (facts.ts, the ledger), caches the result for a few seconds so a busy dashboard does
// not turn into a storm of GitHub reads, and shares one read between requests that arrive together.
// Nothing lives only here: every figure is read again from GitHub and the ledger once the cache expires.
// ---------------------------------------------------------------------------------------------------
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Intent,
  intentId,
  type LedgerRecord,
  type QueueSnapshot,
  readLedger,
  runCost,
} from '../core.js';
import { INTENT_BRANCH_PREFIX, type RepositoryFacts, SPEC_PREFIX } from './facts.js';
import { type BuildFact, buildResult, derivePhase, type SpecRunFact } from './phase.js';
import type { IntentView, LineView, RunOutcome, RunView } from './view.js';

/** `title` of the bot's squash merge of a SPEC pull request: `spec: <name> (#N)`. */
const SPEC_TITLE = /^spec: ([a-z][a-z0-9-]*[a-z0-9])\b/;

const ledgerOutcome = (o: LedgerRecord['outcome']): RunOutcome => (o === 'interrupted' ? 'failed' : o);

function specRunFact(record: LedgerRecord): SpecRunFact {
  const score = record.score_history.at(-1);
  return {
    outcome: record.outcome,
    startedAt: record.started_at,
    ...(record.finished_at ? { finishedAt: record.finished_at } : {}),
    phases: record.phases.map((p) => ({ name: p.name, startedAt: p.started_at })),
    ...(score !== undefined ? { score } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}

function deployOutcome(state: string): RunOutcome {
  if (state === 'success' || state === 'inactive') return 'succeeded';
  if (state === 'failure' || state === 'error') return 'failed';
  return 'running';
}

/**
 * One repository's intents and runs. `records` are the bot's ledger runs for this repository (journal
 * order); `queue` is the scheduler's snapshot (what waits in memory now, for its times only).
 */
export function assembleRepository(
  facts: RepositoryFacts,
  records: readonly LedgerRecord[],
  queue: QueueSnapshot | undefined,
  now: string,
): { intents: IntentView[]; runs: RunView[] } {
  const repo = facts.repository;
  const newestPull = (prefix: string, name: string) => facts.pulls.find((p) => p.head === `${prefix}${name}`);
  const specMerges = new Map<string, string>();
  for (const p of facts.pulls)
    if (p.mergeSha && p.head.startsWith(SPEC_PREFIX))
      specMerges.set(p.mergeSha, p.head.slice(SPEC_PREFIX.length));

  // Builds are the Action's runs on a SPEC's merge commit (or titled by it).
  const buildsOf = new Map<string, BuildFact[]>();
  const runs: RunView[] = [];
  const deploymentsBySha = new Map(facts.deployments.map((d) => [d.sha, d]));
  for (const r of [...facts.workflowRuns].reverse()) {
    const name = specMerges.get(r.headSha) ?? SPEC_TITLE.exec(r.title)?.[1];
    const outcome = buildResult(r.status, r.conclusion);
    if (!name || outcome === 'none') continue;
    const list = buildsOf.get(name) ?? [];
    list.push({
      status: r.status,
      conclusion: r.conclusion,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      url: r.url,
    });
    buildsOf.set(name, list);
    const figures = deploymentsBySha.get(r.headSha)?.figures ?? {};
    runs.push({
      id: `build:${r.id}`,
      repository: repo,
      serviceName: name,
      kind: 'build',
      outcome,
      startedAt: r.createdAt,
      ...(outcome !== 'running' ? { finishedAt: r.updatedAt } : {}),
      ...(r.status === 'queued' ? { queued: true } : {}),
      ...(figures.score !== undefined ? { score: figures.score } : {}),
      ...(figures.tests_passed !== undefined ? { testsPassed: figures.tests_passed } : {}),
      ...(figures.tests_failed !== undefined ? { testsFailed: figures.tests_failed } : {}),
      ...(figures.coverage !== undefined ? { coverage: figures.coverage } : {}),
      ...(figures.cost_usd !== undefined ? { costUsd: figures.cost_usd } : {}),
      url: r.url,
      ...(outcome === 'failed' ? { reason: `workflow run ${r.conclusion}` } : {}),
    });
  }
  const deploymentsOf = new Map<string, RepositoryFacts['deployments']>();
  for (const d of [...facts.deployments].reverse()) {
    const name = d.figures.service;
    if (!name) continue;
    deploymentsOf.set(name, [...(deploymentsOf.get(name) ?? []), d]);
    const outcome = deployOutcome(d.state);
    runs.push({
      id: `deploy:${d.id}`,
      repository: repo,
      serviceName: name,
      kind: 'deploy',
      outcome,
      startedAt: d.createdAt,
      ...(outcome !== 'running' ? { finishedAt: d.updatedAt } : {}),
      ...(d.url ? { url: d.url } : {}),
      ...(outcome === 'failed' && d.description ? { reason: d.description } : {}),
    });
  }
  const latestSpecRun = new Map<string, LedgerRecord>();
  for (const record of records) {
    if (record.kind === 'spec') latestSpecRun.set(`${record.intent.name}@${record.intent.hash}`, record);
    const score = record.score_history.at(-1);
    const cost = runCost(record);
    runs.push({
      id: record.run_id,
      repository: repo,
      serviceName: record.intent.name,
      intentId: intentId(record.intent.name, record.intent.hash),
      kind: record.kind === 'spec' ? 'spec' : record.kind === 'deploy' ? 'deploy' : 'build',
      outcome: ledgerOutcome(record.outcome),
      startedAt: record.started_at,
      ...(record.finished_at ? { finishedAt: record.finished_at } : {}),
      ...(score !== undefined ? { score } : {}),
      ...(record.tests
        ? {
            testsPassed: record.tests.passed,
            testsFailed: record.tests.failed,
            coverage: record.tests.coverage,
          }
        : {}),
      ...(cost > 0 ? { costUsd: Math.round(cost * 1e6) / 1e6 } : {}),
      ...(record.error ? { reason: record.error } : {}),
    });
  }

  // Every intent: those at the default branch, then those only proposed by an open intent PR.
  const candidates: { intent: Intent; hash: string; onDefaultBranch: boolean }[] = [];
  for (const d of facts.intents)
    if (d.intent && d.hash) candidates.push({ intent: d.intent, hash: d.hash, onDefaultBranch: true });
  for (const [name, s] of facts.submitted)
    if (!facts.intents.some((d) => d.name === name)) candidates.push({ ...s, onDefaultBranch: false });

  const queued = new Map(
    (queue?.queued ?? []).map((e) => [e.service_name.replace(/^.*#/, ''), e.enqueued_at] as const),
  );
  const intents = candidates.map(({ intent, hash, onDefaultBranch }): IntentView => {
    const name = intent.service_name;
    const specPull = newestPull(SPEC_PREFIX, name);
    const intentPull = newestPull(INTENT_BRANCH_PREFIX, name);
    const stored = facts.specs.find((s) => s.name === name);
    const record = latestSpecRun.get(`${name}@${hash}`);
    const queuedAt = queued.get(`${repo}#${name}`) ?? queued.get(name);
    const result = derivePhase(
      {
        ...(intentPull ? { intentPullRequest: intentPull } : {}),
        onDefaultBranch,
        autoBuild: intent.auto_build,
        ...(queuedAt ? { queuedAt } : {}),
        ...(record ? { specRun: specRunFact(record) } : {}),
        ...(specPull ? { specPullRequest: specPull } : {}),
        ...(specPull && facts.gates.has(specPull.number) ? { gate: facts.gates.get(specPull.number)! } : {}),
        builds: buildsOf.get(name) ?? [],
        deployments: deploymentsOf.get(name) ?? [],
        ...(stored
          ? {
              storedSpec: {
                current: stored.intentHash === hash,
                ...(stored.score !== undefined ? { score: stored.score } : {}),
              },
            }
          : {}),
      },
      now,
    );
    const pr = specPull ?? intentPull;
    const firstQueued = result.history.find((e) => e.phase === 'queued' || e.phase === 'submitted');
    return {
      intentId: intentId(name, hash),
      repository: repo,
      serviceName: name,
      priority: intent.priority,
      approvalMode: intent.approval_mode,
      purpose: intent.purpose,
      dependencies: [...intent.dependencies],
      phase: result.phase,
      ...(result.score !== undefined ? { score: result.score } : {}),
      ...(pr ? { pullRequest: { number: pr.number, url: pr.url, title: pr.title, state: pr.state } } : {}),
      ...(firstQueued ? { queuedAt: firstQueued.at } : {}),
      updatedAt: result.updatedAt,
      ...(result.reason ? { reason: result.reason } : {}),
      history: result.history,
    };
  });
  return { intents, runs };
}

/** Newest first, by start time. */
export function byNewest(runs: RunView[]): RunView[] {
  return runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}

/** A ledger directory's runs, parsed again only when the journal changed (size or time). */
export class LedgerCache {
  private readonly cached = new Map<string, { stamp: string; records: LedgerRecord[] }>();

  records(dir: string): LedgerRecord[] {
    let stamp = 'missing';
    try {
      const stat = statSync(join(dir, 'ledger.jsonl'));
      stamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      return [];
    }
    const hit = this.cached.get(dir);
    if (hit?.stamp === stamp) return hit.records;
    const { records } = readLedger(dir);
    this.cached.set(dir, { stamp, records });
    return records;
  }
}

/** A repository the app serves, with what the view needs to read it. */
export interface ServedRepository {
  fullName: string;
  facts(): Promise<RepositoryFacts>;
  /** The bot's ledger directory for this repository, when it keeps one. */
  ledgerDir?: string;
}

export interface LineViewSources {
  repositories(): Promise<ServedRepository[]>;
  queue(): QueueSnapshot | undefined;
  clock?: () => number;
}

/** How long a derived view is served before GitHub is read again. */
export const VIEW_TTL_MS = 5_000;

/** The LineView of every repository (or of one), derived on demand and kept for `ttlMs`. */
export class LineViews {
  private readonly ledgers = new LedgerCache();
  private readonly cache = new Map<string, { at: number; view: Promise<LineView> }>();
  private readonly clock: () => number;

  constructor(
    private readonly sources: LineViewSources,
    private readonly ttlMs = VIEW_TTL_MS,
  ) {
    this.clock = sources.clock ?? Date.now;
  }

  /** Every repository of every installation, or only `repository` (`owner/name`). */
  view(repository?: string): Promise<LineView> {
    const key = repository?.toLowerCase() ?? '*';
    const now = this.clock();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.view;
    const view = this.derive(repository);
    this.cache.set(key, { at: now, view });
    view.catch(() => this.cache.delete(key));
    return view;
  }

  /** The next read goes to GitHub (after a write the caller made, e.g. a submit). */
  invalidate(): void {
    this.cache.clear();
  }

  private async derive(repository: string | undefined): Promise<LineView> {
    const all = await this.sources.repositories();
    const chosen = repository
      ? all.filter((r) => r.fullName.toLowerCase() === repository.toLowerCase())
      : all;
    return this.fresh(chosen);
  }

  /**
   * The view of `chosen`, read now and not cached: for a caller that must see its own latest writes
   * (the dashboard issue after a reconcile), or that knows its repository without listing them all.
   */
  async fresh(chosen: readonly ServedRepository[]): Promise<LineView> {
    const facts = await Promise.all(chosen.map((r) => r.facts()));
    const now = new Date(this.clock()).toISOString();
    const queue = this.sources.queue();
    const intents: IntentView[] = [];
    const runs: RunView[] = [];
    const warnings: string[] = [];
    chosen.forEach((r, i) => {
      const records = r.ledgerDir ? this.ledgers.records(r.ledgerDir) : [];
      const part = assembleRepository(facts[i]!, records, queue, now);
      intents.push(...part.intents);
      runs.push(...part.runs);
      warnings.push(...facts[i]!.warnings.map((w) => `${r.fullName}: ${w}`));
    });
    return {
      generatedAt: now,
      repositories: chosen.map((r) => r.fullName),
      intents,
      runs: byNewest(runs),
      ...(warnings.length ? { warnings } : {}),
    };
  }
}
