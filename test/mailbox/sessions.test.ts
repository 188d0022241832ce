import { afterEach, describe, expect, test } from 'vitest';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import type { Variation } from '../../server/pop3-server/index.ts';
import { expireZero, noTop, noUidl, combine, noCapa } from '../fixtures/quirks.ts';
import { TestBrowser } from '../server/client.ts';
import { startBridge } from '../server/harness.ts';
import { testMessage } from '../server/mail.ts';

const ALICE = { username: 'alice', password: 'pw-alice' };
const BOB = { username: 'bob', password: 'pw-bob' };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

const mail = (count: number, uidPrefix = 'uid') =>
  Array.from({ length: count }, (_, i) => ({ bytes: testMessage(i + 1), uid: `${uidPrefix}-${i + 1}` }));

async function server(count: number, variation?: Variation, uidPrefix = 'uid'): Promise<Pop3Server> {
  const p = await startPop3Server({ users: [ALICE, BOB], maildrops: { alice: { messages: mail(count, uidPrefix) }, bob: { messages: mail(2) } }, ...(variation ? { variation } : {}) });
  cleanup.push(() => p.close());
  return p;
}

async function bridge(p: Pop3Server, overrides = {}, extra: Record<string, unknown> = {}) {
  const b = await startBridge([{ host: p.host, port: p.port, ...extra }], { deleteGraceSeconds: 3600, ...overrides });
  cleanup.push(() => b.stop());
  return b;
}

async function signedInTab(url: string, user = ALICE) {
  const browser = new TestBrowser(url);
  const res = await browser.signIn('s0', user.username, user.password);
  expect(res.status).toBe(200);
  const tab = await browser.tab();
  cleanup.push(() => tab.close());
  return { browser, tab };
}

const tops = (p: Pop3Server) => p.transcript.filter((l) => l.startsWith('TOP'));

describe('mailbox sessions', () => {
  test('a second visit fetches summaries only for new messages (cache by unique-id)', async () => {
    const p = await server(20);
    const b = await bridge(p);
    const first = await signedInTab(b.url);
    expect((await first.tab.sync()).keys).toHaveLength(20);
    expect(tops(p)).toHaveLength(20);
    // TOP runs newest first.
    expect(tops(p)[0]).toBe('TOP 20 0');
    await first.browser.http('DELETE', '/api/session');
    p.deliver('alice', testMessage(21), { uid: 'uid-21' });
    const second = await signedInTab(b.url);
    const listing = await second.tab.sync();
    expect(listing.keys).toHaveLength(21);
    expect(tops(p)).toEqual([...tops(p).slice(0, 20), 'TOP 21 0']);
    expect(listing.summaries.get(listing.keys[0]!).subject).toBe('Message 21');
  });

  test('one POP3 connection per account, shared by tabs and by a second browser signing in', async () => {
    const p = await server(3);
    const b = await bridge(p);
    const one = await signedInTab(b.url);
    await one.tab.sync();
    const two = await signedInTab(b.url);
    const replay = await two.tab.sync();
    expect(replay.keys).toHaveLength(3);
    expect(p.connections).toBe(1);
    // A wrong password for the live account is still refused.
    const wrong = await new TestBrowser(b.url).signIn('s0', 'alice', 'nope');
    expect(wrong.status).toBe(401);
    // ...without disturbing the live connection.
    expect(p.maildrop('alice').locked).toBe(true);
    expect((await two.tab.sync()).keys).toHaveLength(3);
  });

  test('servers without UIDL get fingerprint keys; deletes still hit exactly the chosen message', async () => {
    const p = await server(4, noUidl);
    const b = await bridge(p);
    const { tab } = await signedInTab(b.url);
    const listing = await tab.sync();
    expect(listing.keys).toHaveLength(4);
    expect(listing.keys.every((k) => k.startsWith('f'))).toBe(true);
    const key3 = listing.keys.find((k) => listing.summaries.get(k).subject === 'Message 3')!;
    await tab.request({ type: 'delete', keys: [key3] });
    const commit = await tab.request({ type: 'commitDeletes' });
    expect(commit.result.committed).toEqual([key3]);
    expect(p.maildrop('alice').messages.map((m) => m.uid)).toEqual(['uid-1', 'uid-2', 'uid-4']);
  });

  test('servers without TOP (and without CAPA) still list, via RETR keeping only the headers', async () => {
    const p = await server(3, combine(noTop, noCapa));
    const b = await bridge(p);
    const { tab } = await signedInTab(b.url);
    const listing = await tab.sync();
    expect(listing.keys.map((k) => listing.summaries.get(k).subject)).toEqual(['Message 3', 'Message 2', 'Message 1']);
  });

  test('EXPIRE 0 is announced before anything is opened', async () => {
    const p = await server(2, expireZero);
    const b = await bridge(p);
    const { tab } = await signedInTab(b.url);
    await tab.sync();
    const notice = await tab.next('mailboxNotice');
    expect(notice.notice).toBe('EXPIRE_ON_READ');
    const noticeAt = tab.events.indexOf(notice);
    const firstSummary = tab.events.findIndex((e) => e.type === 'summaries');
    expect(noticeAt).toBeLessThan(firstSummary);
  });

  test('when most unique-ids change at once, seen flags carry over by Message-ID and size and nothing counts as new', async () => {
    const p1 = await server(10, undefined, 'old');
    const b = await bridge(p1);
    const s1 = await signedInTab(b.url);
    const l1 = await s1.tab.sync();
    const seenKeys = l1.keys.slice(0, 3);
    await s1.tab.request({ type: 'markSeen', keys: seenKeys, seen: true });
    const seenSubjects = seenKeys.map((k) => l1.summaries.get(k).subject).sort();
    await s1.browser.http('DELETE', '/api/session');
    // The same mail on a "migrated" server: every unique-id differs. Same bridge data dir, same server id.
    await p1.close();
    const p2 = await startPop3Server({ users: [ALICE], port: p1.port, maildrops: { alice: { messages: mail(10, 'new') } } });
    cleanup.push(() => p2.close());
    const s2 = await signedInTab(b.url);
    const from = s2.tab.events.length;
    const l2 = await s2.tab.sync(true);
    const nowSeen = l2.keys.filter((k) => l2.summaries.get(k).seen).map((k) => l2.summaries.get(k).subject).sort();
    expect(nowSeen).toEqual(seenSubjects);
    expect(s2.tab.events.slice(from).some((e) => e.type === 'newMail')).toBe(false);
  });

  test('the per-server connection cap queues another account until a connection in use is released', async () => {
    const p = await server(2);
    const b = await bridge(p, {}, { maxConnections: 1 });
    const a = await signedInTab(b.url);
    const { keys } = await a.tab.sync();
    // A delete in its Undo window keeps alice's connection in use (an idle one would give way at once).
    await a.tab.request({ type: 'delete', keys: [keys[0]!] });
    const bob = new TestBrowser(b.url);
    let settled = false;
    const bobSignIn = bob.signIn('s0', BOB.username, BOB.password).finally(() => { settled = true; });
    // Round trips through the bridge while bob waits: he has not reached the POP3 server.
    for (let i = 0; i < 5; i++) expect((await a.tab.request({ type: 'ping' })).result).toBeTruthy();
    expect(settled).toBe(false);
    expect(p.connections).toBe(1);
    await a.browser.http('DELETE', '/api/session');
    const res = await bobSignIn;
    expect(res.status).toBe(200);
    expect(p.connections).toBe(2);
    expect(p.maildrop('alice').locked).toBe(false);
  });

  test('an expired session tells its tabs, closes them and ends the mailbox', async () => {
    const p = await server(2);
    const b = await bridge(p, { sessionLifetimeSeconds: 1 });
    const { browser, tab } = await signedInTab(b.url);
    await tab.sync();
    await tab.next('sessionExpired', () => true, 0, 10_000);
    await new Promise<void>((r) => (tab.closed ? r() : tab.ws.once('close', () => r())));
    expect((await browser.http('GET', '/api/session')).status).toBe(401);
    expect(p.maildrop('alice').locked).toBe(false);
  });

  test('a tab waiting for a capped connection gets queued progress, then its listing', async () => {
    const p = await server(3);
    const b = await bridge(p, {}, { maxConnections: 1 });
    const a = await signedInTab(b.url);
    const { keys } = await a.tab.sync();
    const bob = new TestBrowser(b.url);
    const bobSignIn = bob.signIn('s0', BOB.username, BOB.password);
    // Alice's commit ends her connection with QUIT; bob, queued, takes the only slot.
    await a.tab.request({ type: 'delete', keys: [keys[0]!] });
    expect((await a.tab.request({ type: 'commitDeletes' })).result.committed).toEqual([keys[0]]);
    expect((await bobSignIn).status).toBe(200);
    const from = a.tab.events.length;
    const refresh = a.tab.sync(true);
    const queued = await a.tab.next('syncProgress', (e) => e.phase === 'queued', from);
    expect(queued.queuePosition).toBe(1);
    await bob.http('DELETE', '/api/session');
    expect((await refresh).keys).toEqual(keys.slice(1));
  });

  test('a refresh within LOGIN-DELAY keeps the current connection and says how long to wait', async () => {
    const p = await server(2, { name: 'announcesLoginDelay', capabilities: (lines) => [...lines, 'LOGIN-DELAY 900'] });
    const b = await bridge(p);
    const { tab } = await signedInTab(b.url);
    await tab.sync();
    const from = tab.events.length;
    const again = await tab.sync(true);
    expect(again.keys).toHaveLength(2);
    const notice = await tab.next('mailboxNotice', (e) => e.notice === 'LOGIN_DELAY', from);
    expect(notice.seconds).toBeGreaterThan(800);
    expect(p.connections).toBe(1);
  });
});
