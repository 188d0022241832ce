import { setFlagsFromString } from 'node:v8';
import { describe, expect, test } from 'vitest';
import { assignKeys } from '../../server/mailbox/keys.ts';
import { fetchedRow, planPublish, replayEvents } from '../../server/mailbox/publish-plan.ts';
import type { StoredMessage } from '../../server/store/store.ts';

/**
 * A listing builds one object per message (10,000 and more). On Node 20
 * (V8 11.3) an object built as a spread plus more properties gets a hidden
 * class of its own, which made a cached 10,000-row listing several times
 * slower (docs/benchmarks.md, W8). These check that the rows of one listing
 * share one shape, through V8's own %HaveSameMap, so no timing decides it.
 */
setFlagsFromString('--allow-natives-syntax');
// %HaveSameMap parses only in code compiled after the flag is set, hence new Function.
const sameShape = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

const N = 200;
const entries = assignKeys(Array.from({ length: N }, (_, i) => ({ msg: i + 1, size: 100 + i, id: `u${i}`, base: `u${i}` })));
const row = (key: string, size: number): StoredMessage => ({
  key, size, messageId: `<${key}@test>`, seen: false,
  summary: { key, from: { name: 'A', address: 'a@test' }, to: [], subject: key, date: null, size, hasAttachment: false },
});
const stored = new Map(entries.map((e) => [e.key, row(e.key, e.size)]));

const allSameShape = (objects: object[]): boolean => objects.every((o) => sameShape(o, objects[0]!));

describe('listing rows share one object shape', () => {
  test('the listing entries (assignKeys)', () => {
    expect(entries).toHaveLength(N);
    expect(allSameShape(entries)).toBe(true);
  });

  test('the cached rows of a publish plan', () => {
    const rows = planPublish(entries, stored, null).cachedBatches.flat();
    expect(rows).toHaveLength(N);
    expect(allSameShape(rows)).toBe(true);
  });

  test('the rows of a replay and the rows summarised from headers', () => {
    const plan = planPublish(entries, new Map(), null);
    const fetched = plan.missing.map((e) => fetchedRow(plan, stored, e, row(e.key, e.size).summary, null).item);
    const replayed = replayEvents(plan.view, stored, [], []).flatMap((e) => (e.type === 'summaries' ? e.items : []));
    expect(replayed).toHaveLength(N);
    expect(allSameShape([...fetched, ...replayed])).toBe(true);
  });
});
