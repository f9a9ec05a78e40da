import type { PipelineResult } from './pipeline.js';

/**
 * GitHub Deployments for a deploy: one deployment for the `environment` input, then the statuses
 * `in_progress` and `success` (with the service URL) or `failure` (with the end of the log). GitHub is
 * told, never asked: a failure to reach it is a warning and never changes the deploy's outcome, and a
 * token without `deployments: write` (GitHub answers 403) skips the rest with a notice.
 */

/** GitHub refuses a deployment status description longer than this. */
export const DESCRIPTION_LIMIT = 140;

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error';

export interface DeploymentStatusParams {
  state: DeploymentState;
  description: string;
  environment_url?: string;
  log_url?: string;
}

export interface DeploymentApi {
  /** The new deployment's id, or GitHub's message when it did not create one (202). */
  createDeployment(params: {
    ref: string;
    environment: string;
    description: string;
    payload: Record<string, string | number>;
  }): Promise<{ id: number } | { message: string }>;
  createStatus(id: number, params: DeploymentStatusParams): Promise<void>;
}

/** The subset of an Octokit instance this module calls. */
export interface OctokitLike {
  rest: {
    repos: {
      createDeployment(params: Record<string, unknown>): Promise<{ status: number; data: unknown }>;
      createDeploymentStatus(params: Record<string, unknown>): Promise<unknown>;
    };
  };
}

export function octokitDeployments(
  octokit: OctokitLike,
  repo: { owner: string; repo: string },
): DeploymentApi {
  return {
    async createDeployment(params) {
      const response = await octokit.rest.repos.createDeployment({
        ...repo,
        ...params,
        task: 'deploy',
        auto_merge: false,
        // The build job already ran the checks this deploy depends on.
        required_contexts: [],
        production_environment: params.environment === 'production',
      });
      const data = response.data as { id?: number; message?: string };
      return typeof data.id === 'number'
        ? { id: data.id }
        : { message: data.message ?? `HTTP ${response.status}` };
    },
    async createStatus(id, params) {
      await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: id, ...params });
    },
  };
}

/**
 * A description within GitHub's limit: `lead`, then as much of `detail` as fits. A log keeps its end
 * (where the error is), a message its start (where it says what failed).
 */
export function describe(lead: string, detail = '', keep: 'end' | 'start' = 'end'): string {
  const flat = detail.replace(/\s+/g, ' ').trim();
  const head = lead.length > DESCRIPTION_LIMIT ? `${lead.slice(0, DESCRIPTION_LIMIT - 1)}…` : lead;
  if (!flat) return head;
  const room = DESCRIPTION_LIMIT - head.length - 2;
  if (room < 10) return head;
  if (flat.length <= room) return `${head}: ${flat}`;
  return keep === 'end' ? `${head}: …${flat.slice(-(room - 1))}` : `${head}: ${flat.slice(0, room - 1)}…`;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown })?.status;
  return typeof status === 'number' ? status : undefined;
}

export interface TrackerOptions {
  environment: string;
  ref: string;
  service: string;
  logUrl?: string;
  /** The build's figures for the payload (score, tests, coverage, cost), read when the deploy starts. */
  figures?: () => Record<string, number>;
  notice(message: string): void;
  warning(message: string): void;
  scrub(text: string): string;
}

export class DeploymentTracker {
  private id: number | undefined;
  private started: Promise<void> | undefined;
  /** One line for the job summary: what GitHub was told. */
  outcome: string | undefined;

  constructor(
    private readonly api: DeploymentApi | undefined,
    private readonly options: TrackerOptions,
  ) {
    if (!api) this.outcome = 'skipped (no github-token)';
  }

  /** Creates the deployment and marks it in progress; called when the deploy phase starts. */
  start(releaseDetail?: string): void {
    if (!this.api || this.started) return;
    const api = this.api;
    const o = this.options;
    this.started = (async () => {
      try {
        const created = await api.createDeployment({
          ref: o.ref,
          environment: o.environment,
          description: describe(
            `assembly-line deploy of ${o.service}${releaseDetail ? `, ${releaseDetail}` : ''}`,
          ),
          payload: { service: o.service, ...this.figures() },
        });
        if ('message' in created) {
          this.skip(`GitHub did not create a deployment: ${created.message}`, 'warning');
          return;
        }
        this.id = created.id;
        await api.createStatus(created.id, this.status('in_progress', `deploying ${o.service}`));
        this.outcome = `deployment ${created.id} in progress`;
      } catch (error) {
        this.failed(error);
      }
    })();
  }

  /** Posts the final status for the result of the run; a deploy that never started posts nothing. */
  async finish(result: PipelineResult): Promise<void> {
    if (!this.started) return;
    await this.started;
    const id = this.id;
    if (!this.api || id === undefined) return;
    const o = this.options;
    const deploy = result.deploy;
    try {
      if (result.status === 'deployed' && result.serviceUrl) {
        await this.api.createStatus(id, {
          ...this.status('success', `release ${result.releaseId} of ${o.service} is live`),
          environment_url: result.serviceUrl,
        });
        this.outcome = `deployment ${id}: success, ${result.serviceUrl}`;
        return;
      }
      const lead = deploy?.serving
        ? `rolled back: ${deploy.serving.releaseId} keeps serving`
        : `deploy of ${o.service} failed`;
      const detail = deploy?.logTail
        ? describe(lead, deploy.logTail, 'end')
        : describe(lead, result.message, 'start');
      await this.api.createStatus(id, this.status('failure', detail));
      this.outcome = `deployment ${id}: failure (${lead})`;
    } catch (error) {
      this.failed(error);
    }
  }

  /** Figures are extra: a ledger that cannot be read leaves them out, never the deployment. */
  private figures(): Record<string, number> {
    try {
      return this.options.figures?.() ?? {};
    } catch {
      return {};
    }
  }

  private status(state: DeploymentState, description: string): DeploymentStatusParams {
    return {
      state,
      description: this.options.scrub(describe(description)),
      ...(this.options.logUrl ? { log_url: this.options.logUrl } : {}),
    };
  }

  private failed(error: unknown) {
    const status = httpStatus(error);
    const reason = this.options.scrub(error instanceof Error ? error.message : String(error));
    if (status === 403)
      this.skip(
        `GitHub Deployments skipped: the token may not write deployments (403: ${reason}); give the job 'permissions: deployments: write'`,
        'notice',
      );
    else this.skip(`GitHub Deployments: ${status ? `HTTP ${status}: ` : ''}${reason}`, 'warning');
  }

  private skip(message: string, level: 'notice' | 'warning') {
    this.id = undefined;
    this.outcome =
      level === 'notice' ? 'skipped (the token lacks deployments: write)' : `not recorded (${message})`;
    this.options[level](message);
  }
}
