import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTarget } from '../core/deploy/local.js';
import { describeDeployBehaviour, request } from './helpers/deploy-suite.js';

const root = mkdtempSync(join(tmpdir(), 'assembly-line-deploy-local-'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

describeDeployBehaviour('local', () => ({
  root,
  cliFlags: ['--root', root],
  make: (options = {}) => createLocalTarget({ ...options, root }),
  child: (options) => ({ kind: 'local', options: { ...options, root } }),
}));

test('the local target describes where it deploys', () => {
  expect(createLocalTarget({ root: '/srv/apps' }).description).toBe('local (root /srv/apps)');
});

// It used to print mkdir's complaint once per folder, then its own: four times the same news.
test('a deploy root that cannot be created is one error, with the reason', async () => {
  const target = createLocalTarget({ root: '/sys/assembly-line-read-only' });
  const error = await target.deploy(request('ro', 9)).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toMatch(
    /^local: begin failed: cannot create \/sys\/assembly-line-read-only\/ro \(mkdir: cannot create directory '\/sys\/assembly-line-read-only': (Operation not permitted|Permission denied)\)$/,
  );
});
