import type { Intent } from '../intent/schema.js';
import { MAX_OPTIMIZATION_CYCLES } from '../spec/spec-line.js';
import type { MarkerReading } from './marker.js';

/**
 * The reconcile planner: what the SPEC line must do so that the repository and its pull requests
 * match the intents. Pure — state in, changes out — so the bot (on every push, and on its timer),
 * `assembly-line plan` and the tests all decide the same way. "Reconcile, don't remember": everything
 * it needs is in the repository and on the forge.
 */

/** Where the bot keeps each intent's SPEC pull request. */
export const SPEC_BRANCH_PREFIX = 'assembly-line/spec/';

export function specBranch(name: string): string {
  return `${SPEC_BRANCH_PREFIX}${name}`;
}

/** One intent file on the default branch. */
export interface DesiredIntent {
  /** The service name; the file's name when the file does not parse. */
  name: string;
  /** Repository-relative, e.g. `intents/hello-world.yaml`. */
  path: string;
  /** Present when the intent is valid. */
  intent?: Intent;
  /** The intent's hash (`intentHash`), present when it is valid. */
  hash?: string;
  /** What is wrong with it, each as `path:line:col: message`; empty when it is valid. */
  problems: string[];
}

/** The stamp `specs/<name>/verification.json` holds: what the SPEC was made from and how it scored. */
export interface SpecStamp {
  intentHash: string;
  specHash: string;
  /** `human` when the last verification was of a person's SPEC. */
  provider: string;
  passed: boolean;
  score: number;
  optimizationCycles: number;
}

/** `specs/<name>/` on the default branch. */
export interface SpecState {
  name: string;
  /** The hash of SPEC.md as it is now (`sha256(normalizeSpec(text))`). */
  specHash: string;
  /** Its length in characters, for cost estimates. */
  chars: number;
  /** Absent when there is no readable verification.json. */
  stamp?: SpecStamp;
}

/** An open pull request from `assembly-line/spec/<name>`. */
export interface SpecPullRequest {
  number: number;
  branch: string;
  url: string;
  marker: MarkerReading;
  /** The hash of `specs/<name>/SPEC.md` at the pull request's head; absent when the head has none. */
  headSpecHash?: string;
}

export interface ReconcileInput {
  intents: readonly DesiredIntent[];
  specs: readonly SpecState[];
  pullRequests: readonly SpecPullRequest[];
}

export const CHANGE_KINDS = ['open', 'update', 'keep', 'close', 'reverify', 'needs_person'] as const;
/**
 * - open: write a SPEC and open its pull request (none open, SPEC missing or made from another intent)
 * - update: rewrite the SPEC on the open pull request's branch (the intent changed since)
 * - keep: nothing to do
 * - close: the intent was removed; close its pull request (files on the default branch stay)
 * - reverify: a person wrote or edited the SPEC: score it again, never rewrite it
 * - needs_person: the bot will not act until a person does; the reason says what to do
 */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface PlannedChange {
  intent: string;
  change: ChangeKind;
  reason: string;
  intentPath?: string;
  pullRequest?: { number: number; url: string };
  /** Model calls of the SPEC line: one draft when it passes at once, up to the optimization cycles more. */
  modelCalls: { min: number; max: number };
}

const NO_CALLS = { min: 0, max: 0 } as const;
const GENERATE = { min: 1, max: 1 + MAX_OPTIMIZATION_CYCLES } as const;

function short(hash: string): string {
  return hash.slice(0, 7);
}

function planIntent(
  desired: DesiredIntent,
  spec: SpecState | undefined,
  pr: SpecPullRequest | undefined,
): Omit<PlannedChange, 'intent' | 'intentPath'> {
  const name = desired.name;
  const specPath = `specs/${name}/SPEC.md`;
  const onPr = pr ? { pullRequest: { number: pr.number, url: pr.url } } : {};
  const person = (change: ChangeKind, reason: string) => ({ change, reason, modelCalls: NO_CALLS, ...onPr });

  if (!desired.hash) {
    const more = desired.problems.length > 1 ? ` (and ${desired.problems.length - 1} more)` : '';
    return person('needs_person', `the intent is invalid: ${desired.problems[0] ?? 'unreadable'}${more}`);
  }
  const hash = desired.hash;

  if (pr) {
    if (!pr.marker.found)
      return person(
        'needs_person',
        `pull request #${pr.number}: ${pr.marker.problem}; restore it or close the pull request`,
      );
    const { marker } = pr.marker;
    if (marker.intent !== name)
      return person(
        'needs_person',
        `pull request #${pr.number} from ${pr.branch} is marked for intent '${marker.intent}'`,
      );
    if (pr.headSpecHash === undefined)
      return person('needs_person', `pull request #${pr.number} has no ${specPath} at its head`);
    if (pr.headSpecHash !== marker.spec_hash) {
      // A person pushed to the SPEC branch: theirs from now on.
      return marker.intent_hash === hash
        ? person('reverify', `a person edited ${specPath} on pull request #${pr.number}; score it again`)
        : person(
            'needs_person',
            `the intent changed after a person edited pull request #${pr.number}; the bot never ` +
              'overwrites their SPEC: update it, or comment /assembly-line regenerate',
          );
    }
    return marker.intent_hash === hash
      ? person('keep', `pull request #${pr.number} is current`)
      : {
          change: 'update',
          reason: `the intent changed since pull request #${pr.number} was written (${short(marker.intent_hash)} → ${short(hash)})`,
          modelCalls: GENERATE,
          ...onPr,
        };
  }

  if (!spec) return { change: 'open', reason: `no ${specPath} yet`, modelCalls: GENERATE };
  const stamp = spec.stamp;
  const verifiedAsIs = stamp !== undefined && stamp.specHash === spec.specHash;
  if (!verifiedAsIs) {
    // No stamp, or a stamp of other text: a person wrote or edited the SPEC.
    return !stamp || stamp.intentHash === hash
      ? person('reverify', `a person edited ${specPath}; score it again, never rewrite it`)
      : person(
          'needs_person',
          `the intent changed after a person edited ${specPath}; the bot never rewrites it: ` +
            'update it, or comment /assembly-line regenerate',
        );
  }
  if (stamp.intentHash !== hash) {
    if (stamp.provider === 'human')
      return person(
        'needs_person',
        `the intent changed since a person's ${specPath} was verified; update it, or comment /assembly-line regenerate`,
      );
    return {
      change: 'open',
      reason: `the intent changed since ${specPath} was written (${short(stamp.intentHash)} → ${short(hash)})`,
      modelCalls: GENERATE,
    };
  }
  if (!stamp.passed)
    return person(
      'needs_person',
      `${specPath} scored ${stamp.score}, below the gate, after ${stamp.optimizationCycles} optimization ` +
        'cycles; a person must improve it',
    );
  return person('keep', `${specPath} is current (score ${stamp.score})`);
}

/** One change per intent name found anywhere (intents, SPECs, pull requests), sorted by name. */
export function planReconcile(input: ReconcileInput): PlannedChange[] {
  const specs = new Map(input.specs.map((s) => [s.name, s]));
  const prs = new Map<string, SpecPullRequest>();
  for (const pr of input.pullRequests)
    if (pr.branch.startsWith(SPEC_BRANCH_PREFIX)) prs.set(pr.branch.slice(SPEC_BRANCH_PREFIX.length), pr);
  const byName = new Map<string, DesiredIntent[]>();
  for (const desired of input.intents)
    byName.set(desired.name, [...(byName.get(desired.name) ?? []), desired]);

  const names = [...new Set([...byName.keys(), ...specs.keys(), ...prs.keys()])].sort();
  return names.map((name): PlannedChange => {
    const desired = byName.get(name);
    const pr = prs.get(name);
    const onPr = pr ? { pullRequest: { number: pr.number, url: pr.url } } : {};
    if (!desired) {
      return {
        intent: name,
        change: 'close',
        reason: pr
          ? `the intent was removed; close pull request #${pr.number}`
          : `the intent was removed; nothing is generated for it (specs/${name}/ stays until deleted)`,
        modelCalls: NO_CALLS,
        ...onPr,
      };
    }
    if (desired.length > 1) {
      return {
        intent: name,
        change: 'needs_person',
        reason: `${desired.map((d) => d.path).join(' and ')} both define ${name}; keep one`,
        intentPath: desired[0]!.path,
        modelCalls: NO_CALLS,
        ...onPr,
      };
    }
    return { intent: name, intentPath: desired[0]!.path, ...planIntent(desired[0]!, specs.get(name), pr) };
  });
}
