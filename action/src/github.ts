import { context, getOctokit } from '@actions/github';
import { type DeploymentApi, type OctokitLike, octokitDeployments } from './deployments.js';

/** What the run knows of GitHub from the runner's environment (GITHUB_*), read once. */
export interface RunContext {
  sha: string;
  /** The workflow run's page, for deployment statuses. */
  runUrl?: string;
  repository?: { owner: string; repo: string };
}

export function runContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    sha: env.GITHUB_SHA ?? context.sha ?? '',
    ...(owner && repo ? { repository: { owner, repo } } : {}),
    ...(owner && repo && env.GITHUB_RUN_ID
      ? { runUrl: `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` }
      : {}),
  };
}

/** Deployments through Octokit at GITHUB_API_URL (github.com, GHES, or a test double). */
export function gitHubDeployments(token: string, repository: { owner: string; repo: string }): DeploymentApi {
  return octokitDeployments(getOctokit(token) as unknown as OctokitLike, repository);
}
