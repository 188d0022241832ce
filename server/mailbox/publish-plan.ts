import type { Summary } from '../../shared/api/index.ts';
import type { MailboxEvent } from './events.ts';
import type { Capabilities } from '../../shared/pop3/capabilities.ts';
import type { CachedSummary, MessageRow, StoredMessage } from '../store/store.ts';
import { deleteTarget, type DeleteTarget } from './delete-plan.ts';
import type { ListingEntry } from './keys.ts';
import { listItem } from './summary.ts';

/**
 * What publishing a listing to the tabs decides, as pure functions: which
 * rows come from the cache, which need a header, how seen flags survive a
 * server migration, what is removed and what is new mail. The driver
 * (publisher.ts) only fetches headers and sends what these return.
 */

/** Summaries per `summaries` event: small enough to render as they arrive, large enough to be cheap. */
export const BATCH = 500;
/** The first batch of a listing: what fills the first screen. */
export const FIRST_BATCH = 50;
/**
 * A summary waits at most this long for its batch to fill. A server that
 * crawls (or a mailbox smaller than a batch) still paints each row soon
 * after its header arrives, instead of when the batch or the listing ends.
 */
export const FLUSH_WAIT_MS = 250;
/** Reconcile by Message-ID and size when more than this share of the listing is unknown. */
export const MIGRATION_SHARE = 0.5;

/** The tabs' current picture of the mailbox: keys newest first, and what a delete must match. */
export interface MailboxView {
  keys: string[];
  targets: Map<string, DeleteTarget>;
}

export interface PublishPlan {
  total: number;
  /** Position of each key in the new view, 0 = newest. */
  index: Map<string, number>;
  /** Cached summaries, in `summaries` batches, newest first. */
  cachedBatches: Summary[][];
  cachedCount: number;
  /** Entries whose summary must be built from a header block, newest first. */
  missing: ListingEntry[];
  /** Rows no longer in the listing (cache rows and keys the tabs showed). */
  removed: string[];
  /** Set when most ids changed at once: unlisted rows by Message-ID and size. */
  migrated: Map<string, StoredMessage> | null;
  previousKeys: ReadonlySet<string> | null;
  view: MailboxView;
}

/** A batch is full at this many items; the first of a listing is small so the first rows paint early. */
export function batchLimit(alreadySent: number): number {
  return alreadySent === 0 ? FIRST_BATCH : BATCH;
}

/**
 * What the driver does once a summary joins the `pending` unsent ones, after
 * `alreadySent`: send the batch now (it is full), or make sure the flush
 * timer (FLUSH_WAIT_MS, the driver's) runs. Nothing pending: nothing to do.
 */
export function flushStep(pending: number, alreadySent: number): 'send' | 'wait' | 'none' {
  if (pending === 0) return 'none';
  return pending >= batchLimit(alreadySent) ? 'send' : 'wait';
}

const migrationKey = (messageId: string, size: number): string => `${messageId}\0${size}`;

export function planPublish(
  entries: ListingEntry[],
  stored: ReadonlyMap<string, StoredMessage>,
  previous: MailboxView | null,
): PublishPlan {
  const newest = [...entries].reverse();
  const index = new Map(newest.map((e, i) => [e.key, i]));
  const listed = new Set(index.keys());

  const cachedBatches: Summary[][] = [];
  const missing: ListingEntry[] = [];
  let batch: Summary[] = [];
  let cachedCount = 0;
  for (const e of newest) {
    const row = stored.get(e.key);
    // A size change means different content under the same key: summarise it again.
    if (!row || row.size !== e.size) { missing.push(e); continue; }
    batch.push(listItem(row.summary, index.get(e.key)!, row.seen));
    cachedCount++;
    if (batch.length >= batchLimit(cachedCount - batch.length)) { cachedBatches.push(batch); batch = []; }
  }
  if (batch.length) cachedBatches.push(batch);

  const gone = [...stored.values()].filter((row) => !listed.has(row.key));
  const removed = new Set(gone.map((row) => row.key));
  if (previous) for (const k of previous.keys) if (!listed.has(k)) removed.add(k);

  // A server migration changes most unique-ids at once: seen flags carry over by Message-ID and size.
  let migrated: Map<string, StoredMessage> | null = null;
  if (missing.length > MIGRATION_SHARE * newest.length && gone.length > 0) {
    migrated = new Map();
    for (const row of gone) if (row.messageId) migrated.set(migrationKey(row.messageId, row.size), row);
  }

  const targets = new Map(entries.map((e) => [e.key, deleteTarget(entries, e)]));
  return {
    total: newest.length, index, cachedBatches, cachedCount, missing, removed: [...removed], migrated,
    previousKeys: previous ? new Set(previous.keys) : null,
    view: { keys: newest.map((e) => e.key), targets },
  };
}

/** The cache row and list item of a message summarised from its header block. */
export function fetchedRow(
  plan: PublishPlan,
  stored: ReadonlyMap<string, StoredMessage>,
  entry: ListingEntry,
  summary: CachedSummary,
  messageId: string | null,
): { row: MessageRow & { seen: boolean }; item: Summary; reconciled: boolean } {
  const match = plan.migrated && messageId ? plan.migrated.get(migrationKey(messageId, entry.size)) : undefined;
  const seen = match?.seen ?? stored.get(entry.key)?.seen ?? false;
  return {
    row: { key: entry.key, size: entry.size, messageId, summary, seen },
    item: listItem(summary, plan.index.get(entry.key)!, seen),
    reconciled: match !== undefined,
  };
}

/** New mail: fetched keys the tabs had not seen, minus those reconciled after a migration. None on a first listing. */
export function newMailCount(plan: PublishPlan, reconciled: number): number {
  const previous = plan.previousKeys;
  if (!previous) return 0;
  return Math.max(0, plan.missing.filter((e) => !previous.has(e.key)).length - reconciled);
}

/** Notices the server's capabilities call for, sent before any summary (EXPIRE, RFC 2449 section 6.7). */
export function expireNotices(capabilities: Capabilities | undefined): MailboxEvent[] {
  const expire = capabilities?.expire;
  if (!expire || expire.days === 'NEVER') return [];
  if (expire.days === 0) {
    return [{ type: 'mailboxNotice', notice: 'EXPIRE_ON_READ', days: 0 }];
  }
  return [{ type: 'mailboxNotice', notice: 'EXPIRE_DAYS', days: expire.days }];
}

/** The current view replayed to one tab, from the cache rows. */
export function replayEvents(
  view: MailboxView,
  stored: ReadonlyMap<string, StoredMessage>,
  pendingKeys: string[],
  notices: MailboxEvent[],
): MailboxEvent[] {
  const events: MailboxEvent[] = [...notices, { type: 'syncStarted', total: view.keys.length }];
  let batch: Summary[] = [];
  view.keys.forEach((key, index) => {
    const row = stored.get(key);
    if (!row) return;
    batch.push(listItem(row.summary, index, row.seen));
    if (batch.length >= BATCH) { events.push({ type: 'summaries', items: batch }); batch = []; }
  });
  if (batch.length) events.push({ type: 'summaries', items: batch });
  if (pendingKeys.length) events.push({ type: 'deletionPending', keys: pendingKeys });
  events.push({ type: 'syncDone', total: view.keys.length });
  return events;
}
