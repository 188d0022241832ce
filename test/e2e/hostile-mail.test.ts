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

// Where remote content may load: never in the app's own document, and in the
// message frame only once the person asked. Both are decided by CSP, so the
// outcome tells a CSP block from a request that reached the network.
describe('the app and the message frame have separate policies', () => {
  /** Outcomes of requests whose URL contains `fragment`: "finished", or the failure's error text. */
  function outcomesFor(fragment: string): string[] {
    const outcomes: string[] = [];
    const seen = (request: Request, outcome: string) => { if (request.url().includes(fragment)) outcomes.push(outcome); };
    page.on('requestfinished', (request) => seen(request, 'finished'));
    page.on('requestfailed', (request) => seen(request, request.failure()?.errorText ?? 'failed'));
    return outcomes;
  }

  it('the app document refuses a remote image; the frame loads one after "Show remote content"', async () => {
    const inApp = outcomesFor('/leak/app-document');
    await page.evaluate((src) => {
      const img = document.createElement('img');
      img.src = src;
      document.body.append(img);
    }, 'http://127.0.0.1:9/leak/app-document');
    await expect.poll(() => inApp, { timeout: 10_000 }).toHaveLength(1);
    expect(inApp[0]).toMatch(/csp/i);
    leaks.length = 0;

    await page.getByRole('searchbox', { name: 'Filter' }).fill('[hostile] pixel');
    await page.getByRole('row').filter({ hasText: '[hostile] pixel' }).first().click();
    await messageFrameSettled(page);
    expect(leaks).toEqual([]);
    const inFrame = outcomesFor('/leak/pixel');
    await page.getByRole('button', { name: 'Show remote content' }).click();
    await expect.poll(() => inFrame.some((outcome) => !/csp/i.test(outcome)), { timeout: 10_000 }).toBe(true);
    leaks.length = 0;
    await page.keyboard.press('Escape');
  });

  // The frame document runs its own script; its CSP must refuse any other,
  // even markup that never went through the sanitiser.
  it('the frame document runs no script but its own, whatever it is sent', async () => {
    const refused: string[] = [];
    page.on('console', (m) => { if (/violates the following Content Security Policy directive 'script-src/i.test(m.text())) refused.push(m.text()); });
    const received = await page.evaluate(async (html) => {
      const frame = document.createElement('iframe');
      frame.setAttribute('sandbox', 'allow-scripts');
      frame.src = '/frame/message.html';
      const got: unknown[] = [];
      await new Promise<void>((resolve) => {
        addEventListener('message', (event) => {
          if (event.source !== frame.contentWindow) return;
          got.push(event.data);
          const type = (event.data as { type?: string }).type;
          if (type === 'ready') frame.contentWindow?.postMessage({ html }, '*');
          if (type === 'shown') setTimeout(resolve, 1000);
        });
        document.body.append(frame);
      });
      frame.remove();
      return got;
    }, [
      `<img src="data:," onerror="parent.postMessage('ran:onerror','*')">`,
      `<svg onload="parent.postMessage('ran:svg','*')"></svg>`,
      `<details open ontoggle="parent.postMessage('ran:ontoggle','*')"><summary>x</summary></details>`,
      `<script>parent.postMessage('ran:script','*')</script>`,
      `<iframe srcdoc="<script>parent.parent.postMessage('ran:srcdoc','*')</script>"></iframe>`,
    ].join(''));
    expect(received).toEqual([{ type: 'ready' }, { type: 'shown' }]);
    // The handlers were tried and refused, so the check above is not vacuous.
    expect(refused.length).toBeGreaterThan(0);
    expect(await scriptMarkers(page)).toEqual([]);
  });
});

