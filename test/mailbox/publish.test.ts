import { describe, expect, test } from 'vitest';
import { assignKeys, type ListingEntry } from '../../server/mailbox/keys.ts';
import {
  BATCH, FIRST_BATCH, fetchedRow, flushStep, newMailCount, planPublish, replayEvents, type MailboxView,
} from '../../server/mailbox/publish-plan.ts';
import type { StoredMessage } from '../../server/store/store.ts';

// Listings are written oldest first (message 1 first), as POP3 numbers them.
const listing = (...items: Array<[id: string, size: number]>): ListingEntry[] =>
  assignKeys(items.map(([id, size], i) => ({ msg: i + 1, size, id, base: id })));

const row = (key: string, size: number, extra: Partial<StoredMessage> = {}): StoredMessage => ({
  key, size, messageId: `<${key}@test>`, seen: false,
  summary: { key, from: null, to: [], subject: key, date: null, size, hasAttachment: false }, ...extra,
});
const stored = (...rows: StoredMessage[]) => new Map(rows.map((r) => [r.key, r]));
const view = (...keys: string[]): MailboxView => ({ keys, targets: new Map() });

describe('publish plan: what comes from the cache, what needs a header', () => {
  test.each([
    { name: 'first visit: nothing cached, all missing newest first', list: listing(['a', 1], ['b', 2]), cache: stored(),
      cached: [], missing: ['b', 'a'] },
    { name: 'second visit: only the new message is missing', list: listing(['a', 1], ['b', 2], ['c', 3]), cache: stored(row('a', 1), row('b', 2)),
      cached: ['b', 'a'], missing: ['c'] },
    { name: 'a size change under a cached key is summarised again', list: listing(['a', 1], ['b', 20]), cache: stored(row('a', 1), row('b', 2)),
      cached: ['a'], missing: ['b'] },
    { name: 'C0041 copies: each occurrence has its own row', list: listing(['x', 5], ['x', 5]), cache: stored(row('x', 5)),
      cached: ['x'], missing: ['x.2'] },
  ])('$name', ({ list, cache, cached, missing }) => {
    const plan = planPublish(list, cache, null);
    expect(plan.cachedBatches.flat().map((s) => s.key)).toEqual(cached);
    expect(plan.missing.map((e) => e.key)).toEqual(missing);
    expect(plan.cachedCount).toBe(cached.length);
    expect(plan.view.keys).toEqual([...list].reverse().map((e) => e.key));
    // Positions are the new view's, newest = 0.
    for (const s of plan.cachedBatches.flat()) expect(s.index).toBe(plan.view.keys.indexOf(s.key));
  });

  test.each([
    { cached: 1, sizes: [1] },
    { cached: FIRST_BATCH, sizes: [FIRST_BATCH] },
    { cached: FIRST_BATCH + 1, sizes: [FIRST_BATCH, 1] },
    { cached: 600, sizes: [FIRST_BATCH, BATCH, 50] },
    { cached: 1200, sizes: [FIRST_BATCH, BATCH, BATCH, 150] },
  ])('$cached cached rows go out in batches of $sizes (the first one small)', ({ cached, sizes }) => {
    const items = Array.from({ length: cached }, (_, i): [string, number] => [`m${i}`, 10]);
    const plan = planPublish(listing(...items), stored(...items.map(([k, s]) => row(k, s))), null);
    expect(plan.cachedBatches.map((b) => b.length)).toEqual(sizes);
  });
});

describe('publish plan: when a batch of fetched summaries goes out', () => {
  test.each([
    { pending: 0, sent: 0, step: 'none' },
    // A mailbox smaller than the first batch, or a slow server: the driver's timer sends it.
    { pending: 1, sent: 0, step: 'wait' },
    { pending: FIRST_BATCH - 1, sent: 0, step: 'wait' },
    { pending: FIRST_BATCH, sent: 0, step: 'send' },
    // After the first screen, batches are large.
    { pending: FIRST_BATCH, sent: FIRST_BATCH, step: 'wait' },
    { pending: BATCH, sent: FIRST_BATCH, step: 'send' },
    { pending: 1, sent: 10_000, step: 'wait' },
  ])('$pending pending after $sent sent: $step', ({ pending, sent, step }) => {
    expect(flushStep(pending, sent)).toBe(step);
  });
});

describe('publish plan: removed keys and new mail', () => {
  test.each([
    { name: 'first listing: no new mail, stale cache rows removed', list: listing(['a', 1]), cache: stored(row('old', 1)), previous: null,
      fetched: ['a'], removed: ['old'], newMail: 0 },
    { name: 'refresh: one new message', list: listing(['a', 1], ['b', 2]), cache: stored(row('a', 1)), previous: view('a'),
      fetched: ['b'], removed: [], newMail: 1 },
    { name: 'refresh: a key the tabs showed is gone, even without a cache row', list: listing(['a', 1]), cache: stored(row('a', 1)), previous: view('a', 'gone'),
      fetched: [], removed: ['gone'], newMail: 0 },
    { name: 'refresh: a re-summarised known message is not new mail', list: listing(['a', 1], ['b', 20]), cache: stored(row('a', 1), row('b', 2)), previous: view('b', 'a'),
      fetched: ['b'], removed: [], newMail: 0 },
  ])('$name', ({ list, cache, previous, fetched, removed, newMail }) => {
    const plan = planPublish(list, cache, previous);
    expect(plan.missing.map((e) => e.key)).toEqual(fetched);
    expect(plan.removed.sort()).toEqual(removed);
    expect(newMailCount(plan, 0)).toBe(newMail);
  });
});

describe('publish plan: migration reconciliation by Message-ID and size', () => {
  const old = stored(
    row('old1', 10, { messageId: '<1@x>', seen: true }), row('old2', 20, { messageId: '<2@x>' }), row('old3', 30, { messageId: '<3@x>', seen: true }),
  );
  const summary = (key: string, size: number) => ({ key, from: null, to: [], subject: key, date: null, size, hasAttachment: false });

  test('most ids changed: seen flags follow Message-ID with the same size, and nothing counts as new', () => {
    const plan = planPublish(listing(['new1', 10], ['new2', 20], ['new3', 31]), old, view('old3', 'old2', 'old1'));
    expect(plan.migrated).not.toBeNull();
    const rows = plan.missing.map((e, i) => fetchedRow(plan, old, e, summary(e.key, e.size), `<${3 - i}@x>`));
    // new3 has <3@x> but another size: not the same message, so not seen and new.
    expect(rows.map((r) => [r.row.key, r.row.seen, r.reconciled])).toEqual([['new3', false, false], ['new2', false, true], ['new1', true, true]]);
    expect(rows.map((r) => r.item.seen)).toEqual([false, false, true]);
    expect(newMailCount(plan, rows.filter((r) => r.reconciled).length)).toBe(1);
    expect(plan.removed.sort()).toEqual(['old1', 'old2', 'old3']);
  });

  test('half the listing unknown or less is no migration: nothing carries over', () => {
    const cache = stored(row('a', 1), row('b', 2), row('gone', 10, { messageId: '<1@x>', seen: true }));
    const plan = planPublish(listing(['a', 1], ['b', 2], ['c', 10], ['d', 4]), cache, view('b', 'a'));
    expect(plan.migrated).toBeNull();
    const c = plan.missing.find((e) => e.key === 'c')!;
    const fetched = fetchedRow(plan, cache, c, summary('c', 10), '<1@x>');
    expect(fetched.row.seen).toBe(false);
    expect(fetched.reconciled).toBe(false);
    expect(newMailCount(plan, 0)).toBe(2);
  });

  test('a re-summarised message keeps its own seen flag', () => {
    const cache = stored(row('a', 1, { seen: true }));
    const plan = planPublish(listing(['a', 5]), cache, view('a'));
    expect(fetchedRow(plan, cache, plan.missing[0]!, summary('a', 5), null).row.seen).toBe(true);
  });
});

describe('replay of the current view', () => {
  test('notices first, cached rows with their positions, pending deletes, then syncDone', () => {
    const events = replayEvents(view('b', 'a'), stored(row('a', 1, { seen: true }), row('b', 2)), ['a'],
      [{ type: 'mailboxNotice', notice: 'EXPIRE_DAYS', days: 3 }]);
    expect(events.map((e) => e.type)).toEqual(['mailboxNotice', 'syncStarted', 'summaries', 'deletionPending', 'syncDone']);
    const items = events.find((e) => e.type === 'summaries')!;
    expect(items.type === 'summaries' && items.items.map((s) => [s.key, s.index, s.seen])).toEqual([['b', 0, false], ['a', 1, true]]);
  });
});
