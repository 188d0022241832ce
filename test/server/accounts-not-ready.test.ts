import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { accountId } from '../../server/mailbox/registry.ts';
import { startFakeSmtp } from '../fixtures/fake-smtp.ts';
import { addAccount, pollState } from './accounts-support.ts';
import { startMailBridge, stopAfterEach } from './harness.ts';

// An added account whose stored password no longer opens (changed at the provider, or a new primary
// password) gives nothing to the session, even while someone else keeps that mailbox open.
const track = stopAfterEach();
const ALICE = { username: 'alice', password: 'Primary-Pw-4711' };
const BOB = { username: 'bob', password: 'Bob-Secret-Zq8x' };

describe('an added account that needs its password', () => {
  it('cannot be read or sent as, though its mailbox is live for another person', async () => {
    const smtp = track(await startFakeSmtp());
    const bridge = track(await startMailBridge({
      users: [ALICE, BOB], mail: { alice: 1, bob: 2 }, bridge: { sendDelaySeconds: 0 },
      server: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'tls', ca: smtp.caPem, fromTemplate: '{user}@example.test' } },
    }));
    const { browser } = await bridge.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);
    // Alice's sealed copy of bob's password no longer opens.
    const db = new Database(join(bridge.bridge.config.dataDir, 'popbridge.sqlite'));
    db.prepare('UPDATE added_accounts SET sealed = ? WHERE account = ?').run(Buffer.alloc(64), accountId('s0', 'bob'));
    db.close();

    // Bob himself is signed in: his mailbox is live.
    const own = await bridge.signIn(BOB);
    const key = own.listing.keys[0]!;
    expect((await own.browser.http('GET', `/api/accounts/${bob.account}/messages/${key}/raw`)).status).toBe(200);

    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    await pollState(browser, bob.account, 'needsPassword');
    const raw = await browser.http('GET', `/api/accounts/${bob.account}/messages/${key}/raw`);
    expect([raw.status, raw.json?.error?.code]).toEqual([409, 'ACCOUNT_NOT_READY']);

    expect((await browser.http('PUT', '/api/drafts/asbob', { to: 'dora@example.test', subject: 'Hi', text: 'x', account: bob.account })).status).toBe(200);
    const queued = await browser.http('POST', '/api/outbox', { draftId: 'asbob' });
    expect([queued.status, queued.json?.error?.code]).toEqual([409, 'ACCOUNT_NOT_READY']);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.seen.auth).toEqual([]);
    // Nor can it change how bob's own mail is signed.
    const named = await browser.http('PUT', `/api/identity/${bob.account}`, { displayName: 'Not Bob', signature: '' });
    expect([named.status, named.json?.error?.code]).toEqual([409, 'ACCOUNT_NOT_READY']);
    expect((await own.browser.http('GET', `/api/identity/${bob.account}`)).json.displayName).toBe('');
  });
});
