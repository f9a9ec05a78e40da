import { intentHash, sha256 } from '../hash.js';
import type { Intent } from '../intent/schema.js';
import {
  type LlmProvider,
  type LlmUsage,
  type ProgressReporter,
  WORKING_TREE,
  type Workspace,
} from '../ports/index.js';
import { GitWorkspace } from '../workspace/git.js';
import { runSpecLine, type SpecLineResult } from './spec-line.js';
import {
  normalizeSpec,
  readStoredSpec,
  specFiles,
  type VerificationRecord,
  writeStoredSpec,
} from './store.js';
import { PASSING_SCORE, type Verification } from './verifier/index.js';

export type SpecAction = 'generated' | 'reused' | 'reverified';

export interface SpecJobResult {
  name: string;
  action: SpecAction;
  status: VerificationRecord['status'];
  score: number;
  scoreHistory: number[];
  record: VerificationRecord;
  specPath: string;
  markdown: string;
}

export interface SpecJobOptions {
  /** The checkout, when no `workspace` is given: the SPEC is read from and written to its files. */
  repoRoot: string;
  /** Where the stored SPEC is read and the new one written; a GitWorkspace over repoRoot by default. */
  workspace?: Workspace;
  /** The ref the stored SPEC is read at (default: the working tree). */
  ref?: string;
  intent: Intent;
  provider: LlmProvider;
  reporter: ProgressReporter;
  /** Regenerate even when the stored SPEC is current or was edited by a person. */
  force?: boolean;
  onUsage?: (usage: LlmUsage, task: string) => void;
  now?: () => Date;
}

function sumUsage(usage: LlmUsage[]) {
  return {
    tokens: {
      input: usage.reduce((n, u) => n + u.inputTokens, 0),
      output: usage.reduce((n, u) => n + u.outputTokens, 0),
      cache_read: usage.reduce((n, u) => n + u.cacheReadTokens, 0),
      cache_write: usage.reduce((n, u) => n + u.cacheWriteTokens, 0),
    },
    cost_usd: Math.round(usage.reduce((n, u) => n + u.costUsd, 0) * 1e6) / 1e6,
    models: [...new Set(usage.map((u) => u.model))],
  };
}

/** The `specs/<name>/verification.json` of a SPEC: what produced it and how it scored. */
export function verificationRecord(
  intent: Intent,
  markdown: string,
  verification: Verification,
  scoreHistory: number[],
  provider: string,
  usage: LlmUsage[],
  now: Date,
): VerificationRecord {
  return {
    service: intent.service_name,
    status: verification.passed ? 'passed' : 'needs-human-review',
    score: verification.score,
    passed: verification.passed,
    gate: PASSING_SCORE,
    score_history: scoreHistory,
    optimization_cycles: Math.max(0, scoreHistory.length - 1),
    intent_hash: intentHash(intent),
    spec_hash: sha256(normalizeSpec(markdown)),
    provider,
    ...sumUsage(usage),
    generated_at: now.toISOString(),
    rules: verification.rules.map((r) => ({
      id: r.id,
      title: r.title,
      weight: r.weight,
      score: r.score,
      findings: r.findings,
    })),
  };
}

/**
 * The SPEC line for one intent, reconciling with what `specs/<name>/` already holds:
 * a current, passing SPEC is reused (no model call); a SPEC a person edited is re-verified, never
 * regenerated; anything else is generated and optimized.
 */
export async function runSpecJob(options: SpecJobOptions): Promise<SpecJobResult> {
  const { repoRoot, intent, provider, reporter } = options;
  const now = options.now ?? (() => new Date());
  const name = intent.service_name;
  const workspace = options.workspace ?? new GitWorkspace(repoRoot);
  const stored = await readStoredSpec(workspace, options.ref ?? WORKING_TREE, name);
  const hash = intentHash(intent);
  const specPath = workspace.localPath?.(specFiles(name).spec) ?? specFiles(name).spec;

  let action: SpecAction = 'generated';
  let result: SpecLineResult;
  if (stored && !options.force && (stored.editedByHand || stored.record?.intent_hash === hash)) {
    action = stored.editedByHand ? 'reverified' : 'reused';
    result = await runSpecLine({ intent, provider, reporter, startFrom: stored.markdown, maxCycles: 0 });
    if (action === 'reused' && !result.passed) {
      // The stored SPEC no longer passes (the verifier changed): regenerate it.
      action = 'generated';
    }
  }
  if (action === 'generated') {
    result = await runSpecLine({
      intent,
      provider,
      reporter,
      ...(options.onUsage ? { onUsage: options.onUsage } : {}),
    });
  }
  const line = result!;
  const generated = action === 'generated';
  const written = generated ? line.best.markdown : stored!.markdown;
  const rec = generated
    ? verificationRecord(
        intent,
        written,
        line.best.verification,
        line.scoreHistory,
        provider.name,
        line.usage,
        now(),
      )
    : {
        // Reuse keeps what the generation cost; a person's edit is credited to them.
        ...verificationRecord(
          intent,
          written,
          line.best.verification,
          [line.best.verification.score],
          'human',
          [],
          now(),
        ),
        ...(stored?.record && action === 'reused'
          ? {
              provider: stored.record.provider,
              models: stored.record.models,
              tokens: stored.record.tokens,
              cost_usd: stored.record.cost_usd,
              score_history: stored.record.score_history,
              optimization_cycles: stored.record.optimization_cycles,
              generated_at: stored.record.generated_at,
            }
          : {}),
      };
  await writeStoredSpec(workspace, name, generated ? written : undefined, rec);
  return {
    name,
    action,
    status: rec.status,
    score: rec.score,
    scoreHistory: rec.score_history,
    record: rec,
    specPath,
    markdown: normalizeSpec(written),
  };
}
