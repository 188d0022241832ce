import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page, type Request } from 'playwright-core';

/** Debian's Chromium, headless, with nothing that phones home. */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  // playwright-core gives every launch a fresh temporary --user-data-dir.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/**
 * A browser with one page whose requests are watched for leaks; a stuck step
 * fails with its own name (15 s) instead of the test's timeout.
 */
export async function openWatchedPage(options: BrowserContextOptions = {}): Promise<{ page: Page; leaks: string[]; close(): Promise<void> }> {
  const browser = await launchBrowser();
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const { leaks } = watchLeaks(page);
  return {
    page,
    leaks,
    async close() {
      await context.close();
      await browser.close();
    },
  };
}

function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return true;
  }
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

/**
 * Records every request that leaves loopback, and every request to a /leak/
 * path: the hostile fixtures aim their "remote" requests at
 * http://127.0.0.1:9/leak/..., which is loopback but must never be fetched.
 */
export function watchLeaks(page: Page): { leaks: string[] } {
  const leaks: string[] = [];
  const check = (request: Request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:')) return;
    if (!isLoopback(url) || url.includes('/leak/')) leaks.push(url);
  };
  page.on('request', check);
  page.context().on('request', check);
  return { leaks };
}

/** Script markers a hostile payload would set in the app's page. */
export async function scriptMarkers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found = Object.keys(window).filter((k) => k.startsWith('__pwned'));
    if (document.title.startsWith('PWNED')) found.push(`title:${document.title}`);
    return found;
  });
}

/**
 * Waits until the message frame has loaded its document, received the body,
 * and loaded everything the body asked for (images, styles, fonts): the frame
 * reports that and the app clears aria-busy. By then any request the mail
 * could make has been made or refused.
 */
export async function messageFrameSettled(page: Page): Promise<void> {
  const iframe = page.locator('iframe[title="Message body"]');
  if (!(await iframe.count())) return;
  const frame = await (await iframe.elementHandle())?.contentFrame();
  await frame?.waitForLoadState('load');
  await page.locator('iframe[title="Message body"][aria-busy="false"]').waitFor();
}

/** Where screenshots of the e2e runs go (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-artifacts/screenshots', import.meta.url));

/** The page in light and dark, as `<name>-light.png` and `<name>-dark.png`; returns their paths. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const paths: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const path = join(SCREENSHOTS, `${name}-${colorScheme}.png`);
    await page.screenshot({ path });
    paths.push(path);
  }
  await page.emulateMedia({ colorScheme: null });
  return paths;
}
