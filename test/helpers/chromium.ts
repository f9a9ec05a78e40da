import { accessSync, constants } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where Debian and Ubuntu put Chromium; CHROMIUM_PATH comes first. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * The Chromium executable the browser tests drive. playwright-core downloads no browser: the system's
 * (Debian's `chromium` package, installed by scripts/install-system-packages.sh) is used.
 */
export function findChromium(
  env: Record<string, string | undefined> = process.env,
  candidates: readonly string[] = CHROMIUM_CANDIDATES,
): string {
  const tried = [...(env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : []), ...candidates];
  for (const path of tried) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not there, or not executable: try the next one
    }
  }
  throw new Error(
    `no Chromium executable (tried ${tried.join(', ')}): install Debian's package with ` +
      '`apt-get install chromium` (or `bash scripts/install-system-packages.sh chromium`), ' +
      'or set CHROMIUM_PATH to a Chromium binary',
  );
}

/** Headless Chromium; `--no-sandbox` because CI runs as root, where Chromium's sandbox refuses to start. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox'] });
}

/** Console errors and uncaught page errors, collected from the moment the page is opened. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  return errors;
}
