import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { FileRegistry } from '../core/registry/file.js';
import { acquireFileLock } from '../core/registry/file-lock.js';
import { sampleEntry, warnings } from './helpers/registry.js';
import { tempTree } from './helpers/tmp.js';
import { transpileForChildProcesses } from './helpers/transpile.js';

let compiled: ReturnType<typeof transpileForChildProcesses>;
let registerScript: string;
let holdScript: string;
let exclusionScript: string;
const children: ChildProcess[] = [];
let tree: ReturnType<typeof tempTree>;

beforeAll(() => {
  compiled = transpileForChildProcesses(['core/registry/file.ts']);
  // Registers `count` entries `<prefix>-<i>` concurrently through its own FileRegistry.
  registerScript = compiled.write(
    'register.js',
    `import { FileRegistry } from './core/registry/file.js';
const [path, prefix, count] = process.argv.slice(2);
const registry = new FileRegistry(path, { lock: { timeoutMs: 20000 } });
await Promise.all(Array.from({ length: Number(count) }, (_, i) => registry.register({
  name: prefix + '-' + i, url: 'http://127.0.0.1:9000/', version: '1.0.' + i,
  release_id: 'r' + i, registered_at: new Date().toISOString(), health: 'active',
})));
`,
  );
  // Takes the lock with the real protocol; then either dies holding it, or releases it on a line on stdin.
  holdScript = compiled.write(
    'hold.js',
    `import { acquireFileLock } from './core/registry/file-lock.js';
const [lockPath, mode] = process.argv.slice(2);
const lock = await acquireFileLock(lockPath);
process.stdout.write('locked\\n');
if (mode === 'die') process.exit(0);
process.stdin.once('data', async () => { await lock.release(); process.exit(0); });
`,
  );
  // Takes the lock `rounds` times; inside, claims a marker file with O_EXCL (it fails if another holder is
  // inside too) and sometimes dies holding the lock, so later rounds meet a lock whose holder is gone.
  exclusionScript = compiled.write(
    'exclusion.js',
    `import { openSync, closeSync, unlinkSync } from 'node:fs';
import { acquireFileLock } from './core/registry/file-lock.js';
const [lockPath, marker, rounds, dieAt] = process.argv.slice(2);
for (let round = 0; round < Number(rounds); round++) {
  const lock = await acquireFileLock(lockPath, { timeoutMs: 60000 });
  let fd;
  try { fd = openSync(marker, 'wx'); } catch { process.stderr.write('two holders inside the lock\\n'); process.exit(3); }
  await lock.assertHeld();
  if (round === Number(dieAt)) { closeSync(fd); unlinkSync(marker); process.exit(0); }
  await new Promise((done) => setTimeout(done, Math.random() * 3));
  closeSync(fd); unlinkSync(marker);
  await lock.release();
}
`,
  );
});

afterAll(() => compiled?.cleanup());

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill();
      await exited;
    }
  }
  tree?.cleanup();
});

function run(script: string, args: string[]): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((done, reject) =>
    child.once('exit', (code) =>
      code === 0 ? done(code) : reject(new Error(`${script} exited ${code}: ${stderr}`)),
    ),
  );
  exit.catch(() => {}); // a child killed by the clean-up is not a failure; tests await `exit` themselves
  return { child, exit };
}

/** Starts a process holding the lock `lockPath`, and resolves once it has it. */
async function holdLock(lockPath: string, mode: 'hold' | 'die') {
  const { child, exit } = run(holdScript, [lockPath, mode]);
  await new Promise<void>((done, reject) => {
    child.stdout?.once('data', () => done());
    exit.catch(reject);
  });
  return { child, exit, release: () => child.stdin?.write('go\n') };
}

// The lock file stays after a release (removing it would let two holders lock two files), empty.
const leftovers = (dir: string) =>
  readdirSync(dir).filter(
    (name) =>
      name !== 'registry.json' &&
      !(name === 'registry.json.lock' && readFileSync(`${dir}/${name}`, 'utf8') === ''),
  );

describe('file registry', () => {
  test('registers, reads, lists and deregisters; a missing file is an empty registry', async () => {
    tree = tempTree();
    const path = tree.path('state/registry.json');
    const registry = new FileRegistry(path);
    expect(registry.description).toBe(`file:${path}`);
    expect(await registry.list()).toEqual([]);
    expect(await registry.get('hello-world')).toBeUndefined();
    await registry.deregister('hello-world');
    expect(existsSync(path)).toBe(false);

    const hello = sampleEntry('hello-world');
    await registry.register(hello);
    await registry.register(sampleEntry('billing'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      services: { billing: sampleEntry('billing'), 'hello-world': hello },
    });
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).services)).toEqual(['billing', 'hello-world']);
    expect(await registry.get('hello-world')).toEqual(hello);
    expect((await registry.list()).map((e) => e.name)).toEqual(['billing', 'hello-world']);

    await registry.deregister('hello-world');
    expect(await new FileRegistry(path).list()).toEqual([sampleEntry('billing')]);
    expect(leftovers(tree.path('state'))).toEqual([]);
  });

  test('refuses invalid entries and names without touching the file', async () => {
    tree = tempTree({ 'registry.json': '{"services": {}}\n' });
    const registry = new FileRegistry(tree.path('registry.json'));
    await expect(
      registry.register(sampleEntry('hello-world', { registered_at: 'yesterday' })),
    ).rejects.toThrow(
      /file:.*registry.json: refusing to register an invalid entry: registered_at: must be an ISO-8601/,
    );
    await expect(registry.deregister('Hello World')).rejects.toThrow(/invalid service name "Hello World"/);
    expect(readFileSync(tree.path('registry.json'), 'utf8')).toBe('{"services": {}}\n');
  });

  test.each([
    ['not JSON', '{"services": {"a": ', /is not valid JSON/],
    ['an array', '[]', /is not a registry: expected \{"services"/],
    ['services as a list', '{"services": []}', /is not a registry/],
  ])('a corrupt file (%s) is a clear error and is never overwritten', async (_kind, content, message) => {
    tree = tempTree({ 'registry.json': content });
    const path = tree.path('registry.json');
    const registry = new FileRegistry(path);
    for (const attempt of [
      registry.list(),
      registry.get('ab'),
      registry.register(sampleEntry('hello-world')),
    ])
      await expect(attempt).rejects.toThrow(message);
    await expect(registry.deregister('ab')).rejects.toThrow(path);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(leftovers(tree.root)).toEqual([]);
  });

  test('foreign or broken entries are reported on read and kept on write', async () => {
    const foreign = { name: 'legacy', address: '10.0.0.1' };
    tree = tempTree({
      'registry.json': JSON.stringify({
        owner: 'ops',
        services: { good: sampleEntry('good'), legacy: foreign, alias: sampleEntry('good') },
      }),
    });
    const path = tree.path('registry.json');
    const { messages, warn } = warnings();
    const registry = new FileRegistry(path, { warn });
    expect((await registry.list()).map((e) => e.name)).toEqual(['good']);
    expect(messages).toEqual([
      expect.stringMatching(/services\.legacy: ignoring an invalid entry: url: .*; version: .*release_id/),
      expect.stringMatching(/services\.alias: ignoring an entry named "good" stored under "alias"/),
    ]);
    expect(await registry.get('legacy')).toBeUndefined();
    expect(messages).toHaveLength(3);

    await registry.register(sampleEntry('new-one'));
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written.owner).toBe('ops');
    expect(written.services.legacy).toEqual(foreign);
    expect(Object.keys(written.services)).toEqual(['alias', 'good', 'legacy', 'new-one']);
  });

  test('concurrent registrations from several registries and processes lose no entry', async () => {
    tree = tempTree();
    const path = tree.path('registry.json');
    // A lock file left by a process that died holding the lock: the lock itself died with the process.
    await (await holdLock(`${path}.lock`, 'die')).exit;
    expect(existsSync(`${path}.lock`)).toBe(true);

    const processes = ['proc-a', 'proc-b', 'proc-c'].map(
      (prefix) => run(registerScript, [path, prefix, '8']).exit,
    );
    const inProcess = Array.from(
      { length: 4 },
      () => new FileRegistry(path, { lock: { timeoutMs: 20000 } }),
    ).flatMap((registry, r) =>
      Array.from({ length: 5 }, (_, i) => registry.register(sampleEntry(`local-${r}-${i}`))),
    );
    await Promise.all([...processes, ...inProcess]);

    const names = (await new FileRegistry(path).list()).map((e) => e.name);
    expect(names).toHaveLength(3 * 8 + 4 * 5);
    for (const prefix of ['proc-a', 'proc-b', 'proc-c'])
      for (let i = 0; i < 8; i++) expect(names).toContain(`${prefix}-${i}`);
    expect(leftovers(tree.root)).toEqual([]);
  });

  test('never has two holders, while holders die holding it and others wait', async () => {
    tree = tempTree();
    const lockPath = tree.path('registry.json.lock');
    const marker = tree.path('inside');
    // Short-lived processes die holding the lock; steady ones keep taking it in between.
    const dying = Array.from({ length: 10 }, () => run(exclusionScript, [lockPath, marker, '3', '2']).exit);
    const steady = Array.from({ length: 3 }, () => run(exclusionScript, [lockPath, marker, '25', '-1']).exit);
    await expect(Promise.all([...dying, ...steady])).resolves.toHaveLength(13);
    expect(existsSync(marker)).toBe(false);
  }, 120_000);

  test('waits for a live holder of the lock, then writes', async () => {
    tree = tempTree();
    const path = tree.path('registry.json');
    const holder = await holdLock(`${path}.lock`, 'hold');
    let waitingFor: number | undefined;
    const registry = new FileRegistry(path, {
      lock: {
        timeoutMs: 20000,
        onContention: (found) => {
          waitingFor = found?.pid;
          expect(existsSync(path)).toBe(false);
          holder.release();
        },
      },
    });
    await registry.register(sampleEntry('hello-world'));
    expect(waitingFor).toBe(holder.child.pid);
    expect(await registry.get('hello-world')).toEqual(sampleEntry('hello-world'));
    await holder.exit;
    expect(leftovers(tree.root)).toEqual([]);
  });

  test('gives up after the timeout, naming the holder, and leaves the file alone', async () => {
    tree = tempTree({ 'registry.json': '{"services": {}}' });
    const path = tree.path('registry.json');
    const holder = await holdLock(`${path}.lock`, 'hold');
    const registry = new FileRegistry(path, { lock: { timeoutMs: 200 } });
    await expect(registry.register(sampleEntry('hello-world'))).rejects.toThrow(
      new RegExp(
        `${path}\\.lock is held by pid ${holder.child.pid} on host ${hostname()} since .*gave up waiting after 0\\.2 s`,
      ),
    );
    expect(readFileSync(path, 'utf8')).toBe('{"services": {}}');
    holder.release();
    await holder.exit;
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe('');
    await (await acquireFileLock(`${path}.lock`, { timeoutMs: 0 })).release();
  });

  test('a lock file naming a holder that is gone does not block, from this host or another', async () => {
    tree = tempTree();
    const path = tree.path('registry.json');
    for (const host of [hostname(), 'build-host-7']) {
      writeFileSync(
        `${path}.lock`,
        JSON.stringify({ pid: 4242, host, time: new Date().toISOString(), token: 'x' }),
      );
      const registry = new FileRegistry(path, { lock: { timeoutMs: 200 } });
      await registry.register(sampleEntry(`after-${host}`));
      expect((await registry.get(`after-${host}`))?.name).toBe(`after-${host}`);
    }
  });

  test('a holder whose lock file was removed meanwhile refuses to write', async () => {
    tree = tempTree();
    const lockPath = tree.path('registry.json.lock');
    const lock = await acquireFileLock(lockPath);
    await lock.assertHeld();
    rmSync(lockPath);
    writeFileSync(lockPath, '');
    await expect(lock.assertHeld()).rejects.toThrow(
      /lost the lock .*registry.json.lock: its lock file was removed/,
    );
    await lock.release();
  });
});
