// One person's inbox of four POP3 accounts in Chromium: two users of a real
// Dovecot (with equal UIDLs, so equal message keys), a real popa3d user, and
// a fault server whose listings are refused. Accounts are added through the
// UI; the unified inbox merges the working three, the broken one shows its
// error beside it, and a delete in each account removes exactly that message
// from exactly that maildrop.
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import { listingRefused } from '../fixtures/quirks.ts';
import { startBridge as startAppBridge, type Bridge } from '../server/harness.ts';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { startPopa3d, type Popa3d } from '../support/popa3d.ts';
import { openWatchedPage, screenshots } from './support/browser.ts';
import { ensureWebBuilt } from './support/bridge.ts';

const ALICE = { username: 'alice', password: 'alice pw 1' };
const BOB = { username: 'bob', password: 'bob pw 2' };
const CAROL = { username: 'carol', password: 'carol-pw-3' };
const DAVE = { username: 'dave', password: 'dave pw 4' };

/** A small mail; `day` orders the unified inbox (2026-03-<day>). */
function mail(subject: string, day: number): string {
  const d = String(day).padStart(2, '0');
  return `From: Sender ${subject} <s@example.test>\r\nTo: you@example.test\r\nSubject: ${subject}\r\n`
    + `Date: ${d} Mar 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n\r\nBody of ${subject}.\r\n`;
}

let dovecot: Dovecot;
let popa3d: Popa3d;
let fault: Pop3Server;
let bridge: Bridge;
let page: Page;
let leaks: string[];
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // "%08Xu": Dovecot gives both users UIDLs 00000001, 00000002, 00000003: equal keys in two accounts.
  dovecot = await startDovecot({ users: [ALICE, BOB], uidlFormat: '%08Xu' });
  for (const [subject, day] of [['Alice one', 1], ['Alice two', 4], ['Alice three', 7]] as const) await dovecot.deliver('alice', mail(subject, day));
  for (const [subject, day] of [['Bob one', 2], ['Bob two', 5], ['Bob three', 8]] as const) await dovecot.deliver('bob', mail(subject, day));
  popa3d = await startPopa3d({ users: [CAROL] });
  await popa3d.writeMbox('carol', [mail('Carol one', 3), mail('Carol two', 6)]);
  fault = await startPop3Server({
    users: [DAVE], variation: listingRefused,
    maildrops: { dave: { messages: [{ bytes: mail('Dave one', 9), uid: '00000001' }] } },
  });
  bridge = await startAppBridge([
    { id: 'dovecot', label: 'Dovecot', host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem },
    { id: 'popa3d', label: 'popa3d', host: popa3d.host, port: popa3d.port, security: 'plain' },
    { id: 'broken', label: 'Broken Mail', host: fault.host, port: fault.port, security: 'plain' },
  ], { webRoot: ensureWebBuilt(), deleteGraceSeconds: 3 });
  ({ page, leaks, close: closeBrowser } = await openWatchedPage({ viewport: { width: 1280, height: 800 } }));
}, 120_000);

afterAll(async () => {
  await closeBrowser?.();
  await bridge?.stop();
  await fault?.close();
  await popa3d?.stop();
  await dovecot?.stop();
});

const grid = () => page.getByRole('grid', { name: 'Messages' });
const rowWith = (text: string) => grid().getByRole('row').filter({ hasText: text });
const subjects = () => grid().locator('[role=rowgroup]:not(.head) [role=row] .c-subject').allInnerTexts().then((t) => t.map((s) => s.trim()));
const accountsNav = () => page.getByRole('navigation', { name: 'Accounts' });
const accountItem = (label: string) => accountsNav().locator('li').filter({ hasText: label });

async function signIn(): Promise<void> {
  await page.goto(bridge.url);
  await page.getByLabel('Server').selectOption({ label: 'Dovecot' });
  await page.getByLabel('Username').fill(ALICE.username);
  await page.getByLabel('Password').fill(ALICE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function addAccount(server: string, username: string, password: string, label: string): Promise<void> {
  // The entry point: a header button while alone, the account list's button after.
  await page.getByRole('button', { name: 'Add account' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.getByLabel('Server').selectOption({ label: server });
  await dialog.getByLabel('Username').fill(username);
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByLabel('Label (optional)').fill(label);
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
}


/** UI updates come in milliseconds; this bound is for a loaded machine. */
const SOON = { timeout: 10_000 };

const WORKING = ['Alice one', 'Alice two', 'Alice three', 'Bob one', 'Bob two', 'Bob three', 'Carol one', 'Carol two'];

describe('all of a person’s POP3 accounts in one inbox', () => {
  it('alone, the inbox is as before: no account markers, only an Add account entry point', async () => {
    await signIn();
    await expect.poll(() => grid().getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe('4');
    expect(await accountsNav().count()).toBe(0);
    expect(await grid().locator('.badge').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add account' }).count()).toBe(1);
  });

  it('adds a second Dovecot user, a popa3d user and a broken server through the dialog', async () => {
    await addAccount('Dovecot', BOB.username, BOB.password, 'Bob');
    await addAccount('popa3d', popa3d.login('carol'), CAROL.password, 'Carol');
    await addAccount('Broken Mail', DAVE.username, DAVE.password, 'Dave');
    await expect.poll(() => accountsNav().locator('li').count(), SOON).toBe(4);
  }, 90_000);

  it('merges the working accounts newest first, each row marked with its account', async () => {
    await expect.poll(() => grid().getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe(String(WORKING.length + 1));
    // Dates interleave the accounts: 8 Bob three, 7 Alice three, 6 Carol two, ...
    expect(await subjects()).toEqual([
      'Bob three', 'Alice three', 'Carol two', 'Bob two', 'Alice two', 'Carol one', 'Bob one', 'Alice one',
    ]);
    for (const [subject, label] of [['Alice two', 'alice'], ['Bob two', 'Bob'], ['Carol one', 'Carol']] as const) {
      // The marker's text is read out: "Account Bob".
      expect(await rowWith(subject).locator('.badge').innerText()).toContain(label);
    }
    // The same UIDL (00000002) in two accounts: two rows with equal keys, never mixed.
    const keyOf = (s: string) => rowWith(s).getAttribute('data-key');
    expect(await keyOf('Alice two')).toBe(await keyOf('Bob two'));
    expect(await rowWith('Alice two').getAttribute('data-account')).not.toBe(await rowWith('Bob two').getAttribute('data-account'));
  });

  it('the broken account shows its own error while the others work', async () => {
    const state = accountItem('Dave').locator('.state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 30_000 }).toBe('error');
    expect(await state.innerText()).toContain('temporary problem');
    expect(await rowWith('Dave one').count()).toBe(0);
    for (const label of ['alice', 'Bob', 'Carol']) {
      await expect.poll(() => accountItem(label).locator('.state').getAttribute('data-state'), SOON).toBe('ok');
    }
  });

  it('saves screenshots of the unified inbox, light and dark, desktop and phone', async () => {
    const paths = await screenshots(page, 'accounts-unified-desktop');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.getByLabel('Show').isVisible(), SOON).toBe(true);
    paths.push(...(await screenshots(page, 'accounts-unified-phone')));
    await page.setViewportSize({ width: 1280, height: 800 });
    console.log(`screenshots:\n${paths.join('\n')}`);
  });

  it('a view per account shows only that account’s rows; the phone select does the same', async () => {
    await accountItem('Bob').getByRole('button', { name: /Account Bob/ }).click();
    await expect.poll(() => subjects(), SOON).toEqual(['Bob three', 'Bob two', 'Bob one']);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByLabel('Show').selectOption({ label: 'Carol' });
    await expect.poll(() => subjects(), SOON).toEqual(['Carol two', 'Carol one']);
    await page.getByLabel('Show').selectOption({ label: 'All accounts' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => subjects().then((s) => s.length), SOON).toBe(WORKING.length);
  });

  it('Undo of a delete across three accounts restores each account’s row, and nothing leaves a server', async () => {
    for (const s of ['Alice two', 'Bob two', 'Carol one']) await rowWith(s).getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Delete (3)' }).click();
    await expect.poll(() => subjects().then((s) => s.length), SOON).toBe(WORKING.length - 3);
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => subjects().then((s) => s.length), SOON).toBe(WORKING.length);
    await new Promise((r) => setTimeout(r, 4500));
    expect((await dovecot.messageFiles('alice')).length).toBe(3);
    expect((await dovecot.messageFiles('bob')).length).toBe(3);
    expect((await popa3d.readMbox('carol')).length).toBe(2);
  }, 30_000);

  it('a delete in each account removes exactly that message from exactly that maildrop', async () => {
    for (const s of ['Alice two', 'Bob two', 'Carol one']) await rowWith(s).getByRole('checkbox').click();
    await page.getByRole('button', { name: 'Delete (3)' }).click();
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 20_000 }).toContain('3 messages deleted from the server');
    const subjectsIn = (files: Buffer[]) => files.map((b) => /^Subject: (.*)$/m.exec(b.toString('latin1'))?.[1]?.trim()).sort();
    await expect.poll(async () => subjectsIn((await dovecot.messageFiles('alice')).map((f) => f.bytes)), { timeout: 15_000 })
      .toEqual(['Alice one', 'Alice three']);
    expect(subjectsIn((await dovecot.messageFiles('bob')).map((f) => f.bytes))).toEqual(['Bob one', 'Bob three']);
    expect(subjectsIn(await popa3d.readMbox('carol'))).toEqual(['Carol two']);
    expect(await subjects()).toEqual(['Bob three', 'Alice three', 'Carol two', 'Bob one', 'Alice one']);
  }, 30_000);

  it('after sign-out and sign-in the added accounts come back without retyping', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await signIn();
    await expect.poll(() => accountsNav().locator('li').count(), { timeout: 30_000 }).toBe(4);
    await expect.poll(() => subjects(), { timeout: 30_000 }).toEqual(['Bob three', 'Alice three', 'Carol two', 'Bob one', 'Alice one']);
    await expect.poll(() => accountItem('Dave').locator('.state').getAttribute('data-state'), { timeout: 30_000 }).toBe('error');
    expect(leaks).toEqual([]);
  }, 60_000);

  it('a password changed at the provider: the account needs its password, and the new one fixes it in place', async () => {
    // Dovecot rereads its passwd-file when the file's time or size changes.
    const passwd = join(dovecot.dir, 'passwd');
    await writeFile(passwd, `alice:{PLAIN}${ALICE.password}\nbob:{PLAIN}bob new pw 5\n`);
    const later = new Date(Date.now() + 60_000);
    await utimes(passwd, later, later);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await signIn();
    const bob = accountItem('Bob');
    await expect.poll(() => bob.locator('.state').getAttribute('data-state'), { timeout: 30_000 }).toBe('password');
    await expect.poll(() => subjects(), { timeout: 30_000 }).toEqual(['Alice three', 'Carol two', 'Alice one']);
    await bob.getByLabel('New password for Bob').fill('bob new pw 5');
    await bob.getByRole('button', { name: 'Save password' }).click();
    await expect.poll(() => subjects(), { timeout: 30_000 }).toEqual(['Bob three', 'Alice three', 'Carol two', 'Bob one', 'Alice one']);
    expect(await bob.locator('.state').getAttribute('data-state')).toBe('ok');
  }, 90_000);

  it('relabels and recolours an account; its rows follow', async () => {
    // By tag: the label this test changes cannot find the item while it is being typed.
    const carol = accountsNav().locator(`li[data-account="${await accountItem('Carol').getAttribute('data-account')}"]`);
    await carol.getByRole('button', { name: 'Edit Carol' }).click();
    await carol.getByLabel('Label').fill('Club');
    await carol.getByLabel('Colour').fill('#aa00cc');
    await carol.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => rowWith('Carol two').locator('.badge').innerText(), SOON).toContain('Club');
    expect(await rowWith('Carol two').locator('.dot').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(170, 0, 204)');
  });

  it('removes an account after a confirmation; it stays gone after signing in again', async () => {
    await accountItem('Dave').getByRole('button', { name: 'Edit Dave' }).click();
    await accountItem('Dave').getByRole('button', { name: 'Remove account…' }).click();
    await page.getByRole('group', { name: 'Remove Dave' }).getByRole('button', { name: 'Remove Dave' }).click();
    await expect.poll(() => accountsNav().locator('li').count(), SOON).toBe(3);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await signIn();
    await expect.poll(() => accountsNav().locator('li').count(), { timeout: 30_000 }).toBe(3);
    expect(await accountItem('Dave').count()).toBe(0);
  }, 60_000);
});
