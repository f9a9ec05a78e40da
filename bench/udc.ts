import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalService } from '../core/udc/launch.js';
import { verifyUdc } from '../core/udc/verify.js';
import { type BenchResult, measure } from './measure.js';

/** test/fixtures/udc of this repository, whether this runs from bench/ or out/bench/. */
function fixtureDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'test/fixtures/udc');
}

/** Start-up of a FastAPI service until /health answers, and one full UDC verification of it. */
export async function benchUdc(): Promise<BenchResult[]> {
  const serviceDir = fixtureDir();
  const options = { python: '/usr/bin/python3' };
  const startup = await measure(
    'start a FastAPI service until /health answers, then stop it',
    async () => {
      const service = await startLocalService(serviceDir, options);
      await service.stop();
    },
    3,
  );
  const service = await startLocalService(serviceDir, options);
  try {
    const verify = await measure(
      'verify the five UDC endpoints (6 checks) of a running service',
      async () => {
        const report = await verifyUdc(service.url);
        if (!report.ok) throw new Error(`UDC failed: ${report.rows.map((r) => r.fault).join('; ')}`);
      },
      20,
    );
    return [startup, verify];
  } finally {
    await service.stop();
  }
}
