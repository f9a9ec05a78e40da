// ---------------------------------------------------------------------------------------------------
// What GitHub holds about one repository's line, read in a bounded number of calls: the intents and
// SPECs at the default branch (tree API, blobs cached), the intent and SPEC pull requests, the gate's
// check run on each open SPEC pull request, the Action's latest workflow runs and the latest
// deployments. Nothing is decided here (see phase.ts and derive.ts).
// ---------------------------------------------------------------------------------------------------
import { parse as parseYaml } from 'yaml';
import {
  type DesiredIntent,
  type Intent,
  IntentSchema,
  intentHash,
  readIntents,
  readSpecs,
} from '../core.js';
import type { GitHubWorkspace, Octokit } from '../github/workspace.js';
import { CHECK_NAME } from '../line/render.js';
import type { DeploymentFact, GateFact, PullRequestFact } from './phase.js';
import { scoreFromText } from './phase.js';

export const INTENT_BRANCH_PREFIX = 'assembly-line/intent/';
export const SPEC_PREFIX = 'assembly-line/spec/';
/** The Action's workflow, as users copy it (.github/workflows/assembly-line.yml, `name: assembly-line`). */
export const WORKFLOW_FILE = '.github/workflows/assembly-line.yml';
/** The newest workflow runs and deployments read per repository: the dashboard shows recent work. */
export const RECENT_LIMIT = 100;
/** Deployments whose statuses are read (one call each), besides each service's newest. */
export const DEPLOYMENT_STATUS_LIMIT = 30;

/**
 * The deployments (newest first) whose status is worth a call: the newest of each service, so a
 * service deployed long ago still shows live, and the newest few for the recent runs.
 */
export function statusWorthy<T extends { payload: unknown }>(deployments: readonly T[]): T[] {
  const seen = new Set<string>();
  return deployments.filter((d, index) => {
    const service = figuresOf(d.payload).service;
    const newestOfService = service !== undefined && !seen.has(service);
    if (service !== undefined) seen.add(service);
    return newestOfService || index < DEPLOYMENT_STATUS_LIMIT;
  });
}

export interface PullFact extends PullRequestFact {
  head: string;
  headSha: string;
  mergeSha?: string;
}

export interface WorkflowRunFact {
  id: number;
  title: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
  url: string;
}

/** Figures the Action writes into a deployment's payload (all optional; never secrets). */
export interface DeploymentFigures {
  service?: string;
  score?: number;
  tests_passed?: number;
  tests_failed?: number;
  coverage?: number;
  cost_usd?: number;
}

export interface DeploymentRecord extends DeploymentFact {
  id: number;
  sha: string;
  environment: string;
  figures: DeploymentFigures;
}

export interface RepositoryFacts {
  repository: string;
  defaultBranch: string;
  intents: DesiredIntent[];
  /** Intents of open intent pull requests, by service name, as their heads hold them. */
  submitted: Map<string, { intent: Intent; hash: string }>;
  specs: { name: string; intentHash?: string; score?: number }[];
  /** The assembly-line/ pull requests, newest first. */
  pulls: PullFact[];
  gates: Map<number, GateFact>;
  workflowRuns: WorkflowRunFact[];
  deployments: DeploymentRecord[];
  /** What could not be read (a permission the installation has not granted), for people. */
  warnings: string[];
}

type RawPull = {
  number: number;
  title: string;
  state: string;
  html_url: string;
  created_at: string;
  closed_at: string | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  labels: Array<{ name?: string } | string>;
  head: { ref: string; sha: string; repo?: { full_name: string } | null };
};

function toPullFact(pr: RawPull): PullFact {
  const state = pr.merged_at ? 'merged' : pr.state === 'open' ? 'open' : 'closed';
  return {
    number: pr.number,
    url: pr.html_url,
    title: pr.title,
    state,
    labels: pr.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
    createdAt: pr.created_at,
    ...(pr.merged_at || pr.closed_at ? { closedAt: (pr.merged_at ?? pr.closed_at)! } : {}),
    head: pr.head.ref,
    headSha: pr.head.sha,
    ...(pr.merged_at && pr.merge_commit_sha ? { mergeSha: pr.merge_commit_sha } : {}),
  };
}

function figuresOf(payload: unknown): DeploymentFigures {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (!value || typeof value !== 'object') return {};
  const raw = value as Record<string, unknown>;
  const figures: DeploymentFigures = {};
  if (typeof raw.service === 'string') figures.service = raw.service;
  for (const key of ['score', 'tests_passed', 'tests_failed', 'coverage', 'cost_usd'] as const) {
    const n = Number(raw[key]);
    if (raw[key] !== undefined && raw[key] !== '' && Number.isFinite(n)) figures[key] = n;
  }
  return figures;
}

const decoder = new TextDecoder();

/** A read GitHub refuses for want of a permission (an installation that has not accepted it yet). */
async function optional<T>(what: string, warnings: string[], read: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 403 && status !== 404) throw error;
    warnings.push(`${what}: GitHub answered ${status}; the app may need the permission (see app.yml)`);
    return empty;
  }
}

/** Reads one repository's facts. */
export async function readRepositoryFacts(
  octokit: Octokit,
  workspace: GitHubWorkspace,
  ref: { owner: string; repo: string },
): Promise<RepositoryFacts> {
  const repository = `${ref.owner}/${ref.repo}`;
  const warnings: string[] = [];
  const defaultBranch = await workspace.defaultBranch();
  const head = await workspace.resolveRef(defaultBranch);
  const [intents, specs, pulls, workflowRuns, deployments] = await Promise.all([
    head ? readIntents(workspace, head) : Promise.resolve([]),
    head ? readSpecs(workspace, head) : Promise.resolve([]),
    octokit.paginate(octokit.rest.pulls.list, { ...ref, state: 'all', per_page: 100 }).then((list) =>
      (list as RawPull[])
        .filter(
          (pr) =>
            (!pr.head.repo || pr.head.repo.full_name === repository) &&
            pr.head.ref.startsWith('assembly-line/'),
        )
        .map(toPullFact)
        .sort((a, b) => b.number - a.number),
    ),
    optional(
      'workflow runs',
      warnings,
      async () => {
        const { data } = await octokit.rest.actions.listWorkflowRunsForRepo({
          ...ref,
          per_page: RECENT_LIMIT,
        });
        return data.workflow_runs
          .filter(
            (r) =>
              r.path === WORKFLOW_FILE ||
              r.path.startsWith(`${WORKFLOW_FILE}@`) ||
              r.name === 'assembly-line',
          )
          .map(
            (r): WorkflowRunFact => ({
              id: r.id,
              title: r.display_title,
              headSha: r.head_sha,
              status: r.status ?? 'queued',
              conclusion: r.conclusion,
              createdAt: r.run_started_at ?? r.created_at,
              updatedAt: r.updated_at,
              url: r.html_url,
            }),
          );
      },
      [] as WorkflowRunFact[],
    ),
    optional(
      'deployments',
      warnings,
      async () => {
        const { data } = await octokit.rest.repos.listDeployments({ ...ref, per_page: RECENT_LIMIT });
        return Promise.all(
          statusWorthy(data).map(async (d): Promise<DeploymentRecord> => {
            const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
              ...ref,
              deployment_id: d.id,
              per_page: 1,
            });
            const latest = statuses[0];
            return {
              id: d.id,
              sha: d.sha,
              environment: d.environment,
              figures: figuresOf(d.payload),
              state: latest?.state ?? 'queued',
              createdAt: d.created_at,
              updatedAt: latest?.created_at ?? d.updated_at,
              ...(latest?.description ? { description: latest.description } : {}),
              ...(latest?.environment_url || latest?.log_url
                ? { url: (latest.environment_url || latest.log_url)! }
                : {}),
            };
          }),
        );
      },
      [] as DeploymentRecord[],
    ),
  ]);

  // The newest open pull request per intent: its gate, and (for intent PRs) the intent it proposes.
  const gates = new Map<number, GateFact>();
  const submitted = new Map<string, { intent: Intent; hash: string }>();
  const open = pulls.filter((p) => p.state === 'open');
  await Promise.all(
    open.map(async (pr) => {
      if (pr.head.startsWith(SPEC_PREFIX)) {
        const { data } = await octokit.rest.checks.listForRef({
          ...ref,
          ref: pr.headSha,
          check_name: CHECK_NAME,
          filter: 'latest',
          per_page: 1,
        });
        const run = data.check_runs[0];
        if (run)
          gates.set(pr.number, {
            status: run.status as GateFact['status'],
            ...(run.conclusion ? { conclusion: run.conclusion } : {}),
            ...(run.started_at ? { startedAt: run.started_at } : {}),
            ...(run.completed_at ? { completedAt: run.completed_at } : {}),
            ...(run.html_url ? { url: run.html_url } : {}),
            ...withScore(scoreFromText(run.output.title, run.output.summary)),
          });
      } else if (pr.head.startsWith(INTENT_BRANCH_PREFIX)) {
        const name = pr.head.slice(INTENT_BRANCH_PREFIX.length);
        if (submitted.has(name)) return;
        for (const ext of ['yaml', 'yml']) {
          const bytes = await workspace.readFile(pr.headSha, `intents/${name}.${ext}`);
          if (!bytes) continue;
          const parsed = IntentSchema.safeParse(parseYaml(decoder.decode(bytes)));
          if (parsed.success) submitted.set(name, { intent: parsed.data, hash: intentHash(parsed.data) });
          break;
        }
      }
    }),
  );
  return {
    repository,
    defaultBranch,
    intents,
    submitted,
    specs: specs.map((s) => ({
      name: s.name,
      ...(s.stamp ? { intentHash: s.stamp.intentHash, score: s.stamp.score } : {}),
    })),
    pulls,
    gates,
    workflowRuns,
    deployments,
    warnings,
  };
}

const withScore = (score: number | undefined) => (score !== undefined ? { score } : {});
