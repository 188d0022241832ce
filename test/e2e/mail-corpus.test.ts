// The browser's own parse of the trickiest corpus mails, in Debian's
// Chromium: the heading and sender show exactly what the server's list row
// shows, and a plain-text body reads and copies back line for line.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { headerBlock, summarize } from '../../server/mailbox/summary.ts';
import { buildHarness } from './support/build-harness.ts';
import { launchBrowser } from './support/browser.ts';
import { serveStatic, type StaticServer } from './support/static-server.ts';

const MAIL = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
const CORPUS = `${MAIL}corpus/`;
const expected = JSON.parse(readFileSync(`${CORPUS}expected.json`, 'utf8')) as Record<string, { text?: string; subject?: string }>;

const TRICKY_HEADERS = [
  'h-latin1-q-curly', 'h-us-ascii-label-8bit', 'h-utf8-b-split-padded', 'h-iso2022jp-stateful-split',
  'h-utf7-words', 'h-raw-latin1-textpart', 'h-raw-8bit-multipart', 'h-unknown-charset-word',
];

let outDir = '';
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  outDir = await buildHarness();
  server = await serveStatic(outDir, (key) => {
    if (key === 'dot-lines') return `${MAIL}dot-lines.eml`;
    if (/^[a-z0-9-]+$/.test(key)) return `${CORPUS}${key}.eml`;
    return null;
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

async function openMail(key: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/#${key}`);
  await page.locator('article h1, article .error').first().waitFor();
  return page;
}

function row(name: string) {
  const bytes = new Uint8Array(readFileSync(`${CORPUS}${name}.eml`));
  return summarize(name, bytes.length, headerBlock(bytes)).summary;
}

describe('corpus mail in Chromium', () => {
  for (const name of TRICKY_HEADERS) {
    it(`${name}: the view's subject and sender are the list row's`, async () => {
      const page = await openMail(name);
      try {
        const summary = row(name);
        expect(await page.locator('article h1').textContent()).toBe(summary.subject);
        if (expected[name]?.subject) expect(summary.subject).toBe(expected[name]!.subject);
        const from = await page.locator('article dl').innerText();
        if (summary.from?.name) expect(from).toContain(summary.from.name);
        expect(from + (await page.locator('article h1').textContent())).not.toContain('\uFFFD');
      } finally {
        await page.context().close();
      }
    });
  }

  const dotBody = readFileSync(`${MAIL}dot-lines.eml`, 'latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n').replace(/\r\n/g, '\n');
  const exact: Array<[string, string]> = [
    ['dot-lines', dotBody],
    ['t-exact-lines', expected['t-exact-lines']!.text!],
    ['t-flowed', expected['t-flowed']!.text!],
  ];
  for (const [name, lines] of exact) {
    it(`${name}: the shown body reads and copies back line for line`, async () => {
      const page = await openMail(name);
      try {
        const body = page.locator('article .body .text');
        await body.waitFor();
        const shown = await body.evaluate((el: HTMLElement) => {
          const selection = getSelection()!;
          selection.selectAllChildren(el);
          return { textContent: el.textContent, innerText: el.innerText, selection: selection.toString() };
        });
        // A final newline is not a line of its own on screen.
        const want = lines.replace(/\n$/, '');
        expect(shown.textContent?.replace(/\n$/, '')).toBe(want);
        expect(shown.innerText.replace(/\n$/, '')).toBe(want);
        expect(shown.selection.replace(/\n$/, '')).toBe(want);
      } finally {
        await page.context().close();
      }
    });
  }

  it('a multipart whose boundary never occurs shows its text and says why', async () => {
    const page = await openMail('b-boundary-never-occurs');
    try {
      await expect.poll(() => page.locator('article .body').innerText()).toContain('This text is all the message has.');
      expect(await page.locator('[data-notice="NO_PARTS"]').count()).toBe(1);
    } finally {
      await page.context().close();
    }
  });

  it('a message with nothing to show says so instead of an empty view', async () => {
    const page = await openMail('b-boundary-never-occurs-empty');
    try {
      await expect.poll(() => page.locator('[data-notice="NO_CONTENT"]').innerText()).toContain('no text to show');
    } finally {
      await page.context().close();
    }
  });
});
