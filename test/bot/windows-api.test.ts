import { readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import * as z from 'zod';
import { type RunningBot, startBot, WEBHOOK_PATH } from '../../bot/src/main.js';
import { PHASES } from '../../bot/src/windows/view.js';
import { permissionsFromAppYml } from '../github/auth.js';
import { GitHubDouble } from '../github/double.js';
import {
  assertBotCallsValid,
  botEnv,
  fileAt,
  intentYaml,
  settle,
  specPulls,
  startBotOn,
  WEBHOOK_SECRET,
} from '../helpers/bot.js';

const API_TOKEN = 'test-api-token-0123456789';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

let double: GitHubDouble | undefined;
let bot: RunningBot | undefined;

const cleanups: (() => void)[] = [];

afterEach(async () => {
  await bot?.stop();
  await double?.stop();
  bot = undefined;
  double = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The seed's shapes (assembly-line-architecture.md, "Monitoring & Observability"), strictly. */
const DashboardSchema = z.strictObject({
  summary: z.strictObject({
    total_intents_today: z.number().int().min(0),
    completed_today: z.number().int().min(0),
    failed_today: z.number().int().min(0),
    success_rate: z.number().min(0).max(1),
    avg_pipeline_duration_minutes: z.number().min(0),
  }),
  active_pipelines: z.array(
    z.strictObject({ intent_id: z.string(), service_name: z.string(), phase: z.enum(PHASES) }),
  ),
  queue: z.array(
    z.strictObject({
      intent_id: z.string(),
      service_name: z.string(),
      priority: z.enum(['critical', 'high', 'medium', 'low']),
    }),
  ),
});
const BuildsSchema = z.strictObject({
  total: z.number().int().min(0),
  queued: z.number().int().min(0),
  running: z.number().int().min(0),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
  success_rate: z.number().min(0).max(1),
  avg_build_time_minutes: z.number().min(0),
});
const StatusSchema = z.object({
  intent_id: z.string().regex(/^[a-z][a-z0-9-]*@[0-9a-f]{8}$/),
  service_name: z.string(),
  phase: z.enum(PHASES),
  score: z.number().nullable(),
  pull_request: z.object({ number: z.number(), url: z.string(), state: z.string() }).nullable(),
  updated_at: z.string(),
  history: z.array(z.object({ phase: z.enum(PHASES), at: z.string() })),
});

const manifest = () => permissionsFromAppYml(readFileSync('app.yml', 'utf8'));

function client(token?: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    // An answer's URL (status_url) is followed as given; a path goes to the bot.
    const url = /^https?:\/\//.test(path) ? path : `http://127.0.0.1:${bot!.port}${path}`;
    const response = await fetch(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      // biome-ignore lint/suspicious/noExplicitAny: the answers are checked field by field (and by zod) below
      json: json as Record<string, any>,
      text,
      type: response.headers.get('content-type'),
    };
  };
}

const payments = (overrides: Record<string, unknown> = {}) => ({
  service_name: 'payments',
  service_type: 'domain',
  priority: 'high',
  purpose: 'Takes card payments for the shop and records each one',
  key_features: ['POST /payments endpoint', 'GET /payments/{id} endpoint'],
  dependencies: ['registry', 'ledger'],
  port: 8302,
  auto_build: true,
  approval_mode: 'checkpoints',
  ...overrides,
});

async function start(env: Record<string, string> = {}) {
  double = await GitHubDouble.start({
    files: { 'README.md': '# demo\n', 'intents/ledger.yaml': intentYaml('ledger', { port: 8301 }) },
    app: { permissions: manifest() },
  });
  bot = await startBotOn(double, {
    env: { ASSEMBLY_LINE_API_TOKEN: API_TOKEN, ASSEMBLY_LINE_VIEW_TTL_MS: '0', ...env },
  });
  await settle(double, bot);
  return double;
}

describe('POST /intents/submit and GET /intents/{id}/status on the bot’s real server', () => {
  it('a submit opens the intent PR; a person merges it; the SPEC PR follows; build, deploy and live are seen; phases in order', async () => {
    const gh = await start();
    const api = client(API_TOKEN);
    const phases: string[] = [];
    const answer = await api('POST', '/intents/submit', payments());
    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ service_name: 'payments', repository: 'octo-org/demo' });
    expect(answer.json.intent_id).toMatch(/^payments@[0-9a-f]{8}$/);
    const statusPath = `/intents/${encodeURIComponent(answer.json.intent_id)}/status`;
    // Absolute, from the request's Host (no ASSEMBLY_LINE_PUBLIC_URL here): a client can follow it.
    expect(answer.json.status_url).toBe(`http://127.0.0.1:${bot!.port}${statusPath}`);
    await settle(gh, bot!);

    const [pr] = gh.pulls().filter((p) => p.title === 'intent: payments');
    expect(pr).toBeDefined();
    expect(answer.json.pull_request_url).toBe(`${gh.url}/octo-org/demo/pull/${pr!.number}`);
    expect(pr!.pull!.head.ref).toBe('assembly-line/intent/payments');
    const file = (await fileAt(gh, pr!.pull!.head.sha, 'intents/payments.yaml'))!;
    const lines = file.split('\n');
    expect(lines[0]).toBe('# yaml-language-server: $schema=../schemas/intent.schema.json');
    const keys = lines.filter((l) => /^[a-z_]+:/.test(l)).map((l) => l.split(':')[0]);
    expect(keys).toEqual([
      'service_name',
      'service_type',
      'priority',
      'purpose',
      'key_features',
      'dependencies',
      'port',
      'auto_build',
      'approval_mode',
      'deploy_local',
      'deploy_production',
    ]);
    const validation = gh.repo.checkRuns.find(
      (r) => r.name === 'Assembly Line: intent validation' && r.headSha === pr!.pull!.head.sha,
    );
    expect(validation?.conclusion).toBe('success');
    expect(pr!.pull!.merged).toBe(false); // checkpoints: a person merges

    const status = async () => {
      const got = await api('GET', answer.json.status_url);
      expect(got.status).toBe(200);
      const parsed = StatusSchema.parse(got.json);
      phases.push(parsed.phase);
      return parsed;
    };
    expect((await status()).phase).toBe('submitted');

    // The same submit again: the same pull request, and not one write to GitHub.
    const mark = gh.counters.mark();
    // Through a TLS-terminating proxy: its X-Forwarded-Proto/-Host make the URL.
    const again = await api('POST', '/intents/submit', payments(), {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'line.example.com, inner.proxy',
    });
    await settle(gh, bot!);
    expect(again.status).toBe(202);
    expect(again.json.status_url).toBe(`https://line.example.com${statusPath}`);
    // A forwarded host that is not host[:port] is ignored: the Host header serves.
    const forged = await api('POST', '/intents/submit', payments(), {
      'x-forwarded-host': 'evil.example/@x',
    });
    expect(forged.json.status_url).toBe(`http://127.0.0.1:${bot!.port}${statusPath}`);
    expect(again.json.pull_request_url).toBe(answer.json.pull_request_url);
    expect(gh.counters.since(mark).writes).toBe(0);

    // A person merges the intent PR: the push reaches the bot, which opens the SPEC PR.
    const alice = gh.person('alice');
    const asAlice = new Octokit({ auth: alice.token, baseUrl: gh.apiUrl, log: quiet });
    await asAlice.rest.pulls.merge({
      owner: 'octo-org',
      repo: 'demo',
      pull_number: pr!.number,
      merge_method: 'squash',
    });
    await settle(gh, bot!);
    const spec = specPulls(gh).find((p) => p.title === 'spec: payments');
    expect(spec?.state).toBe('open');
    const reviewed = await status();
    expect(['awaiting_review', 'needs_human_review']).toContain(reviewed.phase);
    expect(reviewed.pull_request?.number).toBe(spec!.number);
    expect(reviewed.score).toEqual(expect.any(Number));
    // The bot's ledger recorded the SPEC run's phases: the history shows them.
    expect(reviewed.history.map((e) => e.phase)).toEqual(
      expect.arrayContaining(['submitted', 'queued', 'spec_generation', 'spec_verification']),
    );

    // The SPEC merges; the Action's workflow builds it, then deploys it.
    await alice.review(spec!.number, 'APPROVE');
    await settle(gh, bot!);
    if (!spec!.pull!.merged)
      await asAlice.rest.pulls.merge({
        owner: 'octo-org',
        repo: 'demo',
        pull_number: spec!.number,
        merge_method: 'squash',
      });
    await settle(gh, bot!);
    const run = await gh.recordWorkflowRun({ displayTitle: `spec: payments (#${spec!.number})` });
    expect((await status()).phase).toBe('building');
    gh.updateWorkflowRun(run, { conclusion: 'success' });
    const deployer = new Octokit({
      auth: gh.actionsToken({ deployments: 'write' }),
      baseUrl: gh.apiUrl,
      log: quiet,
    });
    const { data: deployment } = await deployer.rest.repos.createDeployment({
      owner: 'octo-org',
      repo: 'demo',
      ref: run.headSha,
      environment: 'production',
      required_contexts: [],
      payload: {
        service: 'payments',
        score: 93,
        tests_passed: 12,
        tests_failed: 0,
        coverage: 88.5,
        cost_usd: 0.0421,
      },
    });
    if (!('id' in deployment)) throw new Error('expected a deployment');
    await deployer.rest.repos.createDeploymentStatus({
      owner: 'octo-org',
      repo: 'demo',
      deployment_id: deployment.id,
      state: 'in_progress',
    });
    expect((await status()).phase).toBe('deploying');
    await deployer.rest.repos.createDeploymentStatus({
      owner: 'octo-org',
      repo: 'demo',
      deployment_id: deployment.id,
      state: 'success',
      environment_url: 'http://127.0.0.1:8302/',
    });
    const live = await status();
    expect(live.phase).toBe('live');
    const order = phases.map((p) => PHASES.indexOf(p as (typeof PHASES)[number]));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(phases[0]).toBe('submitted');
    expect(phases.at(-1)).toBe('live');

    // The build as /builds and /builds/{id}/status see it, with the figures the deployment carried.
    const builds = await api('GET', '/builds');
    expect(BuildsSchema.parse(builds.json)).toMatchObject({
      total: 1,
      completed: 1,
      failed: 0,
      success_rate: 1,
    });
    const one = await api('GET', `/builds/${run.id}/status`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({
      build_id: `build:${run.id}`,
      service_name: 'payments',
      status: 'completed',
      tests_passed: 12,
      coverage: 88.5,
      cost_usd: 0.0421,
    });
    expect(one.json.phases.map((p: { name: string; state: string }) => `${p.name}:${p.state}`)).toEqual([
      'build:succeeded',
      'deploy:succeeded',
    ]);
    const dashboard = DashboardSchema.parse((await api('GET', '/dashboard')).json);
    expect(dashboard.summary.completed_today).toBe(1);
    assertBotCallsValid(gh);
  }, 300_000);

  it('approval_mode auto: the bot merges its intent PR once the validation check passes, and the SPEC line starts', async () => {
    const gh = await start({ ASSEMBLY_LINE_PUBLIC_URL: 'https://line.example.com/assembly-line/' });
    const api = client(API_TOKEN);
    const answer = await api('POST', '/intents/submit', payments({ approval_mode: 'auto' }), {
      'x-forwarded-host': 'other.example.com',
    });
    expect(answer.status).toBe(202);
    await settle(gh, bot!);
    const pr = gh.pulls().find((p) => p.title === 'intent: payments')!;
    expect(pr.pull!.merged).toBe(true);
    expect(await fileAt(gh, gh.repo.defaultBranch, 'intents/payments.yaml')).toContain(
      'service_name: payments',
    );
    expect(specPulls(gh).map((p) => p.title)).toContain('spec: payments');
    // ASSEMBLY_LINE_PUBLIC_URL wins over the request's headers, prefix kept.
    expect(answer.json.status_url).toBe(
      `https://line.example.com/assembly-line/intents/${encodeURIComponent(answer.json.intent_id)}/status`,
    );
    const status = StatusSchema.parse(
      (await api('GET', new URL(answer.json.status_url).pathname.replace('/assembly-line', ''))).json,
    );
    expect(PHASES.indexOf(status.phase)).toBeGreaterThan(PHASES.indexOf('queued'));
    assertBotCallsValid(gh);
  }, 300_000);

  it('a bad submit gets 422 with each field and message, did-you-mean included; nothing is written', async () => {
    const gh = await start();
    const api = client(API_TOKEN);
    const mark = gh.counters.mark();
    const bad = await api('POST', '/intents/submit', payments({ priority: 'hihg', colour: 'blue' }));
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual(
      expect.arrayContaining([
        { field: 'priority', message: expect.stringContaining("did you mean 'high'") },
        { field: 'colour', message: expect.stringContaining('unknown field') },
      ]),
    );
    const rules = await api(
      'POST',
      '/intents/submit',
      payments({ port: 8301, dependencies: ['registry', 'ledgr'] }),
    );
    expect(rules.status).toBe(422);
    expect(rules.json.errors).toEqual(
      expect.arrayContaining([
        { field: 'port', message: expect.stringContaining('ports must be unique') },
        { field: 'dependencies[1]', message: expect.stringContaining("did you mean 'ledger'") },
      ]),
    );
    await settle(gh, bot!);
    expect(gh.counters.since(mark).writes).toBe(0);
    // audit depends on ledger; a ledger that depends on audit closes a cycle.
    const audit = intentYaml('audit', { port: 8303 }).replace('  - registry\n', '  - registry\n  - ledger\n');
    await gh.person('alice').push({ files: { 'intents/audit.yaml': audit } });
    await settle(gh, bot!);
    const marked = gh.counters.mark();
    const cycle = await api(
      'POST',
      '/intents/submit',
      payments({ service_name: 'ledger', port: 8301, dependencies: ['audit'] }),
    );
    expect(cycle.status).toBe(422);
    expect(cycle.json.errors).toEqual([
      { field: 'dependencies[0]', message: expect.stringContaining('cycle') },
    ]);
    expect(gh.counters.since(marked).writes).toBe(0);
  }, 120_000);

  it('tokens, bodies and routes: 401, 403, 400, 413, 404, 405 as JSON, never a stack trace', async () => {
    await start({ ASSEMBLY_LINE_DASHBOARD_TOKEN: 'test-dashboard-token-0123' });
    const anonymous = client();
    const wrong = client('not-the-token-at-all-0000');
    const writer = client(API_TOKEN);
    const reader = client('test-dashboard-token-0123');
    expect((await anonymous('POST', '/intents/submit', payments())).status).toBe(401);
    const refused = await wrong('POST', '/intents/submit', payments());
    expect(refused.status).toBe(401);
    expect(refused.json.error).toContain('ASSEMBLY_LINE_API_TOKEN');
    expect(refused.text).not.toContain(API_TOKEN);
    expect((await anonymous('GET', '/dashboard')).status).toBe(401);
    expect((await writer('GET', '/dashboard')).status).toBe(401);
    expect((await reader('GET', '/dashboard')).status).toBe(200);
    const malformed = await writer('POST', '/intents/submit', '{"service_name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatch(/^the body is not JSON/);
    expect(malformed.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
    expect((await writer('POST', '/intents/submit', '[1, 2]')).status).toBe(400);
    const huge = await writer('POST', '/intents/submit', payments({ purpose: 'x'.repeat(70 * 1024) }));
    expect(huge.status).toBe(413);
    const unknown = await reader('GET', '/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toContain('application/json');
    expect(unknown.json.error).toContain('GET /dashboard');
    expect((await writer('GET', '/intents/submit')).status).toBe(405);
    expect((await reader('GET', '/intents/nobody@00000000/status')).status).toBe(404);
    expect((await reader('GET', '/builds/12345/status')).status).toBe(404);
  }, 120_000);

  it('without ASSEMBLY_LINE_API_TOKEN, submit answers 403 and says how to turn it on', async () => {
    double = await GitHubDouble.start({ files: { 'README.md': '# demo\n' } });
    bot = await startBotOn(double);
    const off = await client('anything-at-all-0123456')('POST', '/intents/submit', payments());
    expect(off.status).toBe(403);
    expect(off.json.error).toContain('set ASSEMBLY_LINE_API_TOKEN');
  }, 120_000);
});

describe('GET /dashboard and GET /builds over every repository of every installation', () => {
  it('match the seed’s shapes; ?repo filters; a submit names its repository when there are several', async () => {
    const gh = await start();
    const second = await gh.addRepository('second');
    await gh.ops.commitFiles(
      second,
      second.defaultBranch,
      { 'intents/search.yaml': intentYaml('search', { port: 8401, priority: 'critical' }) },
      'Add search',
      second.owner,
    );
    const elsewhere = await gh.installOn('someone/elsewhere');
    await gh.ops.commitFiles(
      elsewhere.repositories[0]!,
      elsewhere.repositories[0]!.defaultBranch,
      { 'intents/mailer.yaml': intentYaml('mailer', { port: 8501 }) },
      'Add mailer',
      elsewhere.account,
    );
    await settle(gh, bot!);
    const api = client(API_TOKEN);
    const all = DashboardSchema.parse((await api('GET', '/dashboard')).json);
    const names = [...all.active_pipelines, ...all.queue].map((p) => p.service_name);
    BuildsSchema.parse((await api('GET', '/builds')).json);
    const view = await bot!.bot.views.view();
    expect([...view.repositories].sort()).toEqual(['octo-org/demo', 'octo-org/second', 'someone/elsewhere']);
    expect(view.intents.map((i) => i.serviceName).sort()).toEqual(['ledger', 'mailer', 'search']);
    for (const n of names) expect(['ledger', 'mailer', 'search']).toContain(n);
    const only = await api('GET', '/dashboard?repo=octo-org/second');
    expect(only.status).toBe(200);
    DashboardSchema.parse(only.json);
    const secondView = await bot!.bot.views.view('octo-org/second');
    expect(secondView.intents.map((i) => i.serviceName)).toEqual(['search']);
    expect((await api('GET', '/dashboard?repo=octo-org/nothing')).status).toBe(404);
    // The HTML dashboard, from the same view: every intent of every repository, or one repository's.
    const page = await api('GET', '/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    for (const name of ['ledger', 'mailer', 'search']) expect(page.text).toContain(name);
    const filtered = await api('GET', '/?repo=octo-org/second');
    expect(filtered.status).toBe(200);
    expect(filtered.text).toContain('search');
    expect(filtered.text).not.toContain('mailer');
    const ambiguous = await api('POST', '/intents/submit', payments());
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.json.errors[0]).toMatchObject({ field: 'repository' });
    const typo = await api('POST', '/intents/submit', { ...payments(), repository: 'octo-org/secnod' });
    expect(typo.json.errors[0].message).toContain("did you mean 'octo-org/second'");
    const named = await api('POST', '/intents/submit', {
      ...payments({ dependencies: ['registry', 'search'] }),
      repository: 'octo-org/second',
    });
    expect(named.status).toBe(202);
    expect(named.json.repository).toBe('octo-org/second');
    await settle(gh, bot!);
    assertBotCallsValid(gh);
  }, 300_000);
});

describe('secrets stay out of the logs', () => {
  it('the bearer tokens of API requests are not in the bot’s request log', async () => {
    double = await GitHubDouble.start({ files: { 'README.md': '# demo\n' } });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { port, env } = await botEnv(double, {
      ASSEMBLY_LINE_API_TOKEN: API_TOKEN,
      ASSEMBLY_LINE_DASHBOARD_TOKEN: 'test-dashboard-token-0123',
      LOG_LEVEL: 'info',
    });
    cleanups.push(() => rmSync(env.ASSEMBLY_LINE_LEDGER_DIR, { recursive: true, force: true }));
    double.webhooks.target = { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, secret: WEBHOOK_SECRET };
    bot = await startBot(env, { logStream: sink });
    await bot.bot.started;
    await client(API_TOKEN)('POST', '/intents/submit', payments());
    await client('test-dashboard-token-0123')('GET', '/dashboard');
    await client('a-wrong-token-0123456789')('GET', '/dashboard');
    const log = lines.join('');
    expect(log).toContain('/dashboard');
    expect(log).not.toContain(API_TOKEN);
    expect(log).not.toContain('test-dashboard-token-0123');
    expect(log).not.toContain('a-wrong-token-0123456789');
  }, 120_000);
});
