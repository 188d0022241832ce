import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestBrowser, type Tab } from './client.ts';
import { startMailBridge, type MailBridge } from './harness.ts';
import { testMessage } from './mail.ts';

const ALICE = { username: 'alice', password: 'pw-alice' };
const BOB = { username: 'bob', password: 'pw-bob' };

describe('WebSocket route', () => {
  let bridge: MailBridge;
  let alice: TestBrowser;
  let bob: TestBrowser;
  let bobTab: Tab;
  let bobKeys: string[];

  beforeAll(async () => {
    const mail = (who: string) => [1, 2, 3].map((n) => ({ bytes: testMessage(n, ` for ${who}`), uid: `${who}-${n}` }));
    bridge = await startMailBridge({ users: [ALICE, BOB], mail: { alice: mail('alice'), bob: mail('bob') }, bridge: { deleteGraceSeconds: 3600 } });
    alice = new TestBrowser(bridge.url);
    expect((await alice.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    ({ browser: bob, tab: bobTab, listing: { keys: bobKeys } } = await bridge.signIn(BOB));
  });

  afterAll(async () => {
    await bridge?.stop();
  });

  test('an upgrade from a foreign Origin is refused with 403', async () => {
    await expect(alice.tab('https://evil.example')).rejects.toMatchObject({ status: 403 });
    await expect(alice.tab(bridge.url.replace('127.0.0.1', 'localhost'))).rejects.toMatchObject({ status: 403 });
  });

  test('an upgrade without Origin or without a session is refused', async () => {
    const noOrigin = new WebSocket(bridge.url.replace('http', 'ws') + '/api/ws', { headers: { cookie: alice.cookie } });
    const status = await new Promise<number>((resolve) => {
      noOrigin.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      noOrigin.once('open', () => resolve(101));
    });
    expect(status).toBe(403);
    await expect(new TestBrowser(bridge.url).tab()).rejects.toMatchObject({ status: 401 });
  });

  test('broken frames get an error reply and the socket stays open', async () => {
    const tab = await alice.tab();
    try {
      tab.ws.send('not json');
      const notJson = await tab.next('reply' as never, (e: any) => e.error?.code === 'BAD_REQUEST' && e.id === null);
      expect(notJson).toBeTruthy();
      const bad = await tab.send({ type: 'markSeen', keys: 'nope', seen: 1 });
      expect(bad.error?.code).toBe('BAD_REQUEST');
      const unknown = await tab.send({ type: 'format-disk' });
      expect(unknown.error?.code).toBe('BAD_REQUEST');
      // Over the soft limit the frame is not parsed at all: answered with id null.
      tab.ws.send(JSON.stringify({ type: 'ping', id: 'big', pad: 'x'.repeat(70 * 1024) }));
      await tab.next('reply' as never, (e: any) => e.error?.code === 'FRAME_TOO_LARGE');
      const ping = await tab.request({ type: 'ping' });
      expect(typeof ping.result.now).toBe('number');
    } finally {
      await tab.close();
    }
  }, 20_000);

  test('a frame over the hard limit closes only that socket', async () => {
    const tab = await alice.tab();
    tab.ws.send('x'.repeat(2 * 1024 * 1024));
    await new Promise<void>((r) => tab.ws.once('close', () => r()));
    const again = await alice.tab();
    expect((await again.request({ type: 'ping' })).result).toBeTruthy();
    await again.close();
  });

  test('property: random and malformed frames never crash the server nor disturb another user', async () => {
    const tab = await alice.tab();
    await tab.sync();
    const types = ['sync', 'markSeen', 'delete', 'undoDelete', 'commitDeletes', 'ping', 'reply', '__proto__', 'constructor'];
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.record({
        type: fc.constantFrom(...types),
        id: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.constant(null)),
        keys: fc.oneof(fc.array(fc.string({ maxLength: 40 }), { maxLength: 5 }), fc.constant(bobKeys), fc.anything()),
        seen: fc.anything(),
        refresh: fc.anything(),
      }, { requiredKeys: ['type'] }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(fc.asyncProperty(frame, async (f) => {
      tab.ws.send(f);
      const ping = await tab.request({ type: 'ping' }, 10_000);
      expect(typeof ping.result?.now).toBe('number');
    }), { numRuns: 150 });

    // Nothing crashed: the app answers, alice's socket is open, bob's session is untouched.
    expect((await alice.http('GET', '/api/health')).status).toBe(200);
    expect(tab.closed).toBe(false);
    const bobPing = await bobTab.request({ type: 'ping' });
    expect(bobPing.result).toBeTruthy();
    const bobList = await bobTab.sync();
    expect(bobList.keys).toEqual(bobKeys);
    // Alice's frames named Bob's keys: they must not touch Bob's mailbox, and nothing was deleted.
    await tab.request({ type: 'commitDeletes' });
    expect(bridge.pop.maildrop('bob').messages).toHaveLength(3);
    expect(bridge.pop.maildrop('alice').messages).toHaveLength(3);
    expect(bobList.keys.every((k) => bobList.summaries.get(k).seen === false)).toBe(true);
    await tab.close();
  }, 120_000);
});
