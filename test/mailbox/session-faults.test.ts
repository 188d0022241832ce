import { describe, expect, test } from 'vitest';
import { ConnectionLimiter } from '../../server/mailbox/limiter.ts';
import { MailboxSession, type MailboxOptions } from '../../server/mailbox/session.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import type { MailboxEvent } from '../../server/mailbox/events.ts';
import { FakeMaildrop, type FakeMessage } from '../fixtures/fake-mailbox-client.ts';

// The whole MailboxSession over an in-memory maildrop with faults, asserting
// exactly which message numbers got DELE on which connection.

const msg = (name: string, uid = `uid-${name}`): FakeMessage => ({ name, uid });
const [A, B, C, D] = ['A', 'B', 'C', 'D'].map((n) => msg(n)) as [FakeMessage, FakeMessage, FakeMessage, FakeMessage];

function open(drop: FakeMaildrop, overrides: Partial<MailboxOptions> = {}) {
  const events: MailboxEvent[] = [];
  let releases = 0;
  const limiter = new ConnectionLimiter(4);
  const counted = { acquire: async (onPosition?: (p: number) => void) => {
    const release = await limiter.acquire(onPosition);
    return () => { releases++; release(); };
  } } as unknown as ConnectionLimiter;
  const session = new MailboxSession({
    account: 'acct', serverId: 's', limiter: counted, connector: drop.connector, store: new SqliteStore(':memory:'),
    idleCloseMs: 60_000, refreshIntervalMs: 0, minRefreshIntervalMs: 0, deleteGraceMs: 3_600_000,
    log: { warn() {}, info() {} }, ...overrides,
  }, { username: 'u', password: 'p' });
  session.subscribe((e) => events.push(e));
  /** Key of the message with this name in the latest summaries. */
  const key = (name: string): string => {
    const items = events.flatMap((e) => (e.type === 'summaries' ? e.items : []));
    return items.filter((s) => s.subject === name).at(-1)!.key;
  };
  const of = <T extends MailboxEvent['type']>(type: T) => events.filter((e): e is Extract<MailboxEvent, { type: T }> => e.type === type);
  return { session, events, key, of, releases: () => releases, inUse: () => limiter.inUse };
}

describe('deletes against a maildrop that changes and connections that drop', () => {
  test('renumbering on the next connection: DELE goes to the chosen message by its new number', async () => {
    const drop = new FakeMaildrop([A, B, C, D]);
    const m = open(drop);
    await m.session.sync(null, false);
    await m.session.disconnect();
    drop.messages = drop.messages.filter((x) => x !== A); // another client deleted A: C is now 2
    m.session.markDelete([m.key('C')]);
    expect(await m.session.commitDeletes()).toEqual({ committed: [m.key('C')], failed: [] });
    expect(drop.deles).toEqual([{ connection: 2, msg: 2, name: 'C' }]);
    expect(drop.names).toEqual(['B', 'D']);
  });

  test('the connection drops mid-DELE: nothing is deleted, the next listing says so, a new delete uses new numbers', async () => {
    const drop = new FakeMaildrop([A, B, C, D]);
    const m = open(drop);
    await m.session.sync(null, false);
    drop.faults = { dropAtDele: 2 };
    m.session.markDelete([m.key('B'), m.key('D')]);
    expect(await m.session.commitDeletes()).toEqual({ committed: [], failed: [] });
    expect(drop.deles).toEqual([{ connection: 1, msg: 2, name: 'B' }]);
    expect(drop.logins).toBe(2); // settled at once by a new listing
    const failed = m.of('deletionFailed');
    expect(failed.map((e) => [e.keys.sort(), e.error.code])).toEqual([[[m.key('B'), m.key('D')].sort(), 'CONNECTION_CLOSED']]);
    expect(drop.names).toEqual(['A', 'B', 'C', 'D']);

    drop.faults = {};
    drop.messages = drop.messages.filter((x) => x !== A);
    await m.session.disconnect();
    m.session.markDelete([m.key('D')]);
    await m.session.commitDeletes();
    expect(drop.deles.slice(1)).toEqual([{ connection: 3, msg: 3, name: 'D' }]);
    expect(drop.names).toEqual(['B', 'C']);
  });

  test('the server commits but QUIT\'s +OK is lost: the next listing reports the delete done', async () => {
    const drop = new FakeMaildrop([A, B, C]);
    const m = open(drop);
    await m.session.sync(null, false);
    const b = m.key('B');
    drop.faults = { quitCommitsThenDrops: true };
    m.session.markDelete([b]);
    expect(await m.session.commitDeletes()).toEqual({ committed: [], failed: [] });
    expect(m.of('deletionCommitted').map((e) => e.keys)).toEqual([[b]]);
    expect(m.of('deletionFailed')).toEqual([]);
    drop.faults = {};
    m.session.markDelete([m.key('C')]);
    await m.session.commitDeletes();
    // C was 3 on the first connection, 2 on the second.
    expect(drop.deles).toEqual([{ connection: 1, msg: 2, name: 'B' }, { connection: 2, msg: 2, name: 'C' }]);
    expect(drop.names).toEqual(['A']);
  });

  test('the connection drops before the server commits: reported still there, nothing deleted', async () => {
    const drop = new FakeMaildrop([A, B, C]);
    const m = open(drop);
    await m.session.sync(null, false);
    drop.faults = { quitDropsBeforeCommit: true };
    m.session.markDelete([m.key('B')]);
    await m.session.commitDeletes();
    expect(m.of('deletionFailed').map((e) => [e.keys, e.error.code])).toEqual([[[m.key('B')], 'CONNECTION_CLOSED']]);
    expect(m.of('deletionCommitted')).toEqual([]);
    expect(drop.names).toEqual(['A', 'B', 'C']);
  });

  test('C0040: when the other message under a shared unique-id is deleted elsewhere, ours is refused, never guessed', async () => {
    const drop = new FakeMaildrop([A, msg('P', 'shared'), msg('Q', 'shared')]);
    const m = open(drop);
    await m.session.sync(null, false);
    const p = m.key('P');
    await m.session.disconnect();
    drop.messages = drop.messages.filter((x) => x.name !== 'Q');
    m.session.markDelete([p]);
    const result = await m.session.commitDeletes();
    expect(result.failed).toEqual([p]);
    expect(drop.deles).toEqual([]);
    expect(m.of('deletionFailed').map((e) => e.error.code)).toEqual(['AMBIGUOUS_MESSAGE']);
    expect(drop.names).toEqual(['A', 'P']);
  });

  test('a message whose size changed under its unique-id between connections is refused, not deleted', async () => {
    const drop = new FakeMaildrop([A, B, C]);
    const m = open(drop);
    await m.session.sync(null, false);
    const b = m.key('B');
    await m.session.disconnect();
    drop.messages = [A, { ...B, size: 99_999 }, C];
    m.session.markDelete([b, m.key('C')]);
    const result = await m.session.commitDeletes();
    expect(result.failed).toEqual([b]);
    expect(drop.deles).toEqual([{ connection: 2, msg: 3, name: 'C' }]);
    expect(drop.names).toEqual(['A', 'B']);
  });

  test('C0041: identical copies, one removed elsewhere: the other copy is refused', async () => {
    const X = msg('X');
    const drop = new FakeMaildrop([A, X, { ...X }]);
    const m = open(drop);
    await m.session.sync(null, false);
    const second = m.events.flatMap((e) => (e.type === 'summaries' ? e.items : [])).filter((s) => s.subject === 'X').map((s) => s.key);
    await m.session.disconnect();
    drop.messages = [A, X];
    m.session.markDelete(second);
    await m.session.commitDeletes();
    expect(drop.deles).toEqual([]);
    expect(drop.names).toEqual(['A', 'X']);
  });

  test('every connection gives its slot back exactly once, whichever way it ends', async () => {
    const drop = new FakeMaildrop([A, B, C, D]);
    const m = open(drop);
    await m.session.sync(null, false); // login 1
    drop.faults = { dropAtDele: 1 };
    m.session.markDelete([m.key('A')]);
    await m.session.commitDeletes(); // dropped mid-DELE; login 2 settles
    drop.faults = {};
    m.session.markDelete([m.key('B')]);
    await m.session.commitDeletes(); // QUIT
    await m.session.sync(null, true); // login 3
    drop.live!.destroy(); // the server drops it
    await m.session.sync(null, true); // login 4
    await m.session.shutdown('signOut');
    expect(drop.logins).toBe(4);
    expect(m.releases()).toBe(4);
    expect(m.inUse()).toBe(0);
  });
});

describe('sync floods', () => {
  test('200 refreshes while one is queued or running make one login', async () => {
    const drop = new FakeMaildrop([A, B]);
    const m = open(drop);
    await m.session.sync(null, false);
    await Promise.all(Array.from({ length: 200 }, () => m.session.sync(() => {}, true)));
    expect(drop.logins).toBe(2);
  });

  test('200 refreshes within the refresh limit log in no more; every requester gets the view and a notice', async () => {
    let now = 1_000_000;
    const drop = new FakeMaildrop([A, B]);
    const m = open(drop, { minRefreshIntervalMs: 10_000, now: () => now });
    await m.session.sync(null, false);
    const tabs = Array.from({ length: 200 }, () => [] as MailboxEvent[]);
    await Promise.all(tabs.map((t) => m.session.sync((e) => t.push(e), true)));
    expect(drop.logins).toBe(1);
    for (const t of tabs) {
      expect(t.map((e) => e.type)).toEqual(['mailboxNotice', 'syncStarted', 'summaries', 'syncDone']);
      expect(t[0]).toMatchObject({ notice: 'REFRESH_LIMITED', seconds: 10 });
    }
    now += 10_000;
    await m.session.sync(null, true);
    expect(drop.logins).toBe(2);
  });

  test('LOGIN-DELAY longer than the refresh limit is the one the notice names', async () => {
    const drop = new FakeMaildrop([A]);
    drop.capabilityLines = [...drop.capabilityLines, 'LOGIN-DELAY 900'];
    const m = open(drop, { minRefreshIntervalMs: 10_000 });
    await m.session.sync(null, false);
    const tab: MailboxEvent[] = [];
    await m.session.sync((e) => tab.push(e), true);
    expect(tab[0]).toMatchObject({ type: 'mailboxNotice', notice: 'LOGIN_DELAY' });
    expect(drop.logins).toBe(1);
  });

  test('a tab asking again and again while the connection is busy gets one replay, not thousands', async () => {
    const drop = new FakeMaildrop([A, B]);
    const m = open(drop);
    await m.session.sync(null, false);
    let openGate!: () => void;
    drop.listGate = new Promise((r) => { openGate = r; });
    const refresh = m.session.sync(null, true); // holds the connection in LIST
    const tab: MailboxEvent[] = [];
    const requester = (e: MailboxEvent) => tab.push(e);
    const replays = Array.from({ length: 5000 }, () => m.session.sync(requester, false));
    openGate();
    await Promise.all([refresh, ...replays]);
    expect(tab.filter((e) => e.type === 'syncStarted')).toHaveLength(1);
    // Once that replay ran, a new request is a new replay.
    await m.session.sync(requester, false);
    expect(tab.filter((e) => e.type === 'syncStarted')).toHaveLength(2);
  });
});
