import { describe, expect, test } from 'vitest';
import { deleteTarget, pendingToDrop, planDeletes, settleUnconfirmed, type DeleteTarget } from '../../server/mailbox/delete-plan.ts';
import type { ListingEntry } from '../../server/mailbox/keys.ts';
import { buildListing } from '../../server/mailbox/listing.ts';
import { FakeMaildrop, type FakeMessage } from '../fixtures/fake-mailbox-client.ts';

// The rule under test: never delete a message the user did not delete.
// `before` is the listing the user saw (and picked from, by index); `after`
// is the listing of the connection that sends DELE. Keys come from the real
// listing code over an in-memory maildrop, so renumbering and C0040/C0041
// keys are the ones the bridge would use.

const A: FakeMessage = { name: 'A', uid: 'uid-a' };
const B: FakeMessage = { name: 'B', uid: 'uid-b' };
const C: FakeMessage = { name: 'C', uid: 'uid-c' };
const D: FakeMessage = { name: 'D', uid: 'uid-d' };
const E: FakeMessage = { name: 'E', uid: 'uid-e' };
const bigB: FakeMessage = { ...B, size: 99_999 };
/** C0041: two identical copies under one unique-id. */
const X: FakeMessage = { name: 'X', uid: 'uid-x' };
/** C0040: one unique-id on two different messages. */
const P: FakeMessage = { name: 'P', uid: 'shared' };
const Q: FakeMessage = { name: 'Q', uid: 'shared' };

async function entries(messages: FakeMessage[], uidl = true): Promise<ListingEntry[]> {
  const drop = new FakeMaildrop(messages);
  drop.uidl = uidl;
  return (await buildListing(await drop.connector('s', { username: 'u', password: 'p' }))).entries;
}

interface Case {
  name: string;
  uidl?: boolean;
  before: FakeMessage[];
  after: FakeMessage[];
  /** Indices into `before` the user deleted. */
  remove: number[];
  /** Message numbers of `after` that get DELE, in order. */
  dele: number[];
  /** Indices into `before` refused as AMBIGUOUS_MESSAGE. */
  refused?: number[];
  /** Indices into `before` already gone (reported deleted, no DELE). */
  gone?: number[];
}

const cases: Case[] = [
  { name: 'same maildrop: the number the user saw', before: [A, B, C], after: [A, B, C], remove: [1], dele: [2] },
  { name: 'renumbered: a message before it was deleted elsewhere', before: [A, B, C, D], after: [B, C, D], remove: [2], dele: [2] },
  { name: 'renumbered: one gone elsewhere, new mail appended', before: [A, B, C], after: [A, C, E], remove: [1, 2], dele: [2], gone: [1] },
  { name: 'gone: nothing is sent for it', before: [A, B], after: [A], remove: [1], dele: [], gone: [1] },
  { name: 'size changed under the same unique-id: refused', before: [A, B, C], after: [A, bigB, C], remove: [1, 2], dele: [3], refused: [1] },
  { name: 'C0041 identical copies, unchanged: the copy the user picked', before: [A, X, X], after: [A, X, X], remove: [2], dele: [3] },
  { name: 'C0041 identical copies, one removed elsewhere: the later copy is refused', before: [A, X, X], after: [A, X], remove: [2], dele: [], refused: [2] },
  { name: 'C0041 identical copies, one removed elsewhere: the first copy is refused too', before: [A, X, X], after: [X, A], remove: [1], dele: [], refused: [1] },
  { name: 'C0041 three copies, one removed elsewhere: the set of copies changed, refused', before: [X, X, X], after: [X, X], remove: [0], dele: [], refused: [0] },
  { name: 'C0041 identical copies, renumbered but all there', before: [A, X, X], after: [X, X], remove: [1], dele: [1] },
  { name: 'C0040 shared unique-id: the other message left alone when ours went', before: [P, Q], after: [Q], remove: [0], dele: [], refused: [0] },
  { name: 'C0040 shared unique-id: ours, now alone under the id, refused rather than guessed', before: [P, Q], after: [Q], remove: [1], dele: [], refused: [1] },
  { name: 'C0040 shared unique-id, unchanged: exactly ours', before: [A, P, Q], after: [P, Q], remove: [2], dele: [2] },
  { name: 'no UIDL: fingerprints follow renumbering', uidl: false, before: [A, B, C], after: [B, C], remove: [2], dele: [2] },
  { name: 'no UIDL: identical copies, one removed elsewhere: refused', uidl: false, before: [A, X, X], after: [A, X], remove: [2, 1], dele: [], refused: [2, 1] },
  { name: 'no UIDL: content changed is another message: nothing sent', uidl: false, before: [A, B], after: [A, { ...B, extra: 'X-Changed: 1\r\n' }], remove: [1], dele: [], gone: [1] },
  { name: 'no UIDL: size changed is another message: nothing sent', uidl: false, before: [A, B], after: [A, bigB], remove: [1], dele: [], gone: [1] },
];

describe('delete plan: DELE numbers, refusals and gone keys', () => {
  test.each(cases)('$name', async ({ uidl = true, before, after, remove, dele, refused = [], gone = [] }) => {
    const seen = await entries(before, uidl);
    const now = await entries(after, uidl);
    const pending = new Map<string, DeleteTarget>(remove.map((i) => [seen[i]!.key, deleteTarget(seen, seen[i]!)]));
    const plan = planDeletes(now, pending);
    expect(plan.dele.map((d) => d.msg)).toEqual(dele);
    expect([...plan.refused.keys()]).toEqual(refused.map((i) => seen[i]!.key));
    for (const error of plan.refused.values()) expect(error.code).toBe('AMBIGUOUS_MESSAGE');
    expect(plan.gone).toEqual(gone.map((i) => seen[i]!.key));
    // Every DELE hits a message the user picked.
    for (const d of plan.dele) {
      const hit = now.find((e) => e.msg === d.msg)!;
      expect(remove.map((i) => seen[i]!.key)).toContain(hit.key);
      expect(remove.map((i) => before[i]!.name)).toContain(after[d.msg - 1]!.name);
    }
  });
});

describe('settling deletes whose QUIT got no +OK', () => {
  test.each([
    { name: 'still listed with its size: not deleted', after: [A, B, C], stillThere: ['B'], committed: [] },
    { name: 'no longer listed: deleted', after: [A, C], stillThere: [], committed: ['B'] },
    { name: 'listed again on a renumbered maildrop: not deleted', after: [B, C], stillThere: ['B'], committed: [] },
  ])('$name', async ({ after, stillThere, committed }) => {
    const seen = await entries([A, B, C]);
    const b = seen.find((e) => e.msg === 2)!;
    const result = settleUnconfirmed(await entries(after), new Map([[b.key, deleteTarget(seen, b)]]));
    const names = (keys: string[]) => keys.map((k) => seen.find((e) => e.key === k)!.msg === 2 ? 'B' : '?');
    expect(names(result.stillThere)).toEqual(stillThere);
    expect(names(result.committed)).toEqual(committed);
  });
});

describe('pending deletes after a new listing', () => {
  test('one whose message is gone is dropped; one whose unique-id is still there is kept for the commit to refuse', async () => {
    const seen = await entries([A, B, P, Q]);
    const pending = new Map(seen.filter((e) => e.msg !== 1).map((e) => [e.key, deleteTarget(seen, e)]));
    const now = await entries([A, Q]);
    const bKey = seen[1]!.key;
    const pKey = seen[2]!.key;
    const qKey = seen[3]!.key;
    expect(pendingToDrop(now, pending)).toEqual([bKey]);
    expect(pendingToDrop(now, pending)).not.toContain(pKey);
    expect(pendingToDrop(now, pending)).not.toContain(qKey);
  });
});
