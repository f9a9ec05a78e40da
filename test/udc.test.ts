import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/cli/io.js';
import { udcCommand } from '../core/cli/udc-command.js';
import { findFreePort, type LocalService, ServiceStartError, startLocalService } from '../core/udc/launch.js';
import { type UdcReport, type UdcRow, verifyUdc } from '../core/udc/verify.js';
import { startEndlessBodyServer, startTricklingServer } from './helpers/misbehaving-servers.js';

const fixture = fileURLToPath(new URL('./fixtures/udc', import.meta.url));
const python = '/usr/bin/python3';

function start(faults: string, extra: Record<string, string> = {}): Promise<LocalService> {
  return startLocalService(fixture, { python, env: { UDC_FAULTS: faults, ...extra } });
}

function row(report: UdcReport, endpoint: string, check?: string): UdcRow {
  const found = report.rows.find(
    (r) => r.endpoint === endpoint && (check === undefined || r.check === check),
  );
  if (!found) throw new Error(`no row ${endpoint} ${check ?? ''}`);
  return found;
}

function failing(report: UdcReport): string[] {
  return report.rows.filter((r) => !r.ok).map((r) => `${r.endpoint} (${r.check}): ${r.fault}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

function fakeIo() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
      cwd: process.cwd(),
      env: {},
    },
  };
}

describe('UDC verification against real FastAPI services', () => {
  let good: LocalService;
  let missingDependencies: LocalService;
  let wrongSchema: LocalService;
  let message500: LocalService;

  beforeAll(async () => {
    [good, missingDependencies, wrongSchema, message500] = await Promise.all([
      start('', { SERVICE_NAME: 'hello-world' }),
      start('no-dependencies'),
      start('health-starting,state-no-errors-total'),
      start('message-500,capabilities-other-name'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([good, missingDependencies, wrongSchema, message500].map((s) => s?.stop()));
  });

  test('a compliant service passes all six checks of the five endpoints', async () => {
    const report = await verifyUdc(good.url, { expectedService: 'hello-world' });
    expect(failing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.rows.map((r) => [r.endpoint, r.check, r.status, r.schemaOk])).toEqual([
      ['GET /health', 'health answer', 200, true],
      ['GET /capabilities', 'capabilities answer', 200, true],
      ['GET /state', 'state answer', 200, true],
      ['GET /dependencies', 'dependencies answer', 200, true],
      ['POST /message', 'valid envelope', 200, true],
      ['POST /message', 'malformed envelope', 422, true],
    ]);
    expect(report.rows.filter((r) => !r.ok || r.fault !== undefined)).toEqual([]);
  });

  test('a service reporting another name than expected fails /health and /capabilities', async () => {
    const report = await verifyUdc(good.url, { expectedService: 'payments' });
    expect(failing(report)).toEqual([
      "GET /health (health answer): service is 'hello-world', expected 'payments'",
      "GET /capabilities (capabilities answer): service is 'hello-world', expected 'payments'",
    ]);
    expect(row(report, 'GET /health').schemaOk).toBe(true);
  });

  test('a missing endpoint fails its row with 404; the others pass', async () => {
    const report = await verifyUdc(missingDependencies.url);
    expect(report.ok).toBe(false);
    expect(failing(report)).toEqual([
      'GET /dependencies (dependencies answer): 404 Not Found: endpoint missing',
    ]);
    expect(row(report, 'GET /dependencies')).toMatchObject({ status: 404, schemaOk: false, ok: false });
  });

  test('answers with the wrong schema fail only their rows, naming the field', async () => {
    const report = await verifyUdc(wrongSchema.url);
    expect(failing(report)).toEqual([
      "GET /health (health answer): status is 'starting', expected 'active'",
      "GET /state (state answer): missing field 'errors_total'",
    ]);
    expect(row(report, 'GET /state')).toMatchObject({ status: 200, schemaOk: false });
  });

  test('a 500 to a malformed envelope fails that row; /capabilities naming another service fails too', async () => {
    const report = await verifyUdc(message500.url);
    expect(failing(report)).toEqual([
      "GET /capabilities (capabilities answer): service is 'someone-else', but /health says 'udc-fixture'",
      'POST /message (malformed envelope): answered 500 to a malformed envelope, expected 4xx',
    ]);
    expect(row(report, 'POST /message', 'valid envelope').ok).toBe(true);
    expect(row(report, 'POST /message', 'malformed envelope').status).toBe(500);
  });

  test('a path prefix in the URL is kept', async () => {
    const report = await verifyUdc(`${good.url}/v1`);
    expect(row(report, 'GET /health').fault).toBe('404 Not Found: endpoint missing');
  });

  test('the udc command prints JSON and exits 0 when every check passes', async () => {
    const { io, out } = fakeIo();
    const code = await udcCommand.run({
      io,
      values: { format: 'json', timeout: '5000' },
      positionals: [good.url],
    });
    expect(code).toBe(0);
    const printed = JSON.parse(out.stdout);
    expect(printed).toMatchObject({ url: good.url, ok: true });
    expect(printed.rows).toHaveLength(6);
    expect(Object.keys(printed.rows[0]).sort()).toEqual(
      ['check', 'endpoint', 'latencyMs', 'ok', 'schemaOk', 'status'].sort(),
    );
  });

  test('the udc command prints the table and exits 1 when a check fails', async () => {
    const { io, out } = fakeIo();
    const code = await udcCommand.run({ io, values: { format: 'text' }, positionals: [wrongSchema.url] });
    expect(code).toBe(1);
    expect(out.stdout).toMatch(
      /^GET \/health +200 +fail +[\d.]+ ms +FAIL status is 'starting', expected 'active'$/m,
    );
    expect(out.stdout).toMatch(/^GET \/capabilities +200 +ok +[\d.]+ ms +ok$/m);
    expect(out.stdout).toContain(`UDC failed: 2 of 6 checks failed at ${wrongSchema.url}`);
  });

  test('the udc command checks the expected service name with --service', async () => {
    const { io, out } = fakeIo();
    const code = await udcCommand.run({
      io,
      values: { format: 'json', service: 'other' },
      positionals: [good.url],
    });
    expect(code).toBe(1);
    expect(JSON.parse(out.stdout).rows[0].fault).toBe("service is 'hello-world', expected 'other'");
  });
});

describe('UDC verification of services that do not answer properly', () => {
  test('nothing listening: every row fails with connection refused', async () => {
    const port = await findFreePort();
    const report = await verifyUdc(`http://127.0.0.1:${port}`);
    expect(report.ok).toBe(false);
    expect(report.rows).toHaveLength(6);
    for (const r of report.rows) {
      expect(r).toMatchObject({ status: null, schemaOk: false, ok: false, fault: 'connection refused' });
    }
  });

  test('a server that never answers: every row times out, naming the limit', async () => {
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => sockets.add(socket));
    const url = await listening(server);
    try {
      const report = await verifyUdc(url, { timeoutMs: 300 });
      expect(report.rows.map((r) => r.fault)).toEqual(Array(6).fill('timed out after 300 ms'));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  // response.text() used to take all of it: 3.4 GB for an endless body, 367 MB for 10 MB.
  test('an endless body, or a 10 MB one, fails every row with "body larger than 1 MiB"', async () => {
    for (const server of [await startEndlessBodyServer(), await startEndlessBodyServer(10 * 1024 * 1024)]) {
      try {
        const report = await verifyUdc(server.url, { timeoutMs: 8000 });
        expect(report.rows.map((r) => [r.status, r.fault])).toEqual(
          Array(6).fill([200, 'body larger than 1 MiB']),
        );
      } finally {
        await server.close();
      }
    }
  }, 30_000);

  test('a body that trickles is cut at the timeout', async () => {
    const server = await startTricklingServer(50);
    try {
      const report = await verifyUdc(server.url, { timeoutMs: 300 });
      expect(report.rows.map((r) => r.fault)).toEqual(Array(6).fill('timed out after 300 ms'));
    } finally {
      await server.close();
    }
  });

  test('a server answering HTML: the GET rows say not JSON; the malformed envelope is accepted', async () => {
    const server = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
    });
    const url = await listening(server);
    try {
      const report = await verifyUdc(url);
      expect(report.rows.map((r) => r.fault)).toEqual([
        "not JSON: '<html>hello</html>'",
        "not JSON: '<html>hello</html>'",
        "not JSON: '<html>hello</html>'",
        "not JSON: '<html>hello</html>'",
        "not JSON: '<html>hello</html>'",
        'accepted a malformed envelope (200), expected 4xx',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('the udc command treats a malformed URL or timeout as a usage error', async () => {
    const { io, out } = fakeIo();
    const run = (positionals: string[], values: Record<string, string> = {}) =>
      udcCommand.run({ io, values, positionals });
    await expect(run(['not a url'])).rejects.toThrow(UsageError);
    await expect(run(['ftp://127.0.0.1/'])).rejects.toThrow(
      "udc: 'ftp://127.0.0.1/' is not an http or https URL",
    );
    await expect(run([])).rejects.toThrow('udc: missing URL');
    await expect(run(['http://127.0.0.1:1', 'http://127.0.0.1:2'])).rejects.toThrow(
      'expected one URL, got 2',
    );
    await expect(run(['http://127.0.0.1:1'], { timeout: 'soon' })).rejects.toThrow(
      "--timeout must be a whole number of milliseconds from 1 to 600000, not 'soon'",
    );
    expect(out.stdout).toBe('');
  });
});

describe('startLocalService', () => {
  test('stop() ends the service; logs() holds its output; the parent environment stays out', async () => {
    process.env.ASSEMBLY_LINE_TEST_SECRET = 'do-not-leak';
    let service: LocalService;
    try {
      service = await start('', { SERVICE_NAME: 'from-the-release' });
    } finally {
      delete process.env.ASSEMBLY_LINE_TEST_SECRET;
    }
    try {
      // The launcher starts it as a deploy does: the release's variables are set inside the process.
      const health = (await (await fetch(`${service.url}/health`)).json()) as { service: string };
      expect(health.service).toBe('from-the-release');
      const environ = readFileSync(`/proc/${service.pid}/environ`, 'utf8').split('\0');
      expect(environ.some((entry) => entry.startsWith('ASSEMBLY_LINE_TEST_SECRET='))).toBe(false);
      expect(environ).toContain('PATH=/usr/local/bin:/usr/bin:/bin');
    } catch (error) {
      await service.stop();
      throw error;
    }

    await service.stop();
    await service.stop();
    expect(alive(service.pid)).toBe(false);
    expect((await verifyUdc(service.url)).rows[0]!.fault).toBe('connection refused');
    // The launcher's own line: the service was started as a deploy starts a release.
    expect(service.logs()).toContain(`serving app.main:app on 127.0.0.1:${service.port}`);
  });

  test('a service that crashes at start-up: the error carries the tail of its output', async () => {
    const error = await start('crash-start').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStartError);
    const message = (error as ServiceStartError).message;
    expect(message).toMatch(
      /^service in .*fixtures\/udc exited with code 1 before answering \/health; last output:\n/,
    );
    expect(message.trimEnd().split('\n').at(-1)).toBe(
      'RuntimeError: fixture refused to start: crash-start fault',
    );
    expect(message.split('\n').length).toBeLessThanOrEqual(21);
  });

  test('a service that never answers is stopped after the start-up timeout', async () => {
    const error = await startLocalService(fixture, {
      python,
      env: { UDC_FAULTS: 'slow-start' },
      startupTimeoutMs: 700,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect((error as Error).message).toMatch(
      /^service in .* did not answer http:\/\/127\.0\.0\.1:\d+\/health within 700 ms; last output:\nlaunch: release +serving app\.main:app on 127\.0\.0\.1:\d+$/,
    );
    expect(alive((error as ServiceStartError).pid!)).toBe(false);
  });

  test('a python that does not exist is named', async () => {
    const error = await startLocalService(fixture, { python: '/nonexistent/python3' }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain(
      'could not run /nonexistent/python3: spawn /nonexistent/python3 ENOENT',
    );
  });
});
