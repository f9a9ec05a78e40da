import { join } from 'node:path';
import { type BuildLineResult, runBuildLine } from '../build/build-line.js';
import type { Intent } from '../intent/schema.js';
import type { LlmProvider, LlmUsage, ProgressReporter, Workspace } from '../ports/index.js';
import { ServiceStartError, startLocalService } from '../udc/launch.js';
import { type UdcReport, verifyUdc } from '../udc/verify.js';
import { buildVenvDir, serviceDir } from './state.js';

export interface BuildJobResult {
  ok: boolean;
  line: BuildLineResult;
  udc?: UdcReport;
  /** One sentence saying what failed, for the summary. */
  failure?: string;
}

export interface BuildJobOptions {
  repoRoot: string;
  /** Where the service's files are written; a GitWorkspace over repoRoot when absent. */
  workspace?: Workspace;
  intent: Intent;
  spec: string;
  provider: LlmProvider;
  reporter: ProgressReporter;
  onUsage?: (usage: LlmUsage, task: string) => void;
  /** The service version the UDC check expects in /health; default 1.0.0. */
  version?: string;
}

/**
 * The build line's phases 1-4: code and test generation, build & test, then UDC verification of the
 * built service started on a free loopback port.
 */
export async function runBuildJob(options: BuildJobOptions): Promise<BuildJobResult> {
  const { repoRoot, intent, reporter } = options;
  const name = intent.service_name;
  const venvDir = buildVenvDir(repoRoot, name);
  const line = await runBuildLine({
    provider: options.provider,
    repoRoot,
    ...(options.workspace ? { workspace: options.workspace } : {}),
    intent,
    spec: options.spec,
    reporter,
    ...(options.onUsage ? { onUsage: options.onUsage } : {}),
    build: { venvDir },
  });
  if (!line.ok) {
    return { ok: false, line, failure: line.failure?.message ?? 'the build failed' };
  }
  reporter.phaseStarted('udc_verification', 'the five UDC endpoints on a loopback port');
  let udc: UdcReport;
  try {
    const service = await startLocalService(serviceDir(repoRoot, name), {
      python: join(venvDir, 'bin', 'python'),
      name,
      version: options.version ?? '1.0.0',
      env: { SERVICE_VERSION: options.version ?? '1.0.0' },
    });
    try {
      udc = await verifyUdc(service.url, { expectedService: name });
    } finally {
      await service.stop();
    }
  } catch (error) {
    const message =
      error instanceof ServiceStartError || error instanceof Error ? error.message : String(error);
    reporter.phaseFinished('udc_verification', 'failed', 'the service did not start');
    return { ok: false, line, failure: `UDC verification: the service did not start: ${message}` };
  }
  const passed = udc.rows.filter((r) => r.ok).length;
  reporter.phaseFinished(
    'udc_verification',
    udc.ok ? 'ok' : 'failed',
    `${passed}/${udc.rows.length} checks passed`,
  );
  if (!udc.ok) {
    const faults = udc.rows.filter((r) => !r.ok).map((r) => `${r.endpoint}: ${r.fault ?? 'failed'}`);
    return { ok: false, line, udc, failure: `UDC verification failed: ${faults.join('; ')}` };
  }
  return { ok: true, line, udc };
}
