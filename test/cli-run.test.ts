import { readFileSync } from 'node:fs';
import { formatDuration } from '../core/cli/progress.js';
import { readLedger } from '../core/ledger/reader.js';
import { findFreePort } from '../core/udc/launch.js';
import { cli } from './helpers/cli.js';
import { intentYaml, tempTree } from './helpers/tmp.js';

async function healthOf(port: number) {
  try {
    const answer = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
    return (await answer.json()) as { status: string; service: string };
  } catch {
    return undefined;
  }
}

describe('assembly-line run and the deploy commands, on the embedded default', () => {
  let tree: ReturnType<typeof tempTree>;
  let port: number;
  beforeAll(async () => {
    port = await findFreePort();
    tree = tempTree({
      'intents/greeter.yaml': intentYaml('greeter', {
        port,
        key_features: ['GET /hello endpoint', 'Greet a visitor by name'],
      }),
    });
  });
  afterAll(async () => {
    await cli(['stop', 'greeter'], tree.root);
    tree.cleanup();
  });

  test('run takes the intent to a live, registered service and says where the defaults are', async () => {
    const result = await cli(['run', 'intents/greeter.yaml'], tree.root);
    expect(result.stdout).toContain('greeter is live');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`local target: deploy root ${tree.path('.assembly-line/deploy')}`);
    expect(result.stderr).toContain(`registry: file:${tree.path('.assembly-line/registry.json')}`);
    for (const phase of [
      'spec_generation',
      'code_generation',
      'test_generation',
      'build_test',
      'udc_verification',
      'deployment',
      'health_check',
      'registration',
    ]) {
      expect(result.stderr).toMatch(new RegExp(`\\[greeter\\] ok ${phase} `));
    }
    expect(result.stdout).toMatch(new RegExp(`url {6}http://127\\.0\\.0\\.1:${port}`));
    expect(result.stdout).toMatch(/release {2}\d{8}T\d{6}Z-[0-9a-f]{7}/);
    expect(result.stdout).toMatch(/tests {4}\d+ passed, 0 failed/);
    expect(result.stdout).toMatch(/coverage \d+(\.\d+)?%/);
    expect(result.stdout).toContain('cost     $0.0000');
    expect(await healthOf(port)).toMatchObject({ status: 'active', service: 'greeter' });

    const registry = JSON.parse(readFileSync(tree.path('.assembly-line/registry.json'), 'utf8'));
    expect(registry.services.greeter).toMatchObject({ url: `http://127.0.0.1:${port}`, health: 'active' });
    const [record] = readLedger(tree.path('.assembly-line')).records.filter((r) => r.kind === 'run');
    expect(record).toMatchObject({ outcome: 'succeeded', intent: { name: 'greeter' } });
    expect(record!.tests?.failed).toBe(0);
  }, 180_000);

  test('ps lists it as running and registered; logs shows its JSON log lines', async () => {
    const ps = await cli(['ps', '--format', 'json'], tree.root);
    expect(ps.code).toBe(0);
    expect(JSON.parse(ps.stdout).services).toEqual([
      expect.objectContaining({
        name: 'greeter',
        status: 'running',
        url: `http://127.0.0.1:${port}`,
        registered: true,
      }),
    ]);
    const logs = await cli(['logs', 'greeter', '--lines', '5'], tree.root);
    expect(logs.code).toBe(0);
    const lines = logs.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ service: 'greeter' });
  });

  test('a second run redeploys a new release; rollback returns to the first and re-registers it', async () => {
    const before = JSON.parse((await cli(['ps', '--format', 'json'], tree.root)).stdout).services[0].release;
    const again = await cli(['run', 'intents/greeter.yaml', '--format', 'json'], tree.root);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ ok: true, outcome: 'succeeded', url: `http://127.0.0.1:${port}` });
    expect(summary.release).not.toBe(before);

    const rollback = await cli(['rollback', 'greeter', '--format', 'json'], tree.root);
    expect(rollback.code).toBe(0);
    expect(JSON.parse(rollback.stdout).release.releaseId).toBe(before);
    const registry = JSON.parse(readFileSync(tree.path('.assembly-line/registry.json'), 'utf8'));
    expect(registry.services.greeter.release_id).toBe(before);
    expect((await healthOf(port))?.status).toBe('active');
  }, 180_000);

  test('deploy reports the health gate with the time the target waited for it', async () => {
    const deploy = await cli(['deploy', 'greeter', '--format', 'json'], tree.root);
    expect(deploy.code).toBe(0);
    const health = JSON.parse(deploy.stdout).timings_ms.health as number;
    // The gate runs inside the target's deploy(); the line shows its own timing, not the moment of reporting.
    expect(deploy.stderr).toContain(
      `[greeter] ok health_check ${formatDuration(health)}  GET /health active after ${Math.round(health)} ms`,
    );
  }, 120_000);

  test('stop stops the service and deregisters it', async () => {
    const stop = await cli(['stop', 'greeter'], tree.root);
    expect(stop.code).toBe(0);
    expect(await healthOf(port)).toBeUndefined();
    const registry = JSON.parse(readFileSync(tree.path('.assembly-line/registry.json'), 'utf8'));
    expect(registry.services.greeter).toBeUndefined();
  });

  test('bad target flags are usage errors that name the fix', async () => {
    const ssh = await cli(['ps', '--target', 'ssh://deploy@127.0.0.1:2222'], tree.root);
    expect(ssh.code).toBe(2);
    expect(ssh.stderr).toMatch(/known.hosts/i);
    const registry = await cli(['ps', '--registry', 'ftp://x'], tree.root);
    expect(registry.code).toBe(2);
    expect(registry.stderr).toContain('file:PATH');
    expect((await cli(['run', 'intents/greeter.yaml', '--health-timeout', 'soon'], tree.root)).code).toBe(2);
    expect((await cli(['deploy', 'nobody'], tree.root)).stderr).toContain("no intent for 'nobody'");
  });
});
