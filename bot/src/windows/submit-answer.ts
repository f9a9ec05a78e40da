import { didYouMean, intentId } from '../core.js';
import { type RepoKey, repoName } from '../line/scheduler.js';
import type { FieldError, Submitted } from './submit.js';

export interface SubmitAnswer {
  status: 202 | 422 | 503;
  body: Record<string, unknown>;
}

export const statusPath = (id: string) => `/intents/${encodeURIComponent(id)}/status`;

/** Which repository a submit is for: the `repository` field, required when the app serves more than one. */
export function chooseRepository(
  served: readonly RepoKey[],
  repository: unknown,
): { repo: RepoKey } | { errors: FieldError[] } | { unavailable: string } {
  const names = served.map(repoName);
  if (repository === undefined) {
    if (served.length === 1) return { repo: served[0]! };
    if (served.length === 0) return { unavailable: 'the app is installed on no repository yet' };
    return {
      errors: [
        { field: 'repository', message: `is required: the app serves ${names.join(', ')} (give owner/name)` },
      ],
    };
  }
  if (typeof repository !== 'string')
    return { errors: [{ field: 'repository', message: 'must be a string, owner/name' }] };
  const repo = served.find((r) => repoName(r).toLowerCase() === repository.toLowerCase());
  if (repo) return { repo };
  return {
    errors: [
      {
        field: 'repository',
        message: `'${repository}' is not a repository the app serves (${names.join(', ') || 'none'})${didYouMean(repository, names)}`,
      },
    ],
  };
}

/** The HTTP answer to a submit: 202 with where to follow it, or 422 with every field's error. */
export async function submitAnswer(
  served: readonly RepoKey[],
  raw: Record<string, unknown>,
  run: (
    repo: RepoKey,
    fields: Record<string, unknown>,
  ) => Promise<{ ok: false; errors: FieldError[] } | ({ ok: true } & Submitted)>,
): Promise<SubmitAnswer> {
  const { repository, ...fields } = raw;
  const chosen = chooseRepository(served, repository);
  if ('unavailable' in chosen) return { status: 503, body: { error: chosen.unavailable } };
  if ('errors' in chosen) return { status: 422, body: { errors: chosen.errors } };
  const result = await run(chosen.repo, fields);
  if (!result.ok) return { status: 422, body: { errors: result.errors } };
  const id = intentId(result.intent.service_name, result.hash);
  return {
    status: 202,
    body: {
      intent_id: id,
      service_name: result.intent.service_name,
      repository: repoName(chosen.repo),
      pull_request_url: result.pullRequest?.url ?? null,
      status_url: statusPath(id),
    },
  };
}
