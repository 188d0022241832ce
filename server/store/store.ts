import type { Summary } from '../../shared/api/index.ts';

/**
 * Persistent per-account state: the summary cache and seen flags, keyed by
 * account and message key. An interface so PostgreSQL can replace SQLite.
 * Only headers-derived summaries are stored, never message bodies.
 */

/** A summary as cached: without the listing position and the seen flag. */
export type CachedSummary = Omit<Summary, 'index' | 'seen'>;

/**
 * One cached message. Written, an absent `seen` keeps the flag already
 * stored (false for a new row); read back, `seen` is always there.
 */
export interface MessageRow {
  key: string;
  size: number;
  /** Message-ID header, for reconciling after a unique-id change. */
  messageId: string | null;
  summary: CachedSummary;
  seen?: boolean;
}

/** A row as the store returns it. */
export type StoredMessage = MessageRow & { seen: boolean };

export interface MailStore {
  /** Every stored message of the account; callers only read it. */
  list(account: string): ReadonlyMap<string, StoredMessage>;
  get(account: string, key: string): StoredMessage | undefined;
  /** Insert or replace summaries; an existing seen flag is kept unless `seen` is given. */
  put(account: string, rows: MessageRow[]): void;
  setSeen(account: string, keys: string[], seen: boolean): void;
  remove(account: string, keys: string[]): void;
  /** Forgets every row and seen flag of the account (it was removed from a person's inbox). */
  removeAccount(account: string): void;
  close(): void;
}
