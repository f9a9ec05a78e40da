import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { renderDashboardPage } from '../../bot/src/windows/page.js';
import { collectErrors, findChromium, launchChromium } from '../helpers/chromium.js';
import { intentView, lineView, runView, T0 } from '../helpers/line-view.js';

const ARTIFACTS = 'test-artifacts';
const PHONE = { width: 390, height: 844 };

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
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
