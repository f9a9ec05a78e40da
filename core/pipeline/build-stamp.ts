import { readFileSync } from 'node:fs';
import { readManifest, type ServiceManifest } from '../build/write-service.js';
import { intentHash, sha256 } from '../hash.js';
import type { Intent } from '../intent/schema.js';
import { normalizeSpec, specPaths } from '../spec/store.js';

/**
 * A deploy ships `services/<name>/` as it is on disk, which may come from another job, another commit or
 * another person's machine. It is accepted only when the stamp the build wrote beside the code
 * (`services/<name>/.assembly-line.json`) names the SPEC and the intent of this checkout.
 */

export class BuildStampError extends Error {
  constructor(
    readonly reason: 'not-built' | 'no-spec' | 'spec-changed' | 'intent-changed',
    message: string,
  ) {
    super(message);
    this.name = 'BuildStampError';
  }
}

export type StampVerdict =
  | { ok: true }
  | { ok: false; reason: 'spec-changed' | 'intent-changed'; stamped: string; expected: string };

/**
 * Pure: does a stamp match the SPEC text and the intent? The SPEC's hash is taken of the text as read
 * and as the pipeline writes it (a final newline added), so a build from either form is accepted.
 */
export function judgeStamp(
  stamp: Pick<ServiceManifest, 'spec_hash' | 'intent_hash'>,
  specText: string,
  intent: Intent,
): StampVerdict {
  const specHashes = [sha256(specText), sha256(normalizeSpec(specText))];
  if (!specHashes.includes(stamp.spec_hash))
    return { ok: false, reason: 'spec-changed', stamped: stamp.spec_hash, expected: specHashes[1]! };
  const expectedIntent = intentHash(intent);
  if (stamp.intent_hash !== expectedIntent)
    return { ok: false, reason: 'intent-changed', stamped: stamp.intent_hash, expected: expectedIntent };
  return { ok: true };
}

const short = (hash: string) => hash.slice(0, 7);

/** The manifest of a build that may be deployed from this checkout; throws BuildStampError otherwise. */
export function requireDeployableBuild(repoRoot: string, intent: Intent): ServiceManifest {
  const name = intent.service_name;
  const rebuild = `build it from this commit first ('assembly-line build ${name}')`;
  const manifest = readManifest(repoRoot, name);
  if (!manifest)
    throw new BuildStampError(
      'not-built',
      `services/${name}/ is not built (no readable services/${name}/.assembly-line.json): ${rebuild}`,
    );
  let specText: string;
  try {
    specText = readFileSync(specPaths(repoRoot, name).spec, 'utf8');
  } catch {
    throw new BuildStampError(
      'no-spec',
      `specs/${name}/SPEC.md is missing, so the build in services/${name}/ cannot be checked against it; refusing to deploy`,
    );
  }
  const verdict = judgeStamp(manifest, specText, intent);
  if (verdict.ok) return manifest;
  const what = verdict.reason === 'spec-changed' ? `specs/${name}/SPEC.md` : `intents/${name}`;
  throw new BuildStampError(
    verdict.reason,
    `services/${name}/ was built from another ${verdict.reason === 'spec-changed' ? 'SPEC' : 'intent'} ` +
      `(stamp ${short(verdict.stamped)}, ${what} here is ${short(verdict.expected)}); refusing a stale or foreign build: ${rebuild}`,
  );
}
