import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Summary } from '../../shared/api/index.ts';
import type { MailboxEvent } from './events.ts';
import type { MailStore, MessageRow } from '../store/store.ts';
import type { ListingEntry } from './keys.ts';
import { fetchHeaders, type Listing } from './listing.ts';
import type { MailboxClient } from './mailbox-client.ts';
import {
  expireNotices, fetchedRow, FLUSH_WAIT_MS, flushStep, newMailCount, planPublish, type MailboxView,
} from './publish-plan.ts';
import { summarize } from './summary.ts';

export interface PublishTarget {
  account: string;
  store: MailStore;
  emit: (event: MailboxEvent) => void;
}

/**
 * Sends a fresh listing to every tab: cached summaries first, then the new
 * ones as TOP returns them. Every missing header goes out in one pipelined
 * stream (no round trip per batch); a batch goes out when full or
 * FLUSH_WAIT_MS after its first summary, whichever comes first. Returns the
 * new view. On failure, the summaries that did arrive are sent and cached
 * (the next listing starts from them) before the error goes up.
 */
export async function publishListing(
  client: MailboxClient, listing: Listing, previous: MailboxView | null, { account, store, emit }: PublishTarget,
): Promise<MailboxView> {
  const stored = store.list(account);
  const plan = planPublish(listing.entries, stored, previous);
  const { total } = plan;
  for (const notice of expireNotices(client.capabilities)) emit(notice);
  emit({ type: 'syncStarted', total });
  for (const [i, items] of plan.cachedBatches.entries()) {
    // The newest rows go out at once; before each later batch other mailboxes and requests get a
    // turn, so another account's newest rows never wait behind this one's 10,000.
    if (i > 0) await nextTurn();
    emit({ type: 'summaries', items });
  }
  emit({ type: 'syncProgress', phase: 'summaries', loaded: plan.cachedCount, total });

  // Rows are stored once the listing is out: the cache is not on the path to the screen.
  const rows: MessageRow[] = [];
  let items: Summary[] = [];
  let loaded = plan.cachedCount;
  let reconciled = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (items.length === 0) return;
    loaded += items.length;
    emit({ type: 'summaries', items });
    emit({ type: 'syncProgress', phase: 'summaries', loaded, total });
    items = [];
  };
  const add = (entry: ListingEntry, header: Uint8Array | null): void => {
    const { summary, messageId } = summarize(entry.key, entry.size, header ?? new Uint8Array());
    const fetched = fetchedRow(plan, stored, entry, summary, messageId);
    if (fetched.reconciled) reconciled++;
    rows.push(fetched.row);
    items.push(fetched.item);
    const step = flushStep(items.length, loaded);
    if (step === 'send') flush();
    else if (step === 'wait' && !timer) timer = setTimeout(flush, FLUSH_WAIT_MS);
  };
  const byMsg = new Map(plan.missing.map((e) => [e.msg, e]));
  const toFetch: number[] = [];
  for (const e of plan.missing) {
    const header = listing.headers.get(e.msg);
    if (header) add(e, header);
    else toFetch.push(e.msg);
  }
  try {
    await fetchHeaders(client, toFetch, (msg, header) => add(byMsg.get(msg)!, header));
  } catch (e) {
    flush();
    if (rows.length) store.put(account, rows);
    throw e;
  }
  flush();
  listing.headers.clear();

  if (plan.removed.length) {
    store.remove(account, plan.removed);
    emit({ type: 'removed', keys: plan.removed });
  }
  const fresh = newMailCount(plan, reconciled);
  if (fresh > 0) emit({ type: 'newMail', count: fresh });
  emit({ type: 'syncDone', total });
  // In the same turn as syncDone, so no request sees the view without its cache rows.
  if (rows.length) store.put(account, rows);
  return plan.view;
}
