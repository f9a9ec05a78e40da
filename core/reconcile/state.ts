import { intentHash, sha256 } from '../hash.js';
import { validateIntentRepository } from '../intent/repository.js';
import { SERVICE_NAME_PATTERN } from '../intent/schema.js';
import { intentNameFromPath } from '../intent/validate.js';
import type { Forge, PullRequest, Workspace } from '../ports/index.js';
import { normalizeSpec, readStoredSpec } from '../spec/store.js';
import { readIntentSources } from '../workspace/intents.js';
import { parseMarker } from './marker.js';
import {
  type DesiredIntent,
  type ReconcileInput,
  SPEC_BRANCH_PREFIX,
  type SpecPullRequest,
  type SpecState,
} from './planner.js';

/**
 * Reads what the planner needs — the edge where the pure planner meets the repository and the forge.
 * The bot calls it with the GitHub adapters and the default branch; `plan` with a local checkout.
 */
export async function readReconcileInput(
  workspace: Workspace,
  forge: Forge,
  ref: string,
): Promise<ReconcileInput> {
  const [intents, specs, pullRequests] = await Promise.all([
    readIntents(workspace, ref),
    readSpecs(workspace, ref),
    readSpecPullRequests(workspace, forge),
  ]);
  return { intents, specs, pullRequests };
}

const decoder = new TextDecoder();

export async function readIntents(workspace: Workspace, ref: string): Promise<DesiredIntent[]> {
  const sources = await readIntentSources(workspace, ref, 'intents/');
  return validateIntentRepository(sources).map((report) => ({
    name: report.intent?.service_name ?? intentNameFromPath(report.path),
    path: report.path,
    problems: report.errors.map(
      (d) => `${d.path}:${d.line}:${d.col}: ${d.field ? `${d.field}: ` : ''}${d.message}`,
    ),
    ...(report.intent ? { intent: report.intent, hash: intentHash(report.intent) } : {}),
  }));
}

function specHashOf(bytes: Uint8Array): string {
  return sha256(normalizeSpec(decoder.decode(bytes)));
}

export async function readSpecs(workspace: Workspace, ref: string): Promise<SpecState[]> {
  const names = (await workspace.listFiles(ref, 'specs/'))
    .map((path) => /^specs\/([^/]+)\/SPEC\.md$/.exec(path)?.[1])
    .filter((name): name is string => name !== undefined);
  const specs = await Promise.all(names.map((name) => readStoredSpec(workspace, ref, name)));
  return names.map((name, i): SpecState => {
    const { markdown, record } = specs[i] ?? { markdown: '' };
    const stamp = record
      ? {
          intentHash: record.intent_hash,
          specHash: record.spec_hash,
          provider: record.provider,
          passed: record.passed,
          score: record.score,
          optimizationCycles: record.optimization_cycles,
        }
      : undefined;
    return {
      name,
      specHash: sha256(normalizeSpec(markdown)),
      chars: markdown.length,
      ...(stamp ? { stamp } : {}),
    };
  });
}

export async function readSpecPullRequests(workspace: Workspace, forge: Forge): Promise<SpecPullRequest[]> {
  return specPullRequestsOf(workspace, await forge.listPullRequests(SPEC_BRANCH_PREFIX));
}

/** The planner's view of open SPEC pull requests already listed (the bot keeps the listing for its jobs). */
export function specPullRequestsOf(
  workspace: Workspace,
  prs: readonly PullRequest[],
): Promise<SpecPullRequest[]> {
  return Promise.all(
    prs.map(async (pr): Promise<SpecPullRequest> => {
      const name = pr.head.slice(SPEC_BRANCH_PREFIX.length);
      const spec = SERVICE_NAME_PATTERN.test(name)
        ? await workspace.readFile(pr.headSha || pr.head, `specs/${name}/SPEC.md`)
        : undefined;
      return {
        number: pr.number,
        branch: pr.head,
        url: pr.url,
        marker: parseMarker(pr.body),
        ...(spec ? { headSpecHash: specHashOf(spec) } : {}),
      };
    }),
  );
}
