import { describe, expect, test } from 'vitest';
import { TestBrowser } from './client.ts';
import { startBridge, startMailServer, stopAfterEach, startMailBridge } from './harness.ts';
import { testMessage } from './mail.ts';
import { accountState, addAccount, keyOf, syncAccount } from './accounts-support.ts';

const ALICE = { username: 'alice', password: 'pw-alice' };
const BOB = { username: 'bob', password: 'pw-bob' };
const CAROL = { username: 'carol', password: 'pw-carol' };

/** Three messages with the same unique-ids in every mailbox; the bytes say whose they are. */
const shared = (who: string) => [1, 2, 3].map((n) => ({ bytes: testMessage(n, ` for ${who}`), uid: `shared-${n}` }));
const uids = (drop: { messages: ReadonlyArray<{ uid: string }> }) => drop.messages.map((m) => m.uid);

const track = stopAfterEach();

describe('two accounts whose messages have equal unique-ids', () => {
  test('on one server: a delete for one account removes exactly that message from exactly its maildrop', async () => {
    const bridge = track(await startMailBridge({
      users: [ALICE, BOB, CAROL],
      mail: { alice: shared('alice'), bob: [...shared('bob'), { bytes: testMessage(4, ' only bob'), uid: 'bob-only' }], carol: 1 },
      bridge: { deleteGraceSeconds: 3600 },
    }));
    const { browser, tab } = await bridge.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    expect(bob).toMatchObject({ username: 'bob', primary: false, state: 'ready' });
    await accountState(tab, bob.account, 'ready');

    const aliceList = await syncAccount(tab, browser.account);
    const bobList = await syncAccount(tab, bob.account);
    const aliceKey = keyOf(aliceList, 'Message 2 for alice');
    const bobKey = keyOf(bobList, 'Message 2 for bob');
    expect(bobKey).toBe(aliceKey); // equal UIDLs, equal keys: only the account tells them apart
    expect(tab.events.filter((e) => e.type === 'summaries' && e.account === bob.account)
      .flatMap((e) => (e.type === 'summaries' ? e.items : [])).some((s) => s.subject.includes('for alice'))).toBe(false);

    const deleted = await tab.request({ type: 'delete', account: bob.account, keys: [bobKey] });
    expect(deleted.result.pending).toEqual([bobKey]);
    const pending = await tab.next('deletionPending', (e) => e.keys.length > 0);
    expect(pending.account).toBe(bob.account);
    const committed = await tab.request({ type: 'commitDeletes', account: bob.account });
    expect(committed.result).toEqual({ committed: [bobKey], failed: [] });
    expect(uids(bridge.pop.maildrop('bob'))).toEqual(['shared-1', 'shared-3', 'bob-only']);
    expect(uids(bridge.pop.maildrop('alice'))).toEqual(['shared-1', 'shared-2', 'shared-3']);

    // A message only bob has, asked for under alice's tag, is not served (nor is bob's copy of a shared key).
    const bobOnly = keyOf(bobList, 'Message 4 only bob');
    const wrong = await browser.http('GET', `/api/accounts/${browser.account}/messages/${bobOnly}/raw`);
    expect(wrong.status).toBe(404);
    expect(Buffer.from(wrong.bytes).toString()).not.toContain('only bob');
    const right = await browser.http('GET', `/api/accounts/${bob.account}/messages/${bobOnly}/raw`);
    expect(right.status).toBe(200);
    expect(Buffer.from(right.bytes).toString()).toContain('Message 4 only bob');
    const aliceCopy = await browser.http('GET', `/api/accounts/${browser.account}/messages/${keyOf(aliceList, 'Message 1 for alice')}/raw`);
    expect(Buffer.from(aliceCopy.bytes).toString()).toContain('for alice');

    // Another person's session cannot name bob's account: not over HTTP, not over the socket.
    const other = new TestBrowser(bridge.url);
    expect((await other.signIn('s0', CAROL.username, CAROL.password)).status).toBe(200);
    const foreign = await other.http('GET', `/api/accounts/${bob.account}/messages/${bobOnly}/raw`);
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe('NOT_FOUND');
    const otherTab = await other.tab();
    const refused = await otherTab.request({ type: 'delete', account: bob.account, keys: [bobOnly] });
    expect(refused.error?.code).toBe('NOT_FOUND');
    await otherTab.request({ type: 'commitDeletes' });
    await otherTab.close();
    expect(uids(bridge.pop.maildrop('bob'))).toContain('bob-only');
  });

  test('on two servers with the same user name: the delete goes to the chosen server only', async () => {
    const one = track(await startMailServer({ users: [ALICE], mail: { alice: shared('server one') } }));
    const two = track(await startMailServer({ users: [ALICE], mail: { alice: shared('server two') } }));
    const bridge = track(await startBridge([{ host: one.host, port: one.port }, { host: two.host, port: two.port }], { deleteGraceSeconds: 3600 }));
    const browser = new TestBrowser(bridge.url);
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    const tab = await browser.tab();
    try {
      const second = await addAccount(browser, 's1', ALICE.username, ALICE.password);
      expect(second.account).not.toBe(browser.account);
      await accountState(tab, second.account, 'ready');
      const list = await syncAccount(tab, second.account);
      const key = keyOf(list, 'Message 1 for server two');
      await syncAccount(tab, browser.account);
      await tab.request({ type: 'delete', account: second.account, keys: [key] });
      expect((await tab.request({ type: 'commitDeletes', account: second.account })).result.committed).toEqual([key]);
      expect(uids(two.maildrop('alice'))).toEqual(['shared-2', 'shared-3']);
      expect(uids(one.maildrop('alice'))).toEqual(['shared-1', 'shared-2', 'shared-3']);
    } finally {
      await tab.close();
    }
  });
});
