import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EtcdRegistry, prefixRangeEnd } from '../core/registry/etcd.js';
import { createRegistry } from '../core/registry/index.js';
import { findFreePort } from '../core/udc/launch.js';
import { type EtcdServer, startEtcd } from './helpers/etcd.js';
import { sampleEntry, warnings } from './helpers/registry.js';

let etcd: EtcdServer;

beforeAll(async () => {
  etcd = await startEtcd();
});

afterAll(async () => {
  await etcd?.stop();
});

describe('etcd registry against a real etcd', () => {
  test('registers, reads, lists and deregisters entries stored as JSON under the default prefix', async () => {
    const registry = createRegistry(`etcd://127.0.0.1:${etcd.clientPort}`, { cwd: '/' });
    expect(registry.description).toBe(`etcd://127.0.0.1:${etcd.clientPort}/assembly-line/services/`);
    const hello = sampleEntry('hello-world');
    await registry.register(hello);
    await registry.register(sampleEntry('billing', { version: '2.1.0' }));

    const stored = await etcd.etcdctl(['get', '/assembly-line/services/hello-world', '--print-value-only']);
    expect(JSON.parse(stored)).toEqual(hello);
    expect(await registry.get('hello-world')).toEqual(hello);
    expect((await registry.list()).map((e) => [e.name, e.version])).toEqual([
      ['billing', '2.1.0'],
      ['hello-world', '1.0.0'],
    ]);

    await registry.register(sampleEntry('hello-world', { version: '1.1.0', health: 'degraded' }));
    expect(await registry.get('hello-world')).toMatchObject({ version: '1.1.0', health: 'degraded' });

    await registry.deregister('hello-world');
    await registry.deregister('hello-world');
    expect(await registry.get('hello-world')).toBeUndefined();
    expect(await etcd.etcdctl(['get', '/assembly-line/services/hello-world'])).toBe('');
    expect((await registry.list()).map((e) => e.name)).toEqual(['billing']);
  });

  test('a prefix from the URL keeps registries apart, and keys just outside the prefix are not listed', async () => {
    const teamA = createRegistry(`etcd://127.0.0.1:${etcd.clientPort}/team-a`, { cwd: '/' });
    const teamAB = createRegistry(`etcd://127.0.0.1:${etcd.clientPort}/team-a/b/`, { cwd: '/' });
    expect(teamA.description).toBe(`etcd://127.0.0.1:${etcd.clientPort}/team-a/`);
    await teamA.register(sampleEntry('api'));
    await teamAB.register(sampleEntry('worker'));
    const good = JSON.stringify(sampleEntry('intruder'));
    await etcd.etcdctl(['put', '/team-a0', good]);
    await etcd.etcdctl(['put', '/team-a', good]);
    await etcd.etcdctl(['put', '/team-', good]);

    expect(JSON.parse(await etcd.etcdctl(['get', '/team-a/api', '--print-value-only'])).name).toBe('api');
    expect((await teamAB.list()).map((e) => e.name)).toEqual(['worker']);
    const { messages, warn } = warnings();
    const listed = await new EtcdRegistry(etcd.endpoint, { prefix: '/team-a', warn }).list();
    expect(listed.map((e) => e.name)).toEqual(['api']);
    // team-a/b/worker lies under the prefix but its name is not a service name: reported, not listed.
    expect(messages).toEqual([expect.stringContaining('"/team-a/b/worker"')]);
  });

  test('foreign or corrupt values under the prefix are reported and skipped, not fatal', async () => {
    const { messages, warn } = warnings();
    const registry = new EtcdRegistry(etcd.endpoint, { prefix: '/foreign/', warn });
    await registry.register(sampleEntry('fine'));
    await etcd.etcdctl(['put', '/foreign/junk', 'not json {']);
    await etcd.etcdctl(['put', '/foreign/partial', '{"name":"partial","url":"ftp://x"}']);
    await etcd.etcdctl(['put', '/foreign/renamed', JSON.stringify(sampleEntry('other'))]);

    expect((await registry.list()).map((e) => e.name)).toEqual(['fine']);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(/"\/foreign\/junk".*not JSON/);
    expect(messages[1]).toMatch(/"\/foreign\/partial".*url: must be an http/);
    expect(messages[2]).toMatch(/"\/foreign\/renamed".*named "other"/);

    expect(await registry.get('junk')).toBeUndefined();
    expect(messages).toHaveLength(4);
  });

  test('invalid input is refused before anything reaches etcd', async () => {
    const registry = new EtcdRegistry(etcd.endpoint, { prefix: '/refused/' });
    await expect(registry.register(sampleEntry('ok', { url: 'not a url' }))).rejects.toThrow(
      /refusing to register an invalid entry: url/,
    );
    await expect(registry.get('../etc')).rejects.toThrow(/invalid service name "..\/etc"/);
    expect(await etcd.etcdctl(['get', '/refused/', '--prefix', '--keys-only'])).toBe('');
  });

  test('an etcd that is down gives a clear error after the configured attempts', async () => {
    const port = await findFreePort();
    const registry = createRegistry(`etcd://127.0.0.1:${port}`, {
      cwd: '/',
      retry: { attempts: 2, backoffMs: 5 },
    });
    await expect(registry.get('hello-world')).rejects.toThrow(
      `etcd etcd://127.0.0.1:${port}/assembly-line/services/: POST http://127.0.0.1:${port}/v3/kv/range failed after 2 attempts: connection refused`,
    );
  });

  // Last: it turns authentication on for this etcd.
  test('logs in with the credentials of the URL, renews a rejected token, and never shows the password', async () => {
    await etcd.etcdctl(['user', 'add', 'root', '--new-user-password=s3cret-pw']);
    await etcd.etcdctl(['user', 'grant-role', 'root', 'root']);
    await etcd.etcdctl(['auth', 'enable']);

    const anonymous = createRegistry(`etcd://127.0.0.1:${etcd.clientPort}/secured`, { cwd: '/' });
    await expect(anonymous.list()).rejects.toThrow(/user name is empty.*requires a login/);

    const registry = createRegistry(`etcd://root:s3cret-pw@127.0.0.1:${etcd.clientPort}/secured`, {
      cwd: '/',
    });
    expect(registry.description).not.toContain('s3cret');
    await registry.register(sampleEntry('guarded'));
    expect(await registry.get('guarded')).toMatchObject({ name: 'guarded' });
    const stored = await etcd.etcdctl([
      '--user=root:s3cret-pw',
      'get',
      '/secured/guarded',
      '--print-value-only',
    ]);
    expect(JSON.parse(stored).name).toBe('guarded');

    (registry as unknown as { token: string }).token = 'expired-token';
    expect((await registry.list()).map((e) => e.name)).toEqual(['guarded']);

    const wrong = createRegistry(`etcd://root:wrong-pw@127.0.0.1:${etcd.clientPort}/secured`, { cwd: '/' });
    const failure = await wrong.list().then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/authentication failed with HTTP 400: .*invalid user ID or password/);
    expect(failure).not.toContain('wrong-pw');
  });
});

describe('prefix range end', () => {
  test('is the prefix with its last byte raised, dropping trailing 0xff bytes', () => {
    expect(prefixRangeEnd('/assembly-line/services/').toString()).toBe('/assembly-line/services0');
    expect(prefixRangeEnd(Buffer.from([0x61, 0xff, 0xff]))).toEqual(Buffer.from('b'));
    expect(prefixRangeEnd(Buffer.from([0xff]))).toEqual(Buffer.from([0]));
    expect(prefixRangeEnd('')).toEqual(Buffer.from([0]));
  });
});
