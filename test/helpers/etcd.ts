import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../../core/udc/launch.js';

export interface EtcdServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  clientPort: number;
  /** Runs `etcdctl` (API v3) against this server; resolves with its standard output. */
  etcdctl(args: string[], env?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

async function healthy(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await response.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

async function startOnce(
  dataDir: string,
): Promise<{ child: ChildProcess; endpoint: string; port: number } | string> {
  const clientPort = await findFreePort();
  let peerPort = await findFreePort();
  while (peerPort === clientPort) peerPort = await findFreePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      '--name=t',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=t=${peer}`,
      '--logger=zap',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return `etcd exited early:\n${log}`;
    if (await healthy(endpoint)) return { child, endpoint, port: clientPort };
    await sleep(100);
  }
  await stopProcess(child);
  return `etcd did not become healthy within 20 s:\n${log}`;
}

/**
 * Starts a real single-member etcd on 127.0.0.1 with free client and peer ports and a temporary data
 * directory, and waits until `/health` says it is healthy. `stop()` ends it and removes the directory.
 */
export async function startEtcd(): Promise<EtcdServer> {
  let failure = '';
  // A port found free can be taken by another test before etcd binds it: try again with new ports.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'assembly-line-etcd-'));
    const started = await startOnce(dataDir);
    if (typeof started === 'string') {
      failure = started;
      rmSync(dataDir, { recursive: true, force: true });
      continue;
    }
    const { child, endpoint, port } = started;
    return {
      endpoint,
      clientPort: port,
      etcdctl: (args, env = {}) =>
        new Promise((done, reject) => {
          execFile(
            'etcdctl',
            [`--endpoints=${endpoint}`, ...args],
            { env: { ...process.env, ETCDCTL_API: '3', ...env }, timeout: 10_000 },
            (error, stdout, stderr) =>
              error ? reject(new Error(`etcdctl ${args.join(' ')}: ${stderr}`)) : done(stdout),
          );
        }),
      stop: async () => {
        await stopProcess(child);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(failure);
}
