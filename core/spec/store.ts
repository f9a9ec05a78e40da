import { join } from 'node:path';
import * as z from 'zod';
import { sha256 } from '../hash.js';
import type { FileChange, Workspace } from '../ports/index.js';

/** Where an intent's SPEC lives, relative to the repository: what a Workspace reads and writes. */
export function specFiles(name: string) {
  const dir = `specs/${name}`;
  return { dir, spec: `${dir}/SPEC.md`, verification: `${dir}/verification.json` };
}

/** The same files in a local checkout, for messages and for tools that read files on disk. */
export function specPaths(repoRoot: string, name: string) {
  const files = specFiles(name);
  return {
    dir: join(repoRoot, files.dir),
    spec: join(repoRoot, files.spec),
    verification: join(repoRoot, files.verification),
  };
}

const RuleRecord = z.object({
  id: z.string(),
  title: z.string().optional(),
  weight: z.number(),
  score: z.number(),
  findings: z.array(z.object({ line: z.number(), message: z.string() })),
});

/** `specs/<name>/verification.json`: what produced the SPEC and how it scored. */
export const VerificationRecordSchema = z.object({
  service: z.string(),
  status: z.enum(['passed', 'needs-human-review']),
  score: z.number(),
  passed: z.boolean(),
  gate: z.number(),
  score_history: z.array(z.number()),
  optimization_cycles: z.number(),
  intent_hash: z.string(),
  spec_hash: z.string(),
  provider: z.string(),
  models: z.array(z.string()),
  tokens: z.object({
    input: z.number(),
    output: z.number(),
    cache_read: z.number(),
    cache_write: z.number(),
  }),
  cost_usd: z.number(),
  generated_at: z.string(),
  rules: z.array(RuleRecord),
});
export type VerificationRecord = z.infer<typeof VerificationRecordSchema>;

export interface StoredSpec {
  markdown: string;
  record?: VerificationRecord;
  /** The SPEC was changed after the pipeline wrote it: a person's edit, which is never overwritten. */
  editedByHand: boolean;
}

/** A SPEC and the text of its verification.json (if any), judged: pure, so every adapter agrees. */
export function storedSpecFrom(markdown: string, recordText: string | undefined): StoredSpec {
  let record: VerificationRecord | undefined;
  if (recordText !== undefined) {
    const parsed = VerificationRecordSchema.safeParse(safeJson(recordText));
    if (parsed.success) record = parsed.data;
  }
  // No record, or a record of other text: the pipeline did not write this SPEC as it stands.
  const editedByHand =
    record === undefined ||
    record.provider === 'human' ||
    record.spec_hash !== sha256(normalizeSpec(markdown));
  return { markdown, record, editedByHand };
}

const decoder = new TextDecoder();

/** `specs/<name>/` of the repository at `ref` (WORKING_TREE for a checkout's files as they are). */
export async function readStoredSpec(
  workspace: Workspace,
  ref: string,
  name: string,
): Promise<StoredSpec | undefined> {
  const files = specFiles(name);
  const [spec, record] = await Promise.all([
    workspace.readFile(ref, files.spec),
    workspace.readFile(ref, files.verification),
  ]);
  if (spec === undefined) return undefined;
  return storedSpecFrom(decoder.decode(spec), record === undefined ? undefined : decoder.decode(record));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** SPEC text as written to disk; its hash is the `spec_hash` of the record. */
export function normalizeSpec(markdown: string): string {
  return markdown.endsWith('\n') ? markdown : `${markdown}\n`;
}

/** The files that store a SPEC (unless `markdown` is undefined: a record only) and its record. */
export function storedSpecChanges(
  name: string,
  markdown: string | undefined,
  record: VerificationRecord,
): FileChange[] {
  const files = specFiles(name);
  return [
    ...(markdown !== undefined ? [{ path: files.spec, content: normalizeSpec(markdown) }] : []),
    { path: files.verification, content: `${JSON.stringify(record, null, 2)}\n` },
  ];
}

export function writeStoredSpec(
  workspace: Workspace,
  name: string,
  markdown: string | undefined,
  record: VerificationRecord,
): Promise<void> {
  return workspace.writeFiles(storedSpecChanges(name, markdown, record));
}
