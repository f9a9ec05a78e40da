import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTarget } from '../core/deploy/local.js';
import { describeDeployBehaviour } from './helpers/deploy-suite.js';

const root = mkdtempSync(join(tmpdir(), 'assembly-line-deploy-local-'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

describeDeployBehaviour('local', () => ({
  root,
  make: (options = {}) => createLocalTarget({ ...options, root }),
}));

test('the local target describes where it deploys', () => {
  expect(createLocalTarget({ root: '/srv/apps' }).description).toBe('local (root /srv/apps)');
});
