import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { GitHubDouble } from './double.js';

/** Octokit logs every failed request; tests that expect refusals do not want them on the console. */
export const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/** Octokit on the double with a token (installation, GITHUB_TOKEN-style, or a person's). */
export function restClient(double: GitHubDouble, token?: string): Octokit {
  return new Octokit({ ...(token ? { auth: token } : {}), baseUrl: double.apiUrl, log: quietLog });
}

/** Octokit as an app's code runs it: @octokit/auth-app signs a JWT and fetches installation tokens. */
export function appClient(double: GitHubDouble): Octokit {
  return new Octokit({
    baseUrl: double.apiUrl,
    log: quietLog,
    authStrategy: createAppAuth,
    auth: {
      appId: double.app.id,
      privateKey: double.appKeys().privateKey,
      installationId: double.installation.id,
    },
  });
}
