import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GITHUB_PACING, type PacerOptions } from './github/pacer.js';
import { parsePublicUrl } from './windows/public-url.js';

/** A missing or bad environment variable: one line that names it, never a stack trace. */
export class BotConfigError extends Error {}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface BotConfig {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  port: number;
  host: string;
  /** GitHub's REST base: https://api.github.com, or <GHE_PROTOCOL>://<GHE_HOST>/api/v3. */
  baseUrl: string;
  logLevel: LogLevel;
  pacing: PacerOptions;
  reconcileIntervalMs: number;
  maxConcurrent: number;
  /** Bearer token for POST /intents/submit; unset: submit answers 403. */
  apiToken?: string;
  /** ASSEMBLY_LINE_PUBLIC_URL without its trailing slash; unset: answers' URLs follow the request. */
  publicUrl?: string;
  /** Bearer token for the read routes; unset: they are public. */
  dashboardToken?: string;
  /** Root of the bot's ledgers: `<dir>/<owner>/<repo>/ledger.jsonl`. */
  ledgerDir: string;
  /** How long a derived view of the line is served before GitHub is read again. */
  viewTtlMs: number;
  /** Whether each repository gets its dashboard issue (ASSEMBLY_LINE_DASHBOARD_ISSUE, default on). */
  dashboardIssue: boolean;
}

/** Where the bot records its SPEC runs unless ASSEMBLY_LINE_LEDGER_DIR says otherwise (relative to the working directory). */
export const DEFAULT_BOT_LEDGER_DIR = '.assembly-line/bot-ledger';

function token(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (value.length < 16)
    throw new BotConfigError(
      `${name} must be at least 16 characters (a random secret, e.g. openssl rand -hex 32)`,
    );
  return value;
}

type Env = Record<string, string | undefined>;

const SWITCH_WORDS = new Map([
  ['on', true],
  ['true', true],
  ['1', true],
  ['off', false],
  ['false', false],
  ['0', false],
]);

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  const value = SWITCH_WORDS.get(raw);
  if (value === undefined) throw new BotConfigError(`${name} must be on or off, not '${env[name]!.trim()}'`);
  return value;
}

function wholeNumber(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max)
    throw new BotConfigError(`${name} must be a whole number from ${min} to ${max}, not '${raw}'`);
  return value;
}

function privateKeyFrom(env: Env): string {
  let text = env.PRIVATE_KEY?.trim();
  let source = 'PRIVATE_KEY';
  if (!text) {
    const path = env.PRIVATE_KEY_PATH?.trim();
    if (!path)
      throw new BotConfigError("PRIVATE_KEY or PRIVATE_KEY_PATH must be set (the GitHub App's private key)");
    source = 'PRIVATE_KEY_PATH';
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new BotConfigError(
        `PRIVATE_KEY_PATH: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  // Keys pasted into one-line variables come with literal \n, or base64-encoded.
  text = text.replace(/\\n/g, '\n');
  if (!text.includes('-----BEGIN')) text = Buffer.from(text, 'base64').toString('utf8');
  try {
    createPrivateKey(text);
  } catch {
    throw new BotConfigError(
      `${source} is not a PEM private key (download one from the GitHub App's settings)`,
    );
  }
  return text;
}

/** How writes to GitHub are paced (ASSEMBLY_LINE_WRITE_INTERVAL_MS, ASSEMBLY_LINE_BACKOFF_MS). */
export function readPacing(env: Env): PacerOptions {
  return {
    writeIntervalMs: wholeNumber(env, 'ASSEMBLY_LINE_WRITE_INTERVAL_MS', GITHUB_PACING.writeIntervalMs, 0),
    backoffMs: wholeNumber(env, 'ASSEMBLY_LINE_BACKOFF_MS', GITHUB_PACING.backoffMs, 0),
    maxAttempts: GITHUB_PACING.maxAttempts,
  };
}

/** Probot's standard environment, checked up front. */
export function readBotConfig(env: Env): BotConfig {
  const appIdRaw = env.APP_ID?.trim();
  if (!appIdRaw) throw new BotConfigError("APP_ID must be set (the GitHub App's numeric id)");
  if (!/^[1-9]\d*$/.test(appIdRaw))
    throw new BotConfigError(`APP_ID must be a numeric id, not '${appIdRaw}'`);
  const webhookSecret = env.WEBHOOK_SECRET ?? '';
  if (!webhookSecret.trim())
    throw new BotConfigError("WEBHOOK_SECRET must be set (the secret of the GitHub App's webhook)");
  const privateKey = privateKeyFrom(env);
  const port = wholeNumber(env, 'PORT', 3000, 1, 65535);
  const host = env.HOST?.trim() || 'localhost';
  const gheHost = env.GHE_HOST?.trim();
  const protocol = env.GHE_PROTOCOL?.trim() || 'https';
  if (protocol !== 'http' && protocol !== 'https')
    throw new BotConfigError(`GHE_PROTOCOL must be http or https, not '${protocol}'`);
  if (gheHost && !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(gheHost))
    throw new BotConfigError(
      `GHE_HOST must be a host name with an optional port, without a scheme or path, not '${gheHost}'`,
    );
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new BotConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel}'`);
  const apiToken = token(env, 'ASSEMBLY_LINE_API_TOKEN');
  const dashboardToken = token(env, 'ASSEMBLY_LINE_DASHBOARD_TOKEN');
  const publicUrlRaw = env.ASSEMBLY_LINE_PUBLIC_URL?.trim();
  const publicUrl = publicUrlRaw ? parsePublicUrl(publicUrlRaw) : undefined;
  if (publicUrl && 'problem' in publicUrl)
    throw new BotConfigError(
      `ASSEMBLY_LINE_PUBLIC_URL ${publicUrl.problem} (e.g. https://bot.example.com), not '${publicUrlRaw}'`,
    );
  return {
    appId: Number(appIdRaw),
    privateKey,
    webhookSecret,
    port,
    host,
    baseUrl: gheHost ? `${protocol}://${gheHost}/api/v3` : 'https://api.github.com',
    logLevel,
    pacing: readPacing(env),
    reconcileIntervalMs: wholeNumber(env, 'ASSEMBLY_LINE_RECONCILE_INTERVAL_MS', 10 * 60_000, 0),
    maxConcurrent: wholeNumber(env, 'ASSEMBLY_LINE_CONCURRENCY', 1, 1, 64),
    ...(apiToken ? { apiToken } : {}),
    ...(dashboardToken ? { dashboardToken } : {}),
    ...(publicUrl ? { publicUrl: publicUrl.base } : {}),
    ledgerDir: env.ASSEMBLY_LINE_LEDGER_DIR?.trim() || DEFAULT_BOT_LEDGER_DIR,
    viewTtlMs: wholeNumber(env, 'ASSEMBLY_LINE_VIEW_TTL_MS', 5_000, 0, 600_000),
    dashboardIssue: onOff(env, 'ASSEMBLY_LINE_DASHBOARD_ISSUE', true),
  };
}
