// The message view alone in Debian's Chromium, fed the hostile and sample
// mails through the raw-message route: no script runs, nothing is fetched
// until the person allows remote content, attachments are shown safely.
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildHarness } from './support/build-harness.ts';
import { launchBrowser, messageFrameSettled, scriptMarkers, watchLeaks } from './support/browser.ts';
import { serveStatic, type StaticServer } from './support/static-server.ts';

const MAIL = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
const HOSTILE = join(MAIL, 'hostile');
const hostile = readdirSync(HOSTILE).filter((f) => f.endsWith('.eml')).map((f) => f.slice(0, -4)).sort();

let outDir = '';
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  outDir = await buildHarness();
  server = await serveStatic(outDir, (key) => {
    if (hostile.includes(key)) return join(HOSTILE, `${key}.eml`);
    if (/^[a-z-]+$/.test(key)) return join(MAIL, `${key}.eml`);
    return null;
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

async function openMail(key: string): Promise<{ page: Page; leaks: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { leaks } = watchLeaks(page);
  await page.goto(`${server.url}/#${key}`);
  // Settled when the subject heading (or an error) is shown.
  await page.locator('article h1, article .error').first().waitFor();
  const frame = page.frameLocator('iframe[title="Message body"]');
  if (await page.locator('iframe[title="Message body"]').count()) await frame.locator('body').waitFor({ state: 'attached' });
  return { page, leaks };
}

describe('hostile mail in the message view', () => {
  it('has at least ten hostile samples to run', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of hostile) {
    it(`${name}: runs no script and fetches nothing remote`, async () => {
      const { page, leaks } = await openMail(name);
      try {
        const iframe = page.locator('iframe[title="Message body"]');
        if (await iframe.count()) {
          expect(await iframe.getAttribute('sandbox')).toBe('allow-scripts allow-popups allow-popups-to-escape-sandbox');
          const body = page.frameLocator('iframe[title="Message body"]').locator('body');
          // The harmless part of the mail is shown, so the check below is about a rendered mail.
          await expect.poll(() => body.innerText()).toContain('Hostile sample');
          const hrefs = await body.locator('a[href]').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('rel'), a.getAttribute('target')]));
          for (const [href, rel, target] of hrefs) {
            expect(href).not.toMatch(/^\s*(javascript|data|vbscript):/i);
            if (!href?.startsWith('#')) {
              expect(rel).toBe('noopener noreferrer');
              expect(target).toBe('_blank');
            }
          }
        } else {
          await expect.poll(() => page.locator('article').innerText()).toContain('Hostile sample');
        }
        await messageFrameSettled(page);
        expect(await scriptMarkers(page)).toEqual([]);
        expect(leaks).toEqual([]);

        // Allowing remote content may fetch, but still never runs a script.
        const show = page.getByRole('button', { name: 'Show remote content' });
        if (await show.count()) {
          await show.click();
          await messageFrameSettled(page);
          expect(await scriptMarkers(page)).toEqual([]);
        }
      } finally {
        await page.context().close();
      }
    });
  }

  it('loads a tracking pixel only after "Show remote content"', async () => {
    const { page, leaks } = await openMail('pixel');
    try {
      await messageFrameSettled(page);
      expect(leaks).toEqual([]);
      const fetched = page.waitForRequest((r) => r.url().includes('/leak/pixel'));
      await page.getByRole('button', { name: 'Show remote content' }).click();
      await fetched;
    } finally {
      await page.context().close();
    }
  });

  it('shows cid: images from the message parts, with no banner and no request', async () => {
    const { page, leaks } = await openMail('cid-image');
    try {
      await messageFrameSettled(page);
      const frame = page.frameLocator('iframe[title="Message body"]');
      await expect.poll(() => frame.getByRole('img', { name: 'Logo' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
      const background = await frame.locator('p[style]').evaluate((p) => getComputedStyle(p).backgroundImage);
      expect(background).toMatch(/^url\("data:image\/png;base64,/);
      expect(await page.getByRole('button', { name: 'Show remote content' }).count()).toBe(0);
      expect(leaks).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('shows a right-to-left override in a file name as a visible mark', async () => {
    const { page } = await openMail('bidi-filename');
    try {
      const attachments = page.getByRole('region', { name: 'Attachments' });
      await expect.poll(() => attachments.innerText()).toContain('invoice[U+202E]gpj.exe');
      expect(await attachments.innerText()).not.toContain('\u202e');
    } finally {
      await page.context().close();
    }
  });
});
