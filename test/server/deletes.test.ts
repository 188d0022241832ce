import { describe, expect, test } from 'vitest';
import type { Pop3Server, Variation } from '../../server/pop3-server/index.ts';
import { Pop3Client } from '../../server/pop3-client/client.ts';
import { dropAfterQuitBeforeReply, dropBeforeUpdate, duplicateUids } from '../fixtures/quirks.ts';
import type { Summaries, Tab } from './client.ts';
import { ALICE, startMailBridge, stopAfterEach } from './harness.ts';
import { testMessage } from './mail.ts';
import { waitFor } from './wait.ts';

const USER = ALICE;
const track = stopAfterEach();

/** A signed-in tab over `count` test messages, with the server's quirk; the undo window never ends by itself. */
async function setup(count: number, variation?: Variation, idleCloseSeconds = 60) {
  const { pop, signIn } = track(await startMailBridge({
    mail: { alice: count }, ...(variation ? { variation } : {}), bridge: { idleCloseSeconds, deleteGraceSeconds: 3600 },
  }));
  const { browser, tab, listing } = await signIn();
  const subjectOf = (key: string): string => listing.summaries.get(key).subject;
  const keyOf = (subject: string): string => listing.keys.find((k) => subjectOf(k) === subject)!;
  return { pop, browser, tab, listing, keyOf, subjectOf, remaining: () => subjectsOn(pop) };
}

/** Subjects of the messages left in alice's maildrop, in order. */
function subjectsOn(pop: Pop3Server): string[] {
  return pop.maildrop('alice').messages.map((m) => /Subject: (.*)\r\n/.exec(m.bytes.toString())![1]!);
}

async function deleteAndCommit(tab: Tab, keys: string[]) {
  const d = await tab.request({ type: 'delete', keys });
  expect(d.error).toBeUndefined();
  return tab.request({ type: 'commitDeletes' });
}

/** Another POP3 client (a phone) deletes message `msg` by number in its own connection. */
async function otherClientDeletes(pop: Pop3Server, msg: number): Promise<void> {
  const c = await Pop3Client.connect({ host: pop.host, port: pop.port, security: 'plain' });
  await c.login(USER);
  await c.dele(msg);
  await c.quit();
}

describe('exact deletes', () => {
  test('another client deletes message 1 between our connections; deleting what was message 3 removes exactly that one', async () => {
    const s = await setup(5, undefined, 1);
    const key3 = s.keyOf('Message 3');
    await waitFor(() => !s.pop.maildrop('alice').locked, 'the idle QUIT of our first connection');
    await otherClientDeletes(s.pop, 1);
    expect(s.remaining()).toEqual(['Message 2', 'Message 3', 'Message 4', 'Message 5']);

    const before = s.pop.transcript.length;
    const commit = await deleteAndCommit(s.tab, [key3]);
    expect(commit.result).toEqual({ committed: [key3], failed: [] });
    expect(s.remaining()).toEqual(['Message 2', 'Message 4', 'Message 5']);
    // The number came from the new connection's own listing: message 3 is now number 2.
    const ours = s.pop.transcript.slice(before);
    expect(ours.filter((l) => l.startsWith('DELE'))).toEqual(['DELE 2']);
    // The bridge told the tab that message 1 is gone too.
    await s.tab.next('removed', (e) => e.keys.includes(s.keyOf('Message 1')));
  });

  test('the idle close of the POP3 connection does not cut the undo window short', async () => {
    const s = await setup(3, undefined, 1);
    const key = s.keyOf('Message 2');
    expect((await s.tab.request({ type: 'delete', keys: [key] })).error).toBeUndefined();
    await waitFor(() => !s.pop.maildrop('alice').locked, 'the idle QUIT');
    expect((await s.tab.request({ type: 'undoDelete', keys: [key] })).result).toEqual({ restored: [key] });
    expect(s.pop.transcript.some((l) => l.startsWith('DELE'))).toBe(false);
    expect(s.remaining()).toEqual(['Message 1', 'Message 2', 'Message 3']);
  });

  test('undo before the commit sends no DELE at all', async () => {
    const s = await setup(3);
    const key = s.keyOf('Message 2');
    await s.tab.request({ type: 'delete', keys: [key] });
    const undo = await s.tab.request({ type: 'undoDelete', keys: [key] });
    expect(undo.result).toEqual({ restored: [key] });
    const commit = await s.tab.request({ type: 'commitDeletes' });
    expect(commit.result).toEqual({ committed: [], failed: [] });
    expect(s.pop.transcript.some((l) => l.startsWith('DELE'))).toBe(false);
    expect(s.remaining()).toEqual(['Message 1', 'Message 2', 'Message 3']);
  });

  test('the server commits and drops the connection before answering QUIT: the next UIDL list settles it as committed', async () => {
    const s = await setup(4, dropAfterQuitBeforeReply);
    const key = s.keyOf('Message 2');
    const from = s.tab.events.length;
    const commit = await deleteAndCommit(s.tab, [key]);
    expect(commit.result.failed).toEqual([]);
    const settled = await s.tab.next('deletionCommitted', (e) => e.keys.includes(key), from);
    expect(settled.keys).toEqual([key]);
    expect(s.remaining()).toEqual(['Message 1', 'Message 3', 'Message 4']);
  });

  test('the connection drops after QUIT is sent, before the update: the next UIDL list reports the delete as failed and nothing goes', async () => {
    const s = await setup(4, dropBeforeUpdate);
    const key = s.keyOf('Message 2');
    const from = s.tab.events.length;
    const commit = await deleteAndCommit(s.tab, [key]);
    expect(commit.result.committed).toEqual([]);
    const failed = await s.tab.next('deletionFailed', (e) => e.keys.includes(key), from);
    expect(failed.error.code).toBe('CONNECTION_CLOSED');
    expect(s.remaining()).toEqual(['Message 1', 'Message 2', 'Message 3', 'Message 4']);
  });

  test('two tabs delete the same message: one DELE, exactly that message goes', async () => {
    const s = await setup(4);
    const tab2 = await s.browser.tab();
    track(tab2);
    await tab2.sync();
    const key = s.keyOf('Message 3');
    const [a, b] = await Promise.all([
      s.tab.request({ type: 'delete', keys: [key] }),
      tab2.request({ type: 'delete', keys: [key] }),
    ]);
    expect(a.result.pending).toEqual([key]);
    expect(b.result.pending).toEqual([key]);
    const [c1, c2] = await Promise.all([s.tab.request({ type: 'commitDeletes' }), tab2.request({ type: 'commitDeletes' })]);
    expect([...c1.result.committed, ...c2.result.committed]).toEqual([key]);
    expect(s.pop.transcript.filter((l) => l.startsWith('DELE'))).toEqual(['DELE 3']);
    expect(s.remaining()).toEqual(['Message 1', 'Message 2', 'Message 4']);
    // A late delete of the gone key from the other tab is refused, not mapped to anything else.
    const late = await tab2.request({ type: 'delete', keys: [key] });
    expect(late.error?.code).toBe('MESSAGE_GONE');
  });

  test('duplicate unique-ids (C0041): distinct keys; a delete in the same connection hits the chosen occurrence', async () => {
    const s = await setup(2, duplicateUids);
    expect(s.listing.keys).toHaveLength(4);
    const twins = s.listing.keys.filter((k) => s.subjectOf(k) === 'Twin');
    expect(twins).toHaveLength(2);
    expect(new Set(twins).size).toBe(2);
    const commit = await deleteAndCommit(s.tab, [twins[0]!]);
    expect(commit.result.committed).toEqual([twins[0]]);
    expect(s.remaining()).toEqual(['Message 1', 'Message 2', 'Twin']);
    // twins[0] is the newest-first first, i.e. the later occurrence: message 4.
    expect(s.pop.transcript.filter((l) => l.startsWith('DELE'))).toEqual(['DELE 4']);
  });

  test('duplicate unique-ids changed by another client between connections: the delete is refused, nothing goes', async () => {
    const s = await setup(2, duplicateUids, 1);
    const twins = s.listing.keys.filter((k) => s.subjectOf(k) === 'Twin');
    await waitFor(() => !s.pop.maildrop('alice').locked, 'the idle QUIT of our first connection');
    await otherClientDeletes(s.pop, 3); // the first twin
    const from = s.tab.events.length;
    const commit = await deleteAndCommit(s.tab, [twins[1]!]); // the first twin's key... whose twin group changed
    expect(commit.result.committed).toEqual([]);
    expect(commit.result.failed).toEqual([twins[1]]);
    const failed = await s.tab.next('deletionFailed', () => true, from);
    expect(failed.error.code).toBe('AMBIGUOUS_MESSAGE');
    expect(s.remaining()).toEqual(['Message 1', 'Message 2', 'Twin']);
  });
});

describe('a unique-id the server gave to two different messages (C0040)', () => {
  // Same unique-id, same size, different content: only the content tells them apart.
  const sameUid = (n: number) => ({ bytes: testMessage(n), uid: 'shared-uid' });

  async function setupShared() {
    const b = track(await startMailBridge({
      mail: { alice: [sameUid(1), sameUid(2), { bytes: testMessage(3), uid: 'uid-3' }] },
      bridge: { idleCloseSeconds: 1, deleteGraceSeconds: 3600 },
    }));
    const { tab } = await b.open();
    return { pop: b.pop, tab, remaining: () => subjectsOn(b.pop) };
  }
  const subjects = (listing: { keys: string[]; summaries: Summaries }) => new Map(listing.keys.map((k) => [k, listing.summaries.get(k).subject]));

  test('after another client deletes one, the other keeps its own summary, and a delete hits only it', async () => {
    const s = await setupShared();
    const first = subjects(await s.tab.sync());
    const keyOf = (listing: Map<string, string>, subject: string) => [...listing].find(([, v]) => v === subject)![0];
    const key1 = keyOf(first, 'Message 1');
    expect(key1).not.toBe(keyOf(first, 'Message 2'));

    await waitFor(() => !s.pop.maildrop('alice').locked, 'the idle QUIT of our first connection');
    await otherClientDeletes(s.pop, 1);
    const after = subjects(await s.tab.sync(true));
    // No summary or key of message 1 passes to message 2, though both had the same unique-id and size.
    expect([...after.values()].sort()).toEqual(['Message 2', 'Message 3']);
    expect(after.has(key1)).toBe(false);

    // A stale delete of the message the phone removed touches nothing else.
    const stale = await s.tab.request({ type: 'delete', keys: [key1] });
    expect(stale.error?.code).toBe('MESSAGE_GONE');
    expect(s.remaining()).toEqual(['Message 2', 'Message 3']);

    const key2 = keyOf(after, 'Message 2');
    const commit = await deleteAndCommit(s.tab, [key2]);
    expect(commit.result.committed).toEqual([key2]);
    expect(s.remaining()).toEqual(['Message 3']);
  });

  test('a delete marked before the unique-id stopped being shared is refused at commit, nothing goes', async () => {
    const s = await setupShared();
    const first = subjects(await s.tab.sync());
    const key2 = [...first].find(([, v]) => v === 'Message 2')![0];
    expect((await s.tab.request({ type: 'delete', keys: [key2] })).error).toBeUndefined();
    await waitFor(() => !s.pop.maildrop('alice').locked, 'the idle QUIT of our first connection');
    await otherClientDeletes(s.pop, 1);
    const commit = await s.tab.request({ type: 'commitDeletes' });
    expect(commit.result).toEqual({ committed: [], failed: [key2] });
    expect(s.remaining()).toEqual(['Message 2', 'Message 3']);
  });
});
