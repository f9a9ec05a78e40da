import * as z from 'zod';
import { SERVICE_NAME_PATTERN } from '../intent/schema.js';

/**
 * The hidden marker in a SPEC pull request's body: which intent the pull request is for, and the
 * hashes of the intent and the SPEC it was written from. It lets a restarted bot tell, from GitHub
 * alone, whether a pull request is current and whether a person pushed to it since.
 *
 *   <!-- assembly-line: {"v":1,"intent":"hello-world","intent_hash":"<64 hex>","spec_hash":"<64 hex>"} -->
 *
 * The hashes are the `intent_hash` and `spec_hash` of `specs/<name>/verification.json`. JSON keeps
 * the marker extensible; its values can never contain `-->`, so it cannot end the comment early.
 */
export const MARKER_VERSION = 1;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex');

export const SpecMarkerSchema = z.object({
  v: z.literal(MARKER_VERSION),
  intent: z.string().regex(SERVICE_NAME_PATTERN, 'a service name'),
  intent_hash: Sha256,
  spec_hash: Sha256,
});
export type SpecMarker = z.infer<typeof SpecMarkerSchema>;

const MARKER = /<!--\s*assembly-line:\s*([\s\S]*?)\s*-->/g;

export function renderMarker(marker: Omit<SpecMarker, 'v'>): string {
  const value = SpecMarkerSchema.parse({ v: MARKER_VERSION, ...marker });
  return `<!-- assembly-line: ${JSON.stringify(value)} -->`;
}

export type MarkerReading = { found: true; marker: SpecMarker } | { found: false; problem: string };

/** The one marker in a pull request body; a missing, repeated or damaged marker is a problem named. */
export function parseMarker(body: string): MarkerReading {
  const matches = [...body.matchAll(MARKER)];
  if (matches.length === 0) return { found: false, problem: 'the body has no assembly-line marker' };
  if (matches.length > 1)
    return { found: false, problem: `the body has ${matches.length} assembly-line markers` };
  let json: unknown;
  try {
    json = JSON.parse(matches[0]![1]!);
  } catch {
    return { found: false, problem: 'the assembly-line marker is not valid JSON' };
  }
  const parsed = SpecMarkerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return {
      found: false,
      problem: `the assembly-line marker's ${issue.path.join('.') || 'value'} is invalid: ${issue.message}`,
    };
  }
  return { found: true, marker: parsed.data };
}

/** `body` with its marker replaced by `marker`, or with `marker` appended when it has none. */
export function withMarker(body: string, marker: Omit<SpecMarker, 'v'>): string {
  const rendered = renderMarker(marker);
  const stripped = body.replace(MARKER, '').trimEnd();
  return stripped ? `${stripped}\n\n${rendered}\n` : `${rendered}\n`;
}
