// Answering mail in Debian's Chromium against the real server, a real Postfix
// (SASL through Dovecot) and the Dovecot that serves what Postfix delivers:
// alice replies, replies all, forwards with an attachment and writes a new
// message; Undo keeps one from going; a draft survives a reload; then bob
// signs in and finds each message with its headers, text and attachment bytes.
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { deliveredTo, startPostfix, type Postfix } from '../support/postfix.ts';
import { openWatchedPage, screenshots } from './support/browser.ts';
import { composePage } from './support/compose-page.ts';
import { startBridge, type Bridge } from './support/bridge.ts';

const alice = { username: 'alice@example.test', password: 'alice-secret' };
const bob = { username: 'bob@example.test', password: 'bob-secret' };
const scan = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7 + 3) % 256));
const upload = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * 11) % 256));
const NEW_SUBJECT = 'Grüße aus Köln ✓ 日本';

const original = [
  'From: Bob Builder <bob@example.test>',
  'To: alice@example.test, bob@example.test',
  'Cc: Alice <ALICE@example.test>',
  'Subject: Original plan',
  'Date: Sun, 01 Mar 2026 10:00:00 +0000',
  'Message-ID: <orig-1@example.test>',
  'References: <root-0@example.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'The plan is attached.',
  '> an older line',
  '--b1',
  'Content-Type: application/octet-stream; name="scan.bin"',
  'Content-Disposition: attachment; filename="scan.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  scan.toString('base64').replace(/.{76}/g, '$&\r\n'),
  '--b1--',
  '',
].join('\r\n');

let postfix: Postfix;
let bridge: Bridge;
let page: Page;
let leaks: string[];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  postfix = await startPostfix({ users: [alice, bob] });
  const d = postfix.dovecot;
  await d.deliver(alice.username, original);
  bridge = await startBridge(
    { host: d.host, port: d.tlsPort, security: 'tls', ca: d.caPem, smtp: { host: postfix.host, port: postfix.submissionPort, security: 'starttls', ca: postfix.caPem } },
    { sendDelaySeconds: 4, maxAttachmentBytes: 200_000 },
  );
  ({ page, leaks, close: closeBrowser } = await openWatchedPage({ acceptDownloads: true, viewport: { width: 1280, height: 800 } }));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await bridge?.stop();
  await postfix?.stop();
});

const { poll, grid, rowWith, button, compose, sendAndWait } = composePage(() => page);
const field = (name: string) => page.getByLabel(name, { exact: true });

async function signIn(user: { username: string; password: string }): Promise<void> {
  await page.goto(bridge.url);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await button('Sign in').click();
  await expect.poll(() => grid().getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThan(1);
}

async function openOriginal(): Promise<void> {
  await rowWith('Original plan').first().click();
  await poll(() => page.getByRole('article').locator('h1').innerText()).toBe('Original plan');
}


describe('answering mail in a browser through Postfix', () => {
  it('sets the display name and signature', async () => {
    await signIn(alice);
    await button('Signature').click();
    const dialog = page.getByRole('dialog', { name: 'Name and signature' });
    await dialog.getByLabel('Display name').fill('Alice Example');
    await dialog.getByLabel('Signature').fill('Alice\nexample.test');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await poll(() => dialog.isVisible()).toBe(false);
  });

  it('replies to the sender with the quote, Re: once and the thread headers', async () => {
    await openOriginal();
    await button('Reply').click();
    await poll(() => field('To').inputValue()).toBe('Bob Builder <bob@example.test>');
    expect(await field('Subject').inputValue()).toBe('Re: Original plan');
    const quoted = await field('Message').inputValue();
    expect(quoted).toMatch(/^\n\n-- \nAlice\nexample\.test\n\nOn .+, Bob Builder wrote:\n> The plan is attached\.\n>> an older line\n$/);
    await field('Message').fill(`Sounds good.${quoted}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshots(page, 'compose-reply-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await sendAndWait();
  });

  it('replies to all without the own address and without duplicates', async () => {
    await page.keyboard.press('a');
    await poll(() => field('To').inputValue()).toBe('Bob Builder <bob@example.test>');
    expect(await field('Cc').inputValue()).toBe('');
    await field('Subject').fill('Re: Original plan (all)');
    await field('Message').fill('To everyone.');
    await sendAndWait();
  });

  it('forwards with the original attachment, completing the address from the mailbox', async () => {
    await button('Forward').click();
    expect(await field('Subject').inputValue()).toBe('Fwd: Original plan');
    expect(await field('Message').inputValue()).toContain('---------- Forwarded message ---------\nFrom: Bob Builder <bob@example.test>');
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).toContain('scan.bin');
    await field('To').fill('bo');
    await poll(() => page.locator('#compose-to-list option').evaluateAll((o) => o.map((e) => (e as HTMLOptionElement).value)))
      .toEqual(['Bob Builder <bob@example.test>']);
    await field('To').fill('Bob Builder <bob@example.test>');
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).not.toContain('uploading');
    await sendAndWait();
  });

  it('writes a new message with a non-ASCII subject and an attachment (key c)', async () => {
    await button('← Back').click();
    await page.keyboard.press('c');
    await field('To').fill('bob@example.test');
    await field('Subject').fill(NEW_SUBJECT);
    await field('Message').fill('Hallo Bob,\nanbei die Übersicht.\n');
    await field('Attach files').setInputFiles({ name: 'Übersicht.bin', mimeType: 'application/octet-stream', buffer: upload });
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).toContain('Übersicht.bin');
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).not.toContain('uploading');
    // Too large: refused with the limit; a file picked by mistake is removed before sending.
    await field('Attach files').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(300_000) });
    await poll(() => compose().getByRole('alert').innerText()).toMatch(/^This file is too large to attach\. The limit is /);
    await button('Remove huge.bin').click();
    await field('Attach files').setInputFiles({ name: 'mistake.txt', mimeType: 'text/plain', buffer: Buffer.from('oops') });
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).toContain('mistake.txt');
    await button('Remove mistake.txt').click();
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).not.toContain('mistake.txt');
    await sendAndWait();
  });

  it('a refused recipient leaves the draft in the editor with the reason, also in Drafts', async () => {
    await button('New message').click();
    await field('To').fill('nobody@example.test');
    await field('Subject').fill('Goes nowhere');
    await button('Send').click();
    await expect.poll(() => compose().getByRole('alert').innerText(), { timeout: 30_000 })
      .toMatch(/^The message was not sent\. The outgoing mail server refused a recipient\..* Address: nobody@example\.test\./);
    expect(await field('Subject').inputValue()).toBe('Goes nowhere');
    await button('← Close').click();
    await button('Drafts').click();
    await poll(() => page.getByRole('button', { name: /Goes nowhere/ }).innerText()).toContain('Not sent: The outgoing mail server refused a recipient.');
    await page.getByRole('button', { name: /Goes nowhere/ }).click();
    await button('Discard').click();
  });

  it('forwards as an attachment: the original as a .eml file', async () => {
    await openOriginal();
    await button('Forward as attachment').click();
    expect(await field('Subject').inputValue()).toBe('Fwd: Original plan');
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).toContain('Original plan.eml');
    await poll(() => compose().getByRole('list', { name: 'Attachments' }).innerText()).not.toContain('uploading');
    await button('Discard').click();
  });

  it('Undo within the window brings the message back to the editor and nothing is sent', async () => {
    await button('New message').click();
    await field('To').fill('bob@example.test');
    await field('Subject').fill('Taken back');
    await field('Message').fill('This must not arrive.');
    await button('Send').click();
    await poll(() => page.getByRole('status').filter({ hasText: /Sending in \d s/ }).count()).toBe(1);
    await button('Undo').click();
    await poll(() => field('Subject').inputValue()).toBe('Taken back');
    expect(await field('Message').inputValue()).toBe('This must not arrive.');
    await button('Discard').click();
  });

  it('keeps a draft across a page reload', async () => {
    await button('New message').click();
    await field('To').fill('bob@example.test');
    await field('Subject').fill('Draft after reload');
    await field('Message').fill('');
    await field('Message').pressSequentially('Half a thought');
    await poll(() => compose().innerText()).toContain('Draft saved');
    // Typed just before leaving, inside the autosave pause: saved as the page goes.
    await field('Message').pressSequentially(', finished');
    await page.reload();
    await expect.poll(() => grid().getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    await button('Drafts').click();
    await page.getByRole('button', { name: /Draft after reload/ }).click();
    await poll(() => field('Subject').inputValue()).toBe('Draft after reload');
    expect(await field('Message').inputValue()).toBe('Half a thought, finished');
    expect(await field('To').inputValue()).toBe('bob@example.test');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshots(page, 'compose-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    await button('← Close').click();
  });

  it('lists what was sent and opens it with the accepted recipients', async () => {
    await button('Sent').click();
    const sent = page.getByRole('region', { name: 'Sent' });
    await poll(() => sent.getByRole('listitem').count()).toBe(4);
    await sent.getByRole('button', { name: new RegExp(NEW_SUBJECT) }).click();
    const article = page.getByRole('article', { name: 'Sent message' });
    await poll(() => article.innerText()).toContain('Übersicht.bin');
    expect(await article.innerText()).toMatch(/Accepted\s+bob@example\.test/);
    expect(await article.innerText()).toContain('anbei die Übersicht.');
  });

  it('bob finds each message, with its headers, text and attachment bytes intact', async () => {
    const subjects = ['Re: Original plan', 'Re: Original plan (all)', 'Fwd: Original plan', NEW_SUBJECT];
    // Wait for all four to arrive, then past one more Undo window: the cancelled one must not follow.
    for (const s of subjects) await deliveredTo(postfix, bob.username, s);
    await new Promise((r) => setTimeout(r, 5000));
    const maildir = join(postfix.dovecot.dir, 'mail', bob.username, 'new');
    const all = await Promise.all((await readdir(maildir)).map((f) => PostalMime.parse(readFileSync(join(maildir, f)))));
    expect(all.map((m) => m.subject)).not.toContain('Taken back');

    await button('Sign out').click();
    await signIn(bob);
    const opened = async (subject: string) => {
      await rowWith(subject).filter({ hasNotText: `${subject} (` }).click();
      await poll(() => page.getByRole('article').locator('h1').innerText()).toBe(subject);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('article').getByRole('button', { name: 'Download', exact: true }).click()]);
      return { text: await page.getByRole('article').innerText(), mail: await PostalMime.parse(readFileSync((await download.path())!)) };
    };

    const reply = await opened('Re: Original plan');
    expect(reply.mail.inReplyTo).toBe('<orig-1@example.test>');
    expect(reply.mail.references).toBe('<root-0@example.test> <orig-1@example.test>');
    expect(reply.mail.from).toEqual({ name: 'Alice Example', address: 'alice@example.test' });
    expect(reply.mail.text).toMatch(/^Sounds good\.\n\n-- \nAlice\nexample\.test\n\nOn .+, Bob Builder wrote:\n> The plan is attached\.\n>> an older line\n?$/);
    expect(reply.text).toContain('Sounds good.');

    const all2 = await opened('Re: Original plan (all)');
    expect(all2.mail.inReplyTo).toBe('<orig-1@example.test>');
    expect(all2.mail.to).toEqual([{ name: 'Bob Builder', address: 'bob@example.test' }]);
    expect(all2.mail.cc ?? []).toEqual([]);

    const fwd = await opened('Fwd: Original plan');
    expect(fwd.text).toContain('---------- Forwarded message ---------');
    expect(fwd.mail.attachments.map((a) => a.filename)).toEqual(['scan.bin']);
    expect(Buffer.from(fwd.mail.attachments[0]!.content as ArrayBuffer).equals(scan)).toBe(true);

    const fresh = await opened(NEW_SUBJECT);
    expect(fresh.mail.subject).toBe(NEW_SUBJECT);
    expect(fresh.text).toContain('anbei die Übersicht.');
    expect(fresh.mail.attachments.map((a) => a.filename)).toEqual(['Übersicht.bin']);
    expect(Buffer.from(fresh.mail.attachments[0]!.content as ArrayBuffer).equals(upload)).toBe(true);
    expect(await page.getByRole('region', { name: 'Attachments' }).innerText()).toContain('Übersicht.bin');
    // Nothing in compose reaches beyond the app's own address.
    expect(leaks).toEqual([]);
  });
});
