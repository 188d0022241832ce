// The mailbox list in Chromium with 50,000 messages: the DOM holds only the
// rows in view, scrolling anywhere shows the right rows, sorting and the
// filter work over the whole mailbox.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildHarness } from './support/build-harness.ts';
import { launchBrowser } from './support/browser.ts';
import { serveStatic, type StaticServer } from './support/static-server.ts';

const TOTAL = 50_000;
let outDir = '';
let server: StaticServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  outDir = await buildHarness();
  server = await serveStatic(outDir, () => null);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.url}/list.html#${TOTAL}`);
  await page.locator(`[role=grid][aria-rowcount="${TOTAL + 1}"]`).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const bodyRows = () => page.locator('[role=rowgroup]:not(.head) [role=row]');

describe('mailbox list at 50,000 rows', () => {
  it('renders only a window of rows, newest first', async () => {
    const count = await bodyRows().count();
    expect(count).toBeGreaterThan(10);
    expect(count).toBeLessThan(60);
    expect(await bodyRows().first().innerText()).toContain('Message number 0');
  });

  it('shows the right rows after scrolling to the middle and to the end', async () => {
    await page.locator('[role=grid]').evaluate((el) => (el.scrollTop = 25_000 * 40));
    await expect.poll(() => page.locator('[aria-rowindex="25002"]').innerText()).toContain('Message number 25000');
    await page.locator('[role=grid]').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect.poll(() => page.locator(`[aria-rowindex="${TOTAL + 1}"]`).innerText()).toContain(`Message number ${TOTAL - 1}`);
    expect(await bodyRows().count()).toBeLessThan(60);
  });

  it('sorts by size over the whole mailbox', async () => {
    await page.locator('[role=grid]').evaluate((el) => (el.scrollTop = 0));
    await page.getByRole('button', { name: 'Size' }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: 'Size' }).getAttribute('aria-sort')).toBe('descending');
    // Sizes are 1000 + (n mod 5000): the largest is 5999 octets.
    await expect.poll(() => page.locator('[aria-rowindex="2"] .c-size').innerText()).toBe('5.9 KB');
  });

  it('filters by subject', async () => {
    await page.evaluate(() => {
      (window as unknown as { harness: { mailbox: { filter: string } } }).harness.mailbox.filter = 'message number 4999';
    });
    // 4999 and 49990..49999.
    await expect.poll(() => page.locator('[role=grid]').getAttribute('aria-rowcount')).toBe('12');
  });
});
