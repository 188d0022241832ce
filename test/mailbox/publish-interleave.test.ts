import { describe, expect, test } from 'vitest';
import type { MailboxEvent } from '../../server/mailbox/events.ts';
import { assignKeys } from '../../server/mailbox/keys.ts';
import type { Listing } from '../../server/mailbox/listing.ts';
import type { MailboxClient } from '../../server/mailbox/mailbox-client.ts';
import { BATCH, FIRST_BATCH } from '../../server/mailbox/publish-plan.ts';
import { publishListing } from '../../server/mailbox/publisher.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';

/**
 * Several accounts in one inbox list on one server thread. A return visit
 * sends every cached row of an account; the others' newest rows (what the
 * unified first screen needs) must not wait behind all of them
 * (docs/benchmarks.md, W8).
 */
const N = FIRST_BATCH + 3 * BATCH;
const entries = assignKeys(Array.from({ length: N }, (_, i) => ({ msg: i + 1, size: 100 + i, id: `u${i}`, base: `u${i}` })));
const listing = (): Listing => ({ entries, byKey: new Map(entries.map((e) => [e.key, e])), headers: new Map() });
// Every row is cached, so no header is fetched: the client is never asked for anything.
const client = { capabilities: { known: true, top: true } } as unknown as MailboxClient;

function cachedStore(accounts: string[]): SqliteStore {
  const store = new SqliteStore(':memory:');
  for (const account of accounts) {
    store.put(account, entries.map((e) => ({
      key: e.key, size: e.size, messageId: null,
      summary: { key: e.key, from: null, to: [], subject: e.key, date: null, size: e.size, hasAttachment: false },
    })));
  }
  return store;
}

describe('cached listings of several accounts at once', () => {
  test("each account's newest rows go out before any account's last batch, in order per account", async () => {
    const store = cachedStore(['a', 'b']);
    const log: Array<{ account: string; event: MailboxEvent }> = [];
    const publish = (account: string) => publishListing(client, listing(), null, {
      account, store, emit: (event) => log.push({ account, event }),
    });
    await Promise.all([publish('a'), publish('b')]);

    const batches = (account: string) => log.flatMap((l, at) => (l.account === account && l.event.type === 'summaries' ? [at] : []));
    const [a, b] = [batches('a'), batches('b')];
    expect(a).toHaveLength(4);
    expect(b.at(0)).toBeLessThan(a.at(-1)!);
    expect(a.at(0)).toBeLessThan(b.at(-1)!);

    for (const account of ['a', 'b']) {
      const events = log.filter((l) => l.account === account).map((l) => l.event);
      expect(events.map((e) => e.type)).toEqual(['syncStarted', 'summaries', 'summaries', 'summaries', 'summaries', 'syncProgress', 'syncDone']);
      const keys = events.flatMap((e) => (e.type === 'summaries' ? e.items.map((s) => s.key) : []));
      expect(keys).toEqual([...entries].reverse().map((e) => e.key));
    }
    store.close();
  });
});
