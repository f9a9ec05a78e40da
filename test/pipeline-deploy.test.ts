import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalTarget } from '../core/deploy/index.js';
import { IntentSchema } from '../core/intent/schema.js';
import { runDeployJob } from '../core/pipeline/deploy-job.js';
import { serviceDir } from '../core/pipeline/state.js';
import type { Registry } from '../core/ports/index.js';
import { silentReporter } from '../core/ports/index.js';
import { createRegistry } from '../core/registry/index.js';
import { findFreePort } from '../core/udc/launch.js';
import { FAST, FIXTURE_SERVICE, health } from './helpers/deploy-suite.js';
import { type EtcdServer, startEtcd } from './helpers/etcd.js';
import { tempTree } from './helpers/tmp.js';

describe('deploy → health → register, with the registry following the serving release', () => {
  let etcd: EtcdServer;
  let tree: ReturnType<typeof tempTree>;
  beforeAll(async () => {
    etcd = await startEtcd();
  }, 60_000);
  afterAll(async () => {
    await etcd.stop();
  });
  beforeEach(() => {
    tree = tempTree({ 'intents/.keep': '' });
  });
  afterEach(() => tree.cleanup());

  test.each(['file', 'etcd'])(
    '%s registry: registered only after health; a failed deploy leaves it on the release that serves',
    async (kind) => {
      const port = await findFreePort();
      const intent = IntentSchema.parse({
        service_name: 'fixture-svc',
        service_type: 'domain',
        purpose: 'Deploy fixture',
        key_features: ['GET /health'],
        port,
      });
      const registry: Registry = createRegistry(
        kind === 'file'
          ? `file:${tree.path('registry.json')}`
          : `etcd://${etcd.endpoint.replace(/^https?:\/\//, '')}/test-${port}/`,
        { cwd: tree.root },
      );
      const target = createLocalTarget({ root: tree.path('deploy'), ...FAST });
      const source = serviceDir(tree.root, 'fixture-svc');
      cpSync(FIXTURE_SERVICE, source, { recursive: true });
      const deploy = (hash: string, at: number) =>
        runDeployJob({
          repoRoot: tree.root,
          intent,
          target,
          registry,
          reporter: silentReporter,
          specHash: hash,
          version: '1.0.0',
          now: () => new Date(Date.UTC(2026, 10, 25, 5, 0, at)),
        });
      try {
        const first = await deploy('aaaaaaa111', 1);
        expect(first.ok).toBe(true);
        expect(first.registered).toMatchObject({
          name: 'fixture-svc',
          url: `http://127.0.0.1:${port}`,
          health: 'active',
        });
        expect((await registry.get('fixture-svc'))?.release_id).toBe(first.outcome.release.releaseId);
        expect((await health(port)).status).toBe('active');

        writeFileSync(join(source, 'health-starting'), '');
        const broken = await deploy('bbbbbbb222', 2);
        expect(broken.ok).toBe(false);
        expect(broken.outcome.serving?.releaseId).toBe(first.outcome.release.releaseId);
        expect(broken.message).toContain(`keeps serving http://127.0.0.1:${port}`);
        expect((await registry.get('fixture-svc'))?.release_id).toBe(first.outcome.release.releaseId);
        expect((await health(port)).release).toBe(first.outcome.release.releaseId);

        rmSync(join(source, 'health-starting'));
        const fixed = await deploy('ccccccc333', 3);
        expect(fixed.ok).toBe(true);
        expect((await registry.get('fixture-svc'))?.release_id).toBe(fixed.outcome.release.releaseId);
        expect(fixed.outcome.release.releaseId > first.outcome.release.releaseId).toBe(true);
      } finally {
        await target.stop('fixture-svc');
      }
    },
    120_000,
  );

  test('a registry that is down after a healthy cutover fails the job and says the release serves unregistered', async () => {
    const port = await findFreePort();
    const closed = await findFreePort();
    const intent = IntentSchema.parse({
      service_name: 'fixture-svc',
      service_type: 'domain',
      purpose: 'Deploy fixture',
      key_features: ['GET /health'],
      port,
    });
    const registry = createRegistry(`http://127.0.0.1:${closed}`, { cwd: tree.root, retry: { attempts: 1 } });
    const target = createLocalTarget({ root: tree.path('deploy'), ...FAST });
    cpSync(FIXTURE_SERVICE, serviceDir(tree.root, 'fixture-svc'), { recursive: true });
    try {
      const result = await runDeployJob({
        repoRoot: tree.root,
        intent,
        target,
        registry,
        reporter: silentReporter,
        specHash: 'ddddddd444',
        version: '1.0.0',
      });
      expect(result.ok).toBe(false);
      expect(result.message).toContain(`serves http://127.0.0.1:${port} but is not registered`);
      expect((await health(port)).status).toBe('active');
    } finally {
      await target.stop('fixture-svc');
    }
  }, 60_000);
});
