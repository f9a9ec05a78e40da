import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from '../fs-atomic.js';
import { sha256 } from '../hash.js';

export function specPaths(repoRoot: string, name: string) {
  const dir = join(repoRoot, 'specs', name);
  return { dir, spec: join(dir, 'SPEC.md'), verification: join(dir, 'verification.json') };
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

export function readStoredSpec(repoRoot: string, name: string): StoredSpec | undefined {
  const paths = specPaths(repoRoot, name);
  if (!existsSync(paths.spec)) return undefined;
  const markdown = readFileSync(paths.spec, 'utf8');
  let record: VerificationRecord | undefined;
  if (existsSync(paths.verification)) {
    const parsed = VerificationRecordSchema.safeParse(safeJson(readFileSync(paths.verification, 'utf8')));
    if (parsed.success) record = parsed.data;
  }
  // No record, or a record of other text: the pipeline did not write this SPEC as it stands.
  const editedByHand =
    record === undefined ||
    record.provider === 'human' ||
    record.spec_hash !== sha256(normalizeSpec(markdown));
  return { markdown, record, editedByHand };
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

export function writeStoredSpec(
  repoRoot: string,
  name: string,
  markdown: string | undefined,
  record: VerificationRecord,
) {
  const paths = specPaths(repoRoot, name);
  if (markdown !== undefined) writeFileAtomic(paths.spec, normalizeSpec(markdown));
  writeFileAtomic(paths.verification, `${JSON.stringify(record, null, 2)}\n`);
}
