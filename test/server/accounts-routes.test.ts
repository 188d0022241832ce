import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { AccountInfo } from '../../shared/api/index.ts';
import { accountId } from '../../server/mailbox/registry.ts';
import { TestBrowser } from './client.ts';
import { startBridge, startMailBridge, startMailServer, stopAfterEach } from './harness.ts';
import { accountState, addAccount, pollState, syncAccount } from './accounts-support.ts';
import { waitFor } from './wait.ts';

const ALICE = { username: 'alice', password: 'pw-alice' };
const BOB = { username: 'bob', password: 'pw-bob' };
const CAROL = { username: 'carol', password: 'pw-carol' };

const track = stopAfterEach();

describe('/api/accounts', () => {
  test('lists the primary first; refuses duplicates, unknown servers, wrong passwords and more than the cap', async () => {
    const bridge = track(await startMailBridge({ users: [ALICE, BOB, CAROL], mail: { alice: 1, bob: 2, carol: 1 }, bridge: { maxAccountsPerPerson: 2 } }));
    const { browser } = await bridge.open(ALICE);
    const first = (await browser.http('GET', '/api/accounts')).json as AccountInfo[];
    expect(first).toEqual([{
      account: browser.account, serverId: 's0', serverLabel: 'Server 0', username: 'alice', label: 'alice',
      colour: expect.stringMatching(/^#[0-9a-f]{6}$/), primary: true, canSend: false, state: 'ready',
    }]);

    const wrong = await browser.http('POST', '/api/accounts', { serverId: 's0', username: 'bob', password: 'nope' });
    expect([wrong.status, wrong.json.error.code]).toEqual([401, 'AUTH_FAILED']);
    const unknown = await browser.http('POST', '/api/accounts', { serverId: 'elsewhere', username: 'bob', password: BOB.password });
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'NOT_FOUND']);
    const primary = await browser.http('POST', '/api/accounts', { serverId: 's0', username: 'alice', password: ALICE.password });
    expect([primary.status, primary.json.error.code]).toEqual([409, 'ACCOUNT_EXISTS']);
    expect((await browser.http('GET', '/api/accounts')).json).toHaveLength(1);

    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    const again = await browser.http('POST', '/api/accounts', { serverId: 's0', username: 'bob', password: BOB.password });
    expect([again.status, again.json.error.code]).toEqual([409, 'ACCOUNT_EXISTS']);
    const full = await browser.http('POST', '/api/accounts', { serverId: 's0', username: 'carol', password: CAROL.password });
    expect([full.status, full.json.error]).toEqual([409, { code: 'TOO_MANY_ACCOUNTS', limit: 2 }]);
    expect(((await browser.http('GET', '/api/accounts')).json as AccountInfo[]).map((a) => a.account)).toEqual([browser.account, bob.account]);

    const unauthenticated = new TestBrowser(bridge.url);
    expect((await unauthenticated.http('GET', '/api/accounts')).status).toBe(401);
    expect((await unauthenticated.http('POST', '/api/accounts', { serverId: 's0', username: 'bob', password: BOB.password })).status).toBe(401);
  });

  test('adding counts against the sign-in rate limits', async () => {
    const bridge = track(await startMailBridge({ users: [ALICE, BOB], bridge: { signInAttemptsPerUser: 2 } }));
    const { browser } = await bridge.open(ALICE);
    for (let i = 0; i < 2; i++) {
      expect((await browser.http('POST', '/api/accounts', { serverId: 's0', username: 'bob', password: `guess-${i}` })).json.error.code).toBe('AUTH_FAILED');
    }
    const limited = await browser.http('POST', '/api/accounts', { serverId: 's0', username: 'bob', password: BOB.password });
    expect([limited.status, limited.json.error.code]).toEqual([429, 'RATE_LIMITED']);
  });

  test('relabel, recolour; removing forgets the account, its cached mail and seen flags; the primary stays', async () => {
    const bridge = track(await startMailBridge({ users: [ALICE, BOB], mail: { alice: 1, bob: 2 } }));
    const { browser, tab } = await bridge.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    await accountState(tab, bob.account, 'ready');
    const list = await syncAccount(tab, bob.account);
    await tab.request({ type: 'markSeen', account: bob.account, keys: [...list.keys()], seen: true });

    const from = tab.events.length;
    const relabelled = await browser.http('PATCH', `/api/accounts/${bob.account}`, { label: 'Club', colour: '#112233' });
    expect(relabelled.json).toMatchObject({ account: bob.account, label: 'Club', colour: '#112233', state: 'ready' });
    await tab.next('accounts', (e) => e.items.some((i) => i.label === 'Club'), from);
    const primaryLabel = await browser.http('PATCH', `/api/accounts/${browser.account}`, { label: 'Work' });
    expect(primaryLabel.json).toMatchObject({ primary: true, label: 'Work' });
    expect((await browser.http('PATCH', `/api/accounts/${browser.account}`, { password: 'x' })).json.error.code).toBe('BAD_REQUEST');
    expect((await browser.http('PATCH', '/api/accounts/not-a-tag-of-mine', { label: 'x' })).json.error.code).toBe('NOT_FOUND');

    const removePrimary = await browser.http('DELETE', `/api/accounts/${browser.account}`);
    expect([removePrimary.status, removePrimary.json.error.code]).toEqual([409, 'ACCOUNT_IS_PRIMARY']);
    const dbFile = join(bridge.bridge.config.dataDir, 'popbridge.sqlite');
    const rows = () => {
      const db = new Database(dbFile, { readonly: true });
      try {
        return {
          messages: (db.prepare('SELECT count(*) AS n FROM messages WHERE account = ?').get(accountId('s0', 'bob')) as { n: number }).n,
          accounts: (db.prepare('SELECT count(*) AS n FROM added_accounts WHERE account = ?').get(accountId('s0', 'bob')) as { n: number }).n,
        };
      } finally {
        db.close();
      }
    };
    expect(rows()).toEqual({ messages: 2, accounts: 1 });
    const removedAt = tab.events.length;
    expect((await browser.http('DELETE', `/api/accounts/${bob.account}`)).status).toBe(204);
    const after = await tab.next('accounts', () => true, removedAt);
    expect(after.items.map((i) => i.account)).toEqual([browser.account]);
    expect(rows()).toEqual({ messages: 0, accounts: 0 });
    expect((await tab.request({ type: 'sync', account: bob.account })).error?.code).toBe('NOT_FOUND');
    expect((await browser.http('GET', `/api/accounts/${bob.account}/messages/${[...list.keys()][0]}/raw`)).status).toBe(404);

    // Gone for good: the next sign-in does not bring it back, and the labels stay.
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    expect(((await browser.http('GET', '/api/accounts')).json as AccountInfo[]).map((a) => [a.username, a.label])).toEqual([['alice', 'Work']]);
  });
});

describe('a person signed in from two browsers', () => {
  test('an account added, relabelled or removed in one shows in the other', async () => {
    const bridge = track(await startMailBridge({ users: [ALICE, BOB], mail: { alice: 1, bob: 2 } }));
    const home = (await bridge.open(ALICE)).browser;
    const { browser: work, tab: workTab } = await bridge.open(ALICE);
    const bob = await addAccount(home, 's0', BOB.username, BOB.password);
    await accountState(workTab, bob.account, 'ready');
    expect((await syncAccount(workTab, bob.account)).size).toBe(2);
    expect((await home.http('PATCH', `/api/accounts/${bob.account}`, { label: 'Club' })).status).toBe(200);
    await workTab.next('accounts', (e) => e.items.some((i) => i.label === 'Club'));
    expect((await home.http('DELETE', `/api/accounts/${bob.account}`)).status).toBe(204);
    await workTab.next('accounts', (e) => e.items.length === 1);
    expect(((await work.http('GET', '/api/accounts')).json as AccountInfo[]).map((a) => a.username)).toEqual(['alice']);
    // Both sessions let go of it: its connection quits.
    await waitFor(() => !bridge.pop.maildrop('bob').locked, 'bob\'s QUIT', 3000);
  });
});

/** A TCP relay to a POP3 server that can be made to swallow new connections (a server that never greets). */
async function relayTo(port: number): Promise<{ port: number; silent: boolean; drop: boolean; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const relay = {
    port: 0, silent: false, drop: false, connections: 0,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    relay.connections++;
    if (relay.drop) { client.destroy(); return; }
    if (relay.silent) return;
    const up = connect(port, '127.0.0.1');
    sockets.add(up);
    client.pipe(up).pipe(client);
    const end = () => { client.destroy(); up.destroy(); };
    up.on('error', end); client.on('error', end); up.on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  relay.port = (server.address() as { port: number }).port;
  return relay;
}

describe('accounts are independent', () => {
  test('an added account whose server does not answer never delays the primary\'s sign-in or another account', async () => {
    const slowPop = track(await startMailServer({ users: [BOB], mail: { bob: 1 } }));
    const pop = track(await startMailServer({ users: [ALICE, CAROL], mail: { alice: 2, carol: 3 } }));
    const relay = track(await relayTo(slowPop.port));
    const bridge = track(await startBridge([{ host: pop.host, port: pop.port }, { host: '127.0.0.1', port: relay.port }], {
      pop3Timeouts: { connectTimeoutMs: 5000, greetingTimeoutMs: 4000, commandTimeoutMs: 4000 }, idleCloseSeconds: 1,
    }));
    const browser = new TestBrowser(bridge.url);
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    const bob = await addAccount(browser, 's1', BOB.username, BOB.password);
    const carol = await addAccount(browser, 's0', CAROL.username, CAROL.password);
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);

    relay.silent = true;
    const started = Date.now();
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    const tab = await browser.tab();
    try {
      const ready = await accountState(tab, carol.account, 'ready', 3000);
      expect(ready.state).toBe('ready');
      expect((await syncAccount(tab, carol.account)).size).toBe(3);
      expect((await syncAccount(tab, browser.account)).size).toBe(2);
      expect(Date.now() - started).toBeLessThan(3500);
      expect((await browser.http('GET', '/api/accounts')).json.find((a: AccountInfo) => a.account === bob.account).state).toBe('signingIn');
      const failed = await pollState(browser, bob.account, 'error', 15_000);
      expect(failed.error?.code).toBe('TIMEOUT');
      expect((await tab.request({ type: 'sync', account: bob.account })).error?.code).toBe('ACCOUNT_NOT_READY');

      // Its server answers again: a Refresh of that account signs it in.
      relay.silent = false;
      await tab.request({ type: 'sync', account: bob.account });
      await accountState(tab, bob.account, 'ready', 15_000);
      expect((await syncAccount(tab, bob.account)).size).toBe(1);
    } finally {
      await tab.close();
    }
  });
});

describe('Refresh of a failed account', () => {
  test('logs in again no more often than a refresh may, however many Refreshes arrive', async () => {
    const pop = track(await startMailServer({ users: [ALICE, BOB], mail: { alice: 1, bob: 1 } }));
    const relay = track(await relayTo(pop.port));
    const bridge = track(await startBridge([{ host: pop.host, port: pop.port }, { host: '127.0.0.1', port: relay.port }], {
      minRefreshIntervalSeconds: 60,
    }));
    const browser = new TestBrowser(bridge.url);
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    const bob = await addAccount(browser, 's1', BOB.username, BOB.password);
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);

    relay.drop = true;
    relay.connections = 0;
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    await pollState(browser, bob.account, 'error', 10_000);
    const tab = await browser.tab();
    try {
      for (let i = 0; i < 10; i++) {
        await tab.request({ type: 'sync', account: bob.account });
        await pollState(browser, bob.account, 'error', 10_000);
      }
      // The sign-in's own attempt and one Refresh: the other nine came within the minimum refresh interval.
      expect(relay.connections).toBe(2);
    } finally {
      await tab.close();
    }
  });
});
