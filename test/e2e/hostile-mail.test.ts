// Every hostile HTML mail, delivered to a real Dovecot and opened through the
// real server in Chromium: no script runs and nothing is fetched unless the
// person presses "Show remote content".
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { messageFrameSettled, openWatchedPage, scriptMarkers } from './support/browser.ts';
import { startBridge, type Bridge } from './support/bridge.ts';

const HOSTILE = fileURLToPath(new URL('../fixtures/mail/hostile/', import.meta.url));
const names = readdirSync(HOSTILE).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4)).sort();
const USER = { username: 'mallory', password: 'open sesame 9' };

let dovecot: Dovecot;
let bridge: Bridge;
let page: Page;
let leaks: string[];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [USER] });
  for (const n of names) await dovecot.deliver(USER.username, readFileSync(join(HOSTILE, `${n}.eml`)));
  bridge = await startBridge({ host: dovecot.host, port: dovecot.plainPort, security: 'plain' });
  ({ page, leaks, close: closeBrowser } = await openWatchedPage());
  await page.goto(bridge.url);
  await page.getByLabel('Username').fill(USER.username);
  await page.getByLabel('Password').fill(USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The whole listing has arrived when the grid counts every message.
  await page.locator(`[role=grid][aria-rowcount="${names.length + 1}"]`).waitFor({ timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await bridge?.stop();
  await dovecot?.stop();
});

describe('hostile mail through the server', () => {
  it('has at least ten hostile samples', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of names) {
    it(`${name}: no script, no remote request`, async () => {
      // Filtering keeps the row in view whatever the list order.
      await page.getByRole('searchbox', { name: 'Filter' }).fill(`[hostile] ${name}`);
      const row = page.getByRole('row').filter({ hasText: `[hostile] ${name}` }).first();
      await row.click();
      await expect.poll(() => page.locator('article h1').innerText()).toBe(`[hostile] ${name}`);
      const article = page.getByRole('article');
      const frame = page.frameLocator('iframe[title="Message body"]');
      if (await page.locator('iframe[title="Message body"]').count()) {
        await expect.poll(() => frame.locator('body').innerText()).toContain('Hostile sample');
      } else {
        await expect.poll(() => article.innerText()).toContain('Hostile sample');
      }
      await messageFrameSettled(page);
      expect(await scriptMarkers(page)).toEqual([]);
      expect(leaks).toEqual([]);
      await page.keyboard.press('Escape');
    });
  }

  // A remote image and a remote CSS background: both must load once the person asks, and only then.
  for (const name of ['pixel', 'css-background-block']) {
    it(`${name}: "Show remote content" lets the remote content load, and still no script runs`, async () => {
      await page.getByRole('searchbox', { name: 'Filter' }).fill(`[hostile] ${name}`);
      await page.getByRole('row').filter({ hasText: `[hostile] ${name}` }).first().click();
      await expect.poll(() => page.locator('article h1').innerText()).toBe(`[hostile] ${name}`);
      await messageFrameSettled(page);
      expect(leaks).toEqual([]);
      // Loaded means it reached the network: finished, or failed for a reason other than a CSP block
      // (port 9 is refused by the browser as unsafe, after every policy said yes).
      const outcomes: string[] = [];
      const seen = (request: Request, outcome: string) => { if (request.url().includes(`/leak/${name}`)) outcomes.push(outcome); };
      page.on('requestfinished', (request) => seen(request, 'finished'));
      page.on('requestfailed', (request) => seen(request, request.failure()?.errorText ?? 'failed'));
      await page.getByRole('button', { name: 'Show remote content' }).click();
      await expect.poll(() => outcomes.some((outcome) => !/csp/i.test(outcome)), { timeout: 10_000 }).toBe(true);
      expect(await scriptMarkers(page)).toEqual([]);
      leaks.length = 0;
      await page.keyboard.press('Escape');
    });
  }
});
