import { readFileSync } from 'node:fs';
import { deployAssetPath } from '../core/deploy/assets.js';
import { createLocalTarget } from '../core/deploy/index.js';
import { SERVICE_PATH, serviceEnv, serviceEnvShellWords } from '../core/process-env.js';
import { findFreePort, type LocalService, startLocalService } from '../core/udc/launch.js';
import { FAST, FIXTURE_SERVICE } from './helpers/deploy-suite.js';
import { tempTree } from './helpers/tmp.js';

/** Variables a build machine has that a deployed service must not see, secrets among them. */
const HOST_EXTRAS = {
  LC_ALL: 'C.UTF-8',
  TZ: 'Pacific/Chatham',
  TMPDIR: '/tmp',
  USER: 'builder',
  ASSEMBLY_LINE_TEST_TOKEN: 'not-for-services',
};
const RELEASE_ENV = { SERVICE_VERSION: '1.0.0', GREETING: 'same in both' };

async function environmentOf(url: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/environment`);
  const env = (await response.json()) as Record<string, string>;
  // Where and which release: the only variables that differ between two starts by design.
  delete env.PORT;
  delete env.ASSEMBLY_LINE_RELEASE_ID;
  return env;
}

describe('a service starts with the same environment under UDC verification as when deployed', () => {
  test('serviceEnv keeps PATH, HOME and LANG of the host and nothing else', () => {
    expect(serviceEnv({ HOME: '/home/ci', LANG: 'de_DE.UTF-8', PATH: '/opt/bin', ...HOST_EXTRAS })).toEqual({
      PATH: SERVICE_PATH,
      HOME: '/home/ci',
      LANG: 'de_DE.UTF-8',
    });
    expect(serviceEnv({ HOME: '' })).toEqual({ PATH: SERVICE_PATH, HOME: '/', LANG: 'C.UTF-8' });
  });

  test("the host agent starts releases with serviceEnv's words (it runs on hosts without Node)", () => {
    const agent = readFileSync(deployAssetPath('host-agent.sh'), 'utf8');
    const starts = agent.split('\n').filter((line) => line.includes('env -i'));
    expect(starts).toEqual([`    exec env -i ${serviceEnvShellWords()} \\`]);
  });

  describe('the same service, started both ways', () => {
    const tree = tempTree();
    const saved: Record<string, string | undefined> = {};
    let checked: LocalService | undefined;
    const target = createLocalTarget({ root: tree.path('deploy'), ...FAST });

    beforeAll(() => {
      for (const [name, value] of Object.entries(HOST_EXTRAS)) {
        saved[name] = process.env[name];
        process.env[name] = value;
      }
    });
    afterAll(async () => {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      await checked?.stop();
      await target.stop('env-fixture').catch(() => undefined);
      tree.cleanup();
    });

    test('the variables it sees are identical, and none of the build machine extras', async () => {
      checked = await startLocalService(FIXTURE_SERVICE, {
        python: '/usr/bin/python3',
        name: 'env-fixture',
        version: '1.0.0',
        env: RELEASE_ENV,
      });
      const underUdc = await environmentOf(checked.url);

      const port = await findFreePort();
      const outcome = await target.deploy({
        name: 'env-fixture',
        sourceDir: FIXTURE_SERVICE,
        releaseId: '20261206T120000Z-e0e0e0e',
        port,
        version: '1.0.0',
        env: RELEASE_ENV,
      });
      expect(outcome).toMatchObject({ ok: true });
      const deployed = await environmentOf(outcome.release.url);

      expect(underUdc).toEqual(deployed);
      expect(Object.keys(deployed).sort()).toEqual(
        ['GREETING', 'HOME', 'LANG', 'PATH', 'SERVICE_NAME', 'SERVICE_VERSION'].sort(),
      );
      expect(deployed).toMatchObject({ ...serviceEnv(process.env), ...RELEASE_ENV });
    }, 120_000);
  });
});
