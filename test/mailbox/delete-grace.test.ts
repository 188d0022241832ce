import { describe, expect, test } from 'vitest';
import { ConnectionLimiter } from '../../server/mailbox/limiter.ts';
import { MailboxSession, type MailboxOptions } from '../../server/mailbox/session.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import type { MailboxEvent } from '../../server/mailbox/events.ts';
import { FakeMaildrop, type FakeMessage } from '../fixtures/fake-mailbox-client.ts';

// The Undo window of each delete, against an in-memory maildrop and a clock the test moves.

const msg = (name: string): FakeMessage => ({ name, uid: `uid-${name}` });
const [A, B, C] = ['A', 'B', 'C'].map(msg) as [FakeMessage, FakeMessage, FakeMessage];
const GRACE = 50;

function open(drop: FakeMaildrop, overrides: Partial<MailboxOptions> = {}) {
  const events: MailboxEvent[] = [];
  const clock = { now: 1_000_000 };
  const session = new MailboxSession({
    account: 'acct', serverId: 's', limiter: new ConnectionLimiter(4), connector: drop.connector,
    store: new SqliteStore(':memory:'), idleCloseMs: 60_000, refreshIntervalMs: 0, minRefreshIntervalMs: 0,
    deleteGraceMs: GRACE, log: { warn() {}, info() {} }, now: () => clock.now, ...overrides,
  }, { username: 'u', password: 'p' });
  session.subscribe((e) => events.push(e));
  const key = (name: string): string =>
    events.flatMap((e) => (e.type === 'summaries' ? e.items : [])).filter((s) => s.subject === name).at(-1)!.key;
  const committed = (): string[][] => events.flatMap((e) => (e.type === 'deletionCommitted' ? [e.keys] : []));
  return { session, events, key, committed, clock };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await tick(10);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('the Undo window of a delete', () => {
  test('a grace commit that waited behind a download takes only the deletes whose window has ended', async () => {
    const drop = new FakeMaildrop([A, B, C]);
    const m = open(drop);
    await m.session.sync(null, false);
    m.session.markDelete([m.key('A')]);
    // A download holds the connection: the grace commit queues behind it.
    const download = await m.session.openMessage(m.key('B'));
    const body = download.body[Symbol.asyncIterator]();
    await body.next();
    m.clock.now += GRACE;
    await tick(GRACE * 2); // A's timer fired; its commit waits for the connection
    m.session.markDelete([m.key('C')]); // marked while the commit waits: C's window has just begun
    await body.return?.();
    await until(() => m.committed().length === 1, 'the commit of A');
    expect(m.committed()).toEqual([[m.key('A')]]);
    expect(drop.deles.map((d) => d.name)).toEqual(['A']);
    expect(m.session.pendingKeys).toEqual([m.key('C')]);
    // C still can be undone; left alone, its own timer commits it once its window ends.
    m.clock.now += GRACE;
    await until(() => m.committed().length === 2, 'the commit of C');
    expect(drop.deles.map((d) => d.name)).toEqual(['A', 'C']);
  });

  test('an explicit commit takes every pending delete, however young', async () => {
    const drop = new FakeMaildrop([A, B, C]);
    const m = open(drop);
    await m.session.sync(null, false);
    m.session.markDelete([m.key('A'), m.key('C')]);
    expect((await m.session.commitDeletes()).committed.sort()).toEqual([m.key('A'), m.key('C')].sort());
    expect(drop.names).toEqual(['B']);
  });

  test.each(['expired', 'shutdown'] as const)('a mailbox ending by %s commits only the deletes past their Undo window', async (reason) => {
    const drop = new FakeMaildrop([A, B, C]);
    const m = open(drop, { deleteGraceMs: 60_000 });
    await m.session.sync(null, false);
    m.session.markDelete([m.key('A')]);
    m.clock.now += 60_000;
    m.session.markDelete([m.key('C')]);
    await m.session.shutdown(reason);
    expect(drop.deles.map((d) => d.name)).toEqual(['A']);
    expect(drop.names).toEqual(['B', 'C']); // C was still undoable: it stays on the server
    expect(drop.live).toBeNull();
  });

  test('sign-out commits every delete the user made, however young', async () => {
    const drop = new FakeMaildrop([A, B, C]);
    const m = open(drop, { deleteGraceMs: 60_000 });
    await m.session.sync(null, false);
    m.session.markDelete([m.key('A'), m.key('C')]);
    await m.session.shutdown('signOut');
    expect(drop.names).toEqual(['B']);
  });
});
