import { pino } from 'pino';
import { Probot, Server } from 'probot';
import { type BotHandle, createBot } from './app.js';
import { type LlmProvider, providerKind, redactSecrets, selectProvider } from './core.js';
import { BotConfigError, DEFAULT_BOT_LEDGER_DIR, readBotConfig } from './env.js';
import { BotOctokit } from './octokit.js';
import { renderDashboardPage } from './windows/page.js';
import { windowsHandler } from './windows/routes.js';

export const WEBHOOK_PATH = '/api/github/webhooks';

export interface RunningBot {
  server: Server;
  port: number;
  bot: BotHandle;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** A provider instead of the one the environment chooses (tests). */
  provider?: LlmProvider;
  /** Where logs go; stdout when absent. */
  logStream?: NodeJS.WritableStream;
}

/** Starts Probot's server with the app on `/api/github/webhooks`; configuration errors throw BotConfigError. */
export async function startBot(
  env: Record<string, string | undefined>,
  options: StartOptions = {},
): Promise<RunningBot> {
  const config = readBotConfig(env);
  let provider = options.provider;
  let reason = 'given by the caller';
  if (!provider) {
    try {
      providerKind(env);
      ({ provider, reason } = await selectProvider(env));
    } catch (error) {
      throw new BotConfigError((error as Error).message);
    }
  }
  // Probot's request log (pino-http) writes each request's headers: the API's bearer tokens must not.
  const log = pino(
    {
      level: config.logLevel,
      name: 'assembly-line',
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    options.logStream ?? process.stdout,
  );
  log.info(
    provider.name === 'offline'
      ? `LLM provider: offline (${reason}); SPECs are written by the deterministic offline writer`
      : `LLM provider: ${provider.name} (${reason})`,
  );
  const { appFn, handle } = createBot({
    provider,
    pacing: config.pacing,
    reconcileIntervalMs: config.reconcileIntervalMs,
    maxConcurrent: config.maxConcurrent,
    ledgerDir: config.ledgerDir,
    viewTtlMs: config.viewTtlMs,
    dashboardIssue: config.dashboardIssue,
  });
  const server = new Server({
    host: config.host,
    port: config.port,
    webhookPath: WEBHOOK_PATH,
    log,
    enableStaticFiles: false,
    Probot: Probot.defaults({
      appId: config.appId,
      privateKey: config.privateKey,
      secret: config.webhookSecret,
      baseUrl: config.baseUrl,
      log,
      Octokit: BotOctokit,
    }),
  });
  await server.load(appFn);
  const bot = await handle;
  // After Probot's webhook middleware and /ping, before its empty 404: the seed's HTTP API.
  server.addHandler(
    windowsHandler({
      views: bot.views,
      submit: bot.submit,
      page: (view, now) => renderDashboardPage(view, { now }),
      ...(config.apiToken ? { apiToken: config.apiToken } : {}),
      ...(config.dashboardToken ? { dashboardToken: config.dashboardToken } : {}),
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      log,
    }),
  );
  await server.start();
  log.info(`webhooks at http://${config.host}:${server.port}${WEBHOOK_PATH}; GitHub at ${config.baseUrl}`);
  return {
    server,
    port: server.port,
    bot,
    async stop() {
      bot.stop();
      await server.stop();
    },
  };
}

const HELP = `Usage: assembly-line bot

Runs the GitHub App: a push of intents/*.yaml becomes one SPEC pull request per intent.

Environment (Probot's):
  APP_ID                    the GitHub App's id
  PRIVATE_KEY               its private key (PEM), or PRIVATE_KEY_PATH: a file holding it
  WEBHOOK_SECRET            the webhook secret; deliveries signed otherwise get 4xx
  PORT, HOST                where to listen (default 3000, localhost); webhooks at ${WEBHOOK_PATH}
  GHE_HOST, GHE_PROTOCOL    GitHub Enterprise (or a test double): <protocol>://<host>/api/v3
  LOG_LEVEL                 trace, debug, info (default), warn, error, fatal, silent
  ANTHROPIC_API_KEY         chooses Claude; without it the offline provider runs
  ASSEMBLY_LINE_WRITE_INTERVAL_MS      gap between writes to GitHub (default 1000)
  ASSEMBLY_LINE_RECONCILE_INTERVAL_MS  how often every repository is reconciled (default 600000; 0 = never)
  ASSEMBLY_LINE_CONCURRENCY            SPEC generations at once (default 1)
  ASSEMBLY_LINE_LEDGER_DIR             where SPEC runs are recorded, <dir>/<owner>/<repo>/ledger.jsonl
                                       (default ${DEFAULT_BOT_LEDGER_DIR}, under the working directory)

HTTP (on the same port):
  POST /intents/submit                 the seed's intent as JSON -> a pull request adding intents/<name>.yaml
                                       (202); needs "Authorization: Bearer $ASSEMBLY_LINE_API_TOKEN"
  GET  /intents/{id}/status            an intent's phase, score, pull request and history
  GET  /dashboard, /builds             the seed's JSON; ?repo=owner/name filters
  GET  /builds/{id}/status             one build's phases and outcome
  GET  /                               the HTML dashboard (no scripts, no CDN; reloads while a pipeline runs)
  ASSEMBLY_LINE_DASHBOARD_ISSUE        on (default) or off: keep an "Assembly Line Dashboard" issue in
                                       each repository, refreshed after each SPEC run (about 8 calls)
  ASSEMBLY_LINE_VIEW_TTL_MS            how long a derived view is served before GitHub is read again (default 5000)
  ASSEMBLY_LINE_API_TOKEN              bearer token for writes (16+ characters); unset: submit answers 403
  ASSEMBLY_LINE_DASHBOARD_TOKEN        bearer token for reads; unset: reads are public
  ASSEMBLY_LINE_PUBLIC_URL             where clients reach the bot (e.g. https://bot.example.com): the
                                       base of submit's status_url; unset: X-Forwarded-Proto/-Host, else
                                       the request's Host over http
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

/** `assembly-line bot`: runs until SIGINT or SIGTERM; exit code 1 with one line for a bad environment. */
export async function runBotCli(argv: string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(HELP);
    return 0;
  }
  if (argv.length > 0) {
    io.stderr.write(
      `assembly-line: usage error: bot takes no arguments, not '${argv[0]}'; run 'assembly-line bot --help'\n`,
    );
    return 2;
  }
  let running: RunningBot;
  try {
    running = await startBot(io.env);
  } catch (error) {
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    io.stderr.write(`assembly-line: error: ${message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      running.stop().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
