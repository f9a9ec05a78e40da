import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { renderDashboardPage } from '../../bot/src/windows/page.js';
import { BotBed, intentYaml, settle } from '../helpers/bot.js';
import { collectErrors, findChromium, launchChromium } from '../helpers/chromium.js';
import { intentView, lineView, runView, T0 } from '../helpers/line-view.js';
import { GatedProvider } from '../helpers/providers.js';

const ARTIFACTS = 'test-artifacts';
const PHONE = { width: 390, height: 844 };

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const bed = new BotBed();
let provider: GatedProvider | undefined;
afterEach(async () => {
  provider?.release();
  provider = undefined;
  await bed.stop();
});

/** What a person sees, read from the rendered DOM (not the HTML text). */
async function seen(page: Page) {
  const count = (selector: string) => page.locator(selector).count();
  return {
    queue: await page.locator('#queue tbody tr td:nth-child(3)').allTextContents(),
    breached: await count('#queue tr.breached'),
    pipelines: await page.locator('#pipelines tbody tr td:nth-child(-n+2)').allTextContents(),
    intentNodes: await count('#graph svg g.node.intent'),
    externalNodes: await count('#graph svg g.node.external'),
    edges: await count('#graph svg path.edge'),
    // The page is typed without the DOM library: these run in the browser as written.
    pwned: await page.evaluate('window.__pwned'),
    scripts: await page.evaluate('document.scripts.length'),
  };
}

/** Widths in CSS pixels at `viewport`: the body must not be wider than the screen. */
async function widthsAt(page: Page, viewport: { width: number; height: number }) {
  await page.setViewportSize(viewport);
  return (await page.evaluate(
    '({ body: document.body.scrollWidth, document: document.documentElement.scrollWidth, viewport: window.innerWidth })',
  )) as { body: number; document: number; viewport: number };
}

describe('findChromium', () => {
  it('names the apt package when no Chromium is there', () => {
    expect(() =>
      findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' }, ['/nonexistent/chromium-browser']),
    ).toThrow(
      'no Chromium executable (tried /nonexistent/chromium, /nonexistent/chromium-browser): install ' +
        "Debian's package with `apt-get install chromium`",
    );
  });
});

describe('the HTML dashboard in Chromium (rendered page)', () => {
  it('renders queue, pipelines and graph with no console error, no script, and fits a phone', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const view = lineView(
      [
        intentView('registry-client', { dependencies: ['registry'], phase: 'live' }),
        intentView('payments', { dependencies: ['registry-client', 'registry'], phase: 'spec_generation' }),
        intentView('analytics-engine-with-a-very-long-service-name', {
          dependencies: ['payments', 'registry-client', 'verifier'],
          priority: 'high',
          minutesQueued: 20,
          purpose: hostile,
        }),
        intentView('ledger', { dependencies: ['payments'], priority: 'critical', minutesQueued: 2 }),
      ],
      [
        runView('s1', 'payments', {
          score: 94,
          testsPassed: 31,
          coverage: 87,
          costUsd: 0.041,
          reason: hostile,
        }),
      ],
    );
    const page = await browser!.newPage();
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(renderDashboardPage(view, { now: T0 }), { waitUntil: 'load' });
    const dom = await seen(page);
    expect(dom).toEqual({
      queue: ['ledger', 'analytics-engine-with-a-very-long-service-name'],
      breached: 1,
      pipelines: ['payments', 'spec generation'],
      intentNodes: 4,
      externalNodes: 2,
      edges: 7,
      pwned: undefined,
      scripts: 0,
    });
    expect(requests).toEqual([]);
    const phone = await widthsAt(page, PHONE);
    expect(phone.body).toBeLessThanOrEqual(phone.viewport);
    expect(phone.document).toBeLessThanOrEqual(phone.viewport);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-rendered-phone.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe("the HTML dashboard at the bot's GET /, in Chromium", () => {
  it('shows the queue, the running pipeline and the graph of the intents the double holds', async () => {
    provider = new GatedProvider();
    const { double, bot } = await bed.start({ provider });
    const alice = double.person('alice');
    // With one SPEC generation at a time and the model held, the critical intent runs and the others wait.
    await alice.push({
      files: {
        'intents/ledger.yaml': intentYaml('ledger', { port: 8431, priority: 'critical' }),
        'intents/billing.yaml': intentYaml('billing', {
          port: 8432,
          priority: 'high',
          dependencies: ['ledger', 'registry'],
          purpose: '<script>window.__pwned=1</script> bills the ledger',
        }),
        'intents/reports.yaml': intentYaml('reports', {
          port: 8433,
          priority: 'low',
          dependencies: ['billing', 'ledger', 'verifier'],
        }),
      },
    });
    await provider.firstCall;
    for (let i = 0; i < 500 && bot.bot.scheduler.snapshot().queued.length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));

    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = collectErrors(page);
    const origin = `http://127.0.0.1:${bot.port}`;
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin)) foreign.push(r.url());
    });
    const answer = await page.goto(`${origin}/`, { waitUntil: 'load' });
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await seen(page)).toEqual({
      queue: ['billing', 'reports'],
      breached: 0,
      pipelines: ['ledger', 'spec generation'],
      intentNodes: 3,
      externalNodes: 2,
      edges: 6,
      pwned: undefined,
      scripts: 0,
    });
    // The purpose reached the page as text (a row's tooltip), not as markup.
    expect(await page.locator('#queue tr[title^="<script>window.__pwned=1</script>"]').count()).toBe(1);
    // While a pipeline runs the page reloads itself.
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(1);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png`, fullPage: true });

    const phone = await widthsAt(page, PHONE);
    expect(phone.body).toBeLessThanOrEqual(phone.viewport);
    expect(phone.document).toBeLessThanOrEqual(phone.viewport);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-phone.png`, fullPage: true });

    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
    provider.release();
    await settle(double, bot);
  }, 240_000);
});
