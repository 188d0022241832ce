import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { CachedStore } from '../../server/store/cached.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import type { StoredMessage } from '../../server/store/store.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

const row = (key: string, subject: string, seen?: boolean) => ({
  key, size: subject.length, messageId: `<${key}@x>`,
  summary: { key, from: null, to: [], subject, date: null, size: subject.length, hasAttachment: false },
  ...(seen === undefined ? {} : { seen }),
});

const snapshot = (rows: ReadonlyMap<string, StoredMessage>) =>
  [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));

type Op =
  | { op: 'put'; account: string; key: string; subject: string; seen?: boolean }
  | { op: 'seen'; account: string; keys: string[]; seen: boolean }
  | { op: 'remove'; account: string; keys: string[] }
  | { op: 'list'; account: string };

const account = fc.constantFrom('A', 'B', 'C');
const key = fc.constantFrom('k1', 'k2', 'k3', 'k4');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), account, key, subject: fc.string({ maxLength: 8 }), seen: fc.option(fc.boolean(), { nil: undefined }) }),
  fc.record({ op: fc.constant('seen' as const), account, keys: fc.array(key, { maxLength: 3 }), seen: fc.boolean() }),
  fc.record({ op: fc.constant('remove' as const), account, keys: fc.array(key, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('list' as const), account }),
);

describe('CachedStore', () => {
  test('property: after any sequence of writes, memory and the SQLite file agree', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const dir = mkdtempSync(join(tmpdir(), 'popbridge-cached-'));
      dirs.push(dir);
      // Two accounts at most in memory, so eviction and reloading are exercised too.
      const cached = new CachedStore(SqliteStore.open(dir), 2);
      const disk = SqliteStore.open(dir);
      try {
        for (const o of ops) {
          if (o.op === 'put') cached.put(o.account, [row(o.key, o.subject, o.seen)]);
          else if (o.op === 'seen') cached.setSeen(o.account, o.keys, o.seen);
          else if (o.op === 'remove') cached.remove(o.account, o.keys);
          else cached.list(o.account);
          for (const a of ['A', 'B', 'C']) expect(snapshot(cached.list(a))).toEqual(snapshot(disk.list(a)));
        }
      } finally {
        cached.close();
        disk.close();
      }
    }), { numRuns: 60 });
  });

  test('a listed account is served from memory afterwards', () => {
    const inner = new SqliteStore(':memory:');
    let reads = 0;
    const counting = Object.assign(Object.create(inner), { list: (a: string) => { reads++; return inner.list(a); } });
    const cached = new CachedStore(counting);
    cached.put('A', [row('k1', 'one')]);
    cached.list('A');
    cached.list('A');
    cached.put('A', [row('k2', 'two')]);
    expect([...cached.list('A').keys()].sort()).toEqual(['k1', 'k2']);
    expect(reads).toBe(1);
    cached.close();
  });
});
