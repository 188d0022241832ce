// The whole app in Debian's Chromium against the real server and a real
// Dovecot: sign in, list, read, download, delete with Undo, refresh, sign out.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { openWatchedPage, screenshots } from './support/browser.ts';
import { startBridge, type Bridge } from './support/bridge.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIL = join(ROOT, 'test/fixtures/mail');
const DEMO = join(ROOT, 'server/demo/mail');
const USER = { username: 'alice', password: 'correct horse 7' };

let dovecot: Dovecot;
let bridge: Bridge;
let page: Page;
let leaks: string[];
let closeBrowser: (() => Promise<void>) | undefined;
const fixtures = ['plain', 'html', 'with-attachment', 'dot-lines'];

beforeAll(async () => {
  dovecot = await startDovecot({ users: [USER] });
  for (const f of readdirSync(DEMO).filter((n) => n.endsWith('.eml')).sort()) {
    await dovecot.deliver(USER.username, readFileSync(join(DEMO, f)));
  }
  for (const f of fixtures) await dovecot.deliver(USER.username, readFileSync(join(MAIL, `${f}.eml`)));
  bridge = await startBridge(
    { host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem },
    { deleteGraceSeconds: 4 },
  );
  ({ page, leaks, close: closeBrowser } = await openWatchedPage({ acceptDownloads: true, viewport: { width: 1280, height: 800 } }));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await bridge?.stop();
  await dovecot?.stop();
});

const grid = () => page.getByRole('grid', { name: 'Messages' });
const rowWith = (text: string) => grid().getByRole('row').filter({ hasText: text });
const status = () => page.getByRole('status');


describe('Popbridge in a browser against Dovecot', () => {
  it('refuses a wrong password with a clear message', async () => {
    await page.goto(bridge.url);
    await page.getByLabel('Username').fill(USER.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => status().innerText()).toContain('Wrong username or password');
  });

  it('signs in and lists every message, newest first', async () => {
    await page.getByLabel('Password').fill(USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const total = readdirSync(DEMO).filter((n) => n.endsWith('.eml')).length + fixtures.length;
    // Header row plus one row per message.
    await expect.poll(() => grid().getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe(String(total + 1));
    await expect.poll(() => status().innerText()).not.toContain('Loading');
    const firstRow = grid().locator('[role=row][aria-rowindex="2"]');
    // The demo's newest mail is dated after every fixture.
    await expect.poll(() => firstRow.innerText()).toContain('Team lunch');
    await screenshots(page, 'mailbox');
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshots(page, 'mailbox-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('opens a plain text mail', async () => {
    await rowWith('Plain text fixture').click();
    await expect.poll(() => page.locator('article').innerText()).toContain('Plain text fixture');
    expect(await page.locator('article iframe').count()).toBe(0);
  });

  it('opens an HTML mail in the sandboxed frame', async () => {
    await rowWith('HTML fixture').click();
    const frame = page.frameLocator('iframe[title="Message body"]');
    await expect.poll(() => frame.locator('body').innerText()).toContain('Crème brûlée');
    expect(await frame.locator('a').getAttribute('rel')).toBe('noopener noreferrer');
    await screenshots(page, 'html-message');
  });

  it('downloads an attachment with the exact bytes', async () => {
    await rowWith('Attachment fixture').click();
    const button = page.getByRole('button', { name: 'Download attachment.bin' });
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('attachment.bin');
    const saved = await download.path();
    expect(readFileSync(saved)).toEqual(readFileSync(join(MAIL, 'attachment.bin')));
  });

  it('deletes with Undo, and nothing leaves the server', async () => {
    await page.keyboard.press('u');
    const before = await dovecot.messageFiles(USER.username);
    await rowWith('Dot-stuffing fixture').locator('input[type=checkbox]').click();
    await page.getByRole('button', { name: /^Delete/ }).first().click();
    await expect.poll(() => rowWith('Dot-stuffing fixture').count()).toBe(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => status().innerText()).toContain('Message restored');
    await expect.poll(() => rowWith('Dot-stuffing fixture').count()).toBe(1);
    // Past the server's grace period the mail is still there.
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await dovecot.messageFiles(USER.username)).length).toBe(before.length);
  });

  it('deletes for real: the file is gone from the maildir and the row never returns', async () => {
    const before = await dovecot.messageFiles(USER.username);
    const target = readFileSync(join(MAIL, 'dot-lines.eml'));
    await rowWith('Dot-stuffing fixture').click();
    await page.getByRole('article').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => status().innerText(), { timeout: 30_000 }).toContain('deleted from the server');
    const after = await dovecot.messageFiles(USER.username);
    expect(after.length).toBe(before.length - 1);
    expect(after.some((f) => f.bytes.equals(target))).toBe(false);
    expect(await rowWith('Dot-stuffing fixture').count()).toBe(0);
  });

  it('shows mail delivered during the session after Refresh', async () => {
    await dovecot.deliver(
      USER.username,
      'From: Late Sender <late@example.com>\r\nTo: alice@example.com\r\nSubject: Arrived during the session\r\n' +
        `Date: ${new Date().toUTCString()}\r\nMessage-ID: <late.1@example.com>\r\n\r\nHello later.\r\n`,
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rowWith('Arrived during the session').count(), { timeout: 30_000 }).toBe(1);
    expect(await rowWith('Dot-stuffing fixture').count()).toBe(0);
  });

  it('parses a large mail in a Web Worker, body and attachment intact', async () => {
    // 1.5 MB of attachment: past the size where parsing leaves the page's thread.
    const attachment = Buffer.alloc(1_500_000);
    for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 7919) % 251;
    const base64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
    await dovecot.deliver(
      USER.username,
      'From: Big Sender <big@example.com>\r\nTo: alice@example.com\r\nSubject: Large mail with a scan\r\n' +
        `Date: ${new Date().toUTCString()}\r\nMessage-ID: <big.1@example.com>\r\nMIME-Version: 1.0\r\n` +
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n' +
        'The scan is attached.\r\n--b\r\nContent-Type: application/octet-stream\r\n' +
        'Content-Disposition: attachment; filename="scan.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n' +
        base64 + '\r\n--b--\r\n',
    );
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rowWith('Large mail with a scan').count(), { timeout: 30_000 }).toBe(1);
    await rowWith('Large mail with a scan').click();
    await expect.poll(() => page.locator('article').innerText(), { timeout: 30_000 }).toContain('The scan is attached.');
    expect(workers.length).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download scan.bin' }).click()]);
    expect(readFileSync(await download.path()).equals(attachment)).toBe(true);
    await page.keyboard.press('u');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const res = await page.request.get(`${bridge.url}/api/session`);
    expect(res.status()).toBe(401);
  });

  it('made no request that left loopback', () => {
    expect(leaks).toEqual([]);
  });
});
