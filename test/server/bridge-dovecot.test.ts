import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { TestBrowser } from './client.ts';
import { startBridge } from './harness.ts';
import { testMessage } from './mail.ts';

const COUNT = 1000;
const USER = { username: 'alice', password: 'alice-secret-1' };

describe('bridge against Dovecot: sign in, list, open, mark seen, delete, refresh, sign out', () => {
  let dovecot: Dovecot;
  let bridge: Awaited<ReturnType<typeof startBridge>>;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [USER] });
    for (let n = 1; n <= COUNT; n++) await dovecot.deliver(USER.username, testMessage(n));
    bridge = await startBridge([{ host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem }]);
  }, 180_000);

  afterAll(async () => {
    await bridge?.stop();
    await dovecot?.stop();
  });

  test('the whole path, over implicit TLS with the server certificate verified', async () => {
    const browser = new TestBrowser(bridge.url);
    const wrong = await browser.signIn('s0', USER.username, 'wrong-password');
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('AUTH_FAILED');
    expect(browser.cookie).toBe('');

    const signIn = await browser.signIn('s0', USER.username, USER.password);
    expect(signIn.status).toBe(200);
    expect(signIn.json).toEqual({ username: 'alice', serverId: 's0', account: browser.account, canSend: false });
    expect(browser.account).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(signIn.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(signIn.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);

    const tab = await browser.tab();
    const started = performance.now();
    const listing = await tab.sync();
    const elapsed = performance.now() - started;
    console.log(`listed ${listing.keys.length} messages from Dovecot in ${elapsed.toFixed(0)} ms`);
    expect(listing.keys).toHaveLength(COUNT);
    const first = listing.summaries.get(listing.keys[0]!);
    expect(first.subject).toBe(`Message ${COUNT}`);
    expect(listing.summaries.get(listing.keys[COUNT - 1]!).subject).toBe('Message 1');
    expect(first.from).toEqual({ name: `Sender ${COUNT}`, address: `sender${COUNT}@example.test` });
    expect(tab.invalid).toEqual([]);

    // Open message 500: the bytes are the maildir file's.
    const files = await dovecot.messageFiles(USER.username);
    const key500 = listing.keys[COUNT - 500]!;
    expect(listing.summaries.get(key500).subject).toBe('Message 500');
    const raw = await browser.http('GET', browser.rawPath(key500));
    expect(raw.status).toBe(200);
    expect(Buffer.from(raw.bytes).equals(files[499]!.bytes)).toBe(true);
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(raw.headers.get('content-security-policy')).toBe('sandbox');
    expect(raw.headers.get('x-content-type-options')).toBe('nosniff');

    // Mark seen: the reply, the event to every tab, and a new tab sees it from the store.
    const seen = await tab.request({ type: 'markSeen', keys: [key500], seen: true });
    expect(seen.result).toEqual({ keys: [key500] });
    await tab.next('seenChanged', (e) => e.keys.includes(key500) && e.seen);
    const tab2 = await browser.tab();
    const replay = await tab2.sync();
    expect(replay.keys).toEqual(listing.keys);
    expect(replay.summaries.get(key500).seen).toBe(true);
    expect(replay.summaries.get(listing.keys[0]!).seen).toBe(false);

    // Delete three: exactly those three files go.
    const doomed = [listing.keys[0]!, listing.keys[10]!, listing.keys[999]!];
    const doomedSubjects = doomed.map((k) => listing.summaries.get(k).subject);
    const del = await tab.request({ type: 'delete', keys: doomed });
    expect(del.result.pending.sort()).toEqual([...doomed].sort());
    await tab2.next('deletionPending', (e) => e.keys.length === 3);
    const commit = await tab.request({ type: 'commitDeletes' });
    expect(commit.result.committed.sort()).toEqual([...doomed].sort());
    expect(commit.result.failed).toEqual([]);
    await tab2.next('deletionCommitted', (e) => e.keys.length === 3);
    const after = await dovecot.messageFiles(USER.username);
    expect(after).toHaveLength(COUNT - 3);
    const remaining = new Set(after.map((f) => /Subject: (.*)\r\n/.exec(f.bytes.toString())![1]));
    for (const s of doomedSubjects) expect(remaining.has(s)).toBe(false);
    expect(remaining.size).toBe(COUNT - 3);

    // Refresh: a new connection sees new mail; the cache means only new messages are fetched.
    await dovecot.deliver(USER.username, testMessage(1001));
    await dovecot.deliver(USER.username, testMessage(1002));
    const from = tab.events.length;
    const refreshStarted = performance.now();
    const refreshed = await tab.sync(true);
    console.log(`refreshed ${refreshed.keys.length} messages (2 new, the rest from the cache) in ${(performance.now() - refreshStarted).toFixed(0)} ms`);
    expect(refreshed.keys).toHaveLength(COUNT - 3 + 2);
    expect(refreshed.summaries.get(refreshed.keys[0]!).subject).toBe('Message 1002');
    expect(refreshed.summaries.get(key500).seen).toBe(true);
    const newMail = await tab.next('newMail', () => true, from);
    expect(newMail.count).toBe(2);

    // Sign out: sockets told and closed, cookie no longer works.
    const out = await browser.http('DELETE', '/api/session');
    expect(out.status).toBe(204);
    await tab.next('sessionExpired');
    await tab2.next('sessionExpired');
    const again = await browser.http('GET', browser.rawPath(key500));
    expect(again.status).toBe(401);
    await expect(browser.tab()).rejects.toMatchObject({ status: 401 });
  }, 180_000);
});
