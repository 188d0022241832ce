// Sending from one inbox of several accounts, in Debian's Chromium against the
// real server, Postfix and Dovecot: a reply goes out as the account the message
// came to, a new message as the account in view, and the From choice picks
// another account; each arrives at carol with that account's address in From.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import { deliveredTo, startPostfix, type Postfix } from '../support/postfix.ts';
import { openWatchedPage } from './support/browser.ts';
import { composePage } from './support/compose-page.ts';
import { startBridge, type Bridge } from './support/bridge.ts';

const alice = { username: 'alice@example.test', password: 'alice-secret' };
const bob = { username: 'bob@example.test', password: 'bob-secret' };
const carol = { username: 'carol@example.test', password: 'carol-secret' };

const toBob = [
  'From: Carol <carol@example.test>',
  'To: bob@example.test',
  'Subject: For Bob only',
  'Date: Mon, 02 Mar 2026 09:00:00 +0000',
  'Message-ID: <for-bob@example.test>',
  '',
  'Bob, can you confirm?',
  '',
].join('\r\n');
const toAlice = toBob.replace('To: bob@', 'To: alice@').replace('For Bob only', 'For Alice only').replace('for-bob@', 'for-alice@');

let postfix: Postfix;
let bridge: Bridge;
let page: Page;
let leaks: string[];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  postfix = await startPostfix({ users: [alice, bob, carol] });
  const d = postfix.dovecot;
  await d.deliver(bob.username, toBob);
  await d.deliver(alice.username, toAlice);
  bridge = await startBridge(
    { host: d.host, port: d.tlsPort, security: 'tls', ca: d.caPem, smtp: { host: postfix.host, port: postfix.submissionPort, security: 'starttls', ca: postfix.caPem } },
    { sendDelaySeconds: 1 },
  );
  ({ page, leaks, close: closeBrowser } = await openWatchedPage({ viewport: { width: 1280, height: 800 } }));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await bridge?.stop();
  await postfix?.stop();
});


const { poll, grid, rowWith, button, compose, sendAndWait } = composePage(() => page);

async function fromOf(subject: string): Promise<string | undefined> {
  return (await PostalMime.parse(await deliveredTo(postfix, carol.username, subject))).from?.address;
}

describe('sending from an inbox of several accounts', () => {
  it('adds bob as a second account and shows both mailboxes', async () => {
    await page.goto(bridge.url);
    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Password').fill(alice.password);
    await button('Sign in').click();
    await poll(() => rowWith('For Alice only').count()).toBe(1);
    await page.getByRole('button', { name: 'Add account' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add account' });
    await dialog.getByLabel('Username').fill(bob.username);
    await dialog.getByLabel('Password').fill(bob.password);
    await dialog.getByLabel('Label (optional)').fill('Bob');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await poll(() => rowWith('For Bob only').count()).toBe(1);
  });

  it('a reply to a message of bob goes out as bob, with bob chosen in From', async () => {
    await rowWith('For Bob only').click();
    await poll(() => page.getByRole('article').locator('h1').innerText()).toBe('For Bob only');
    await button('Reply').click();
    await poll(() => compose().getByLabel('From').inputValue()).not.toBe('');
    expect(await compose().getByLabel('From').locator('option:checked').innerText()).toContain(bob.username);
    await compose().getByLabel('Message').press('Control+Home');
    await compose().getByLabel('Message').pressSequentially('Confirmed. ');
    await sendAndWait();
    expect(await fromOf('Re: For Bob only')).toBe(bob.username);
  });

  it('a reply to a message of alice goes out as alice', async () => {
    await rowWith('For Alice only').click();
    await poll(() => page.getByRole('article').locator('h1').innerText()).toBe('For Alice only');
    await button('Reply').click();
    await poll(() => compose().getByLabel('To').inputValue()).toContain(carol.username);
    await sendAndWait();
    expect(await fromOf('Re: For Alice only')).toBe(alice.username);
  });

  it('a new message can go out as another account chosen in From', async () => {
    await button('New message').click();
    const from = compose().getByLabel('From');
    await from.selectOption({ label: `Bob (${bob.username})` });
    await compose().getByLabel('To').fill(carol.username);
    await compose().getByLabel('Subject').fill('Chosen sender');
    await compose().getByLabel('Message').fill('Sent as the account picked in From.');
    await sendAndWait();
    expect(await fromOf('Chosen sender')).toBe(bob.username);
    expect(leaks).toEqual([]);
  });
});
