import type { MailStore, MessageRow, StoredMessage } from './store.ts';

/** Accounts whose rows are kept in memory; the least recently listed is dropped first. */
const DEFAULT_MAX_ACCOUNTS = 64;

/**
 * A write-through memory cache in front of a store: an account's rows are
 * read from disk once per process, so a returning user's mailbox is shown
 * without re-reading and re-parsing thousands of rows. Every write goes to
 * the store first, then to memory, so the two never disagree.
 */
export class CachedStore implements MailStore {
  private readonly accounts = new Map<string, Map<string, StoredMessage>>();

  constructor(private readonly inner: MailStore, private readonly maxAccounts = DEFAULT_MAX_ACCOUNTS) {}

  list(account: string): ReadonlyMap<string, StoredMessage> {
    let rows = this.accounts.get(account);
    if (rows) {
      this.accounts.delete(account); // most recently used goes last
    } else {
      rows = new Map(this.inner.list(account));
      if (this.accounts.size >= this.maxAccounts) this.accounts.delete(this.accounts.keys().next().value!);
    }
    this.accounts.set(account, rows);
    return rows;
  }

  get(account: string, key: string): StoredMessage | undefined {
    return this.accounts.get(account)?.get(key) ?? this.inner.get(account, key);
  }

  put(account: string, rows: MessageRow[]): void {
    this.inner.put(account, rows);
    const cached = this.accounts.get(account);
    if (!cached) return;
    for (const row of rows) {
      const seen = row.seen ?? cached.get(row.key)?.seen ?? false;
      cached.set(row.key, { key: row.key, size: row.size, messageId: row.messageId, summary: row.summary, seen });
    }
  }

  setSeen(account: string, keys: string[], seen: boolean): void {
    this.inner.setSeen(account, keys, seen);
    const cached = this.accounts.get(account);
    if (!cached) return;
    for (const key of keys) {
      const row = cached.get(key);
      if (row) cached.set(key, { ...row, seen });
    }
  }

  remove(account: string, keys: string[]): void {
    this.inner.remove(account, keys);
    const cached = this.accounts.get(account);
    if (cached) for (const key of keys) cached.delete(key);
  }

  removeAccount(account: string): void {
    this.inner.removeAccount(account);
    this.accounts.delete(account);
  }

  close(): void {
    this.accounts.clear();
    this.inner.close();
  }
}
