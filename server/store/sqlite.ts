import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MailStore, MessageRow, StoredMessage } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  account    TEXT NOT NULL,
  key        TEXT NOT NULL,
  size       INTEGER NOT NULL,
  message_id TEXT,
  summary    TEXT NOT NULL,
  seen       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, key)
) WITHOUT ROWID;
`;

/** SQLite store in DATA_DIR/popbridge.sqlite (or ':memory:'). */
export class SqliteStore implements MailStore {
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.stmts = {
      list: this.db.prepare<[string], { key: string; size: number; message_id: string | null; summary: string; seen: number }>(
        'SELECT key, size, message_id, summary, seen FROM messages WHERE account = ?'),
      get: this.db.prepare<[string, string], { key: string; size: number; message_id: string | null; summary: string; seen: number }>(
        'SELECT key, size, message_id, summary, seen FROM messages WHERE account = ? AND key = ?'),
      upsert: this.db.prepare(
        `INSERT INTO messages (account, key, size, message_id, summary, seen) VALUES (@account, @key, @size, @messageId, @summary, @seen)
         ON CONFLICT (account, key) DO UPDATE SET size = excluded.size, message_id = excluded.message_id,
           summary = excluded.summary, seen = CASE WHEN @keepSeen THEN messages.seen ELSE excluded.seen END`),
      seen: this.db.prepare('UPDATE messages SET seen = ? WHERE account = ? AND key = ?'),
      remove: this.db.prepare('DELETE FROM messages WHERE account = ? AND key = ?'),
      removeAccount: this.db.prepare('DELETE FROM messages WHERE account = ?'),
    };
  }

  /**
   * The store holds who reads which mail: only Popbridge's own user may read
   * it. DATA_DIR is made 0700 and the database 0600 before SQLite opens it
   * (SQLite gives its -wal and -shm files the database's mode).
   */
  static open(dataDir: string): SqliteStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
    const file = join(dataDir, 'popbridge.sqlite');
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    return new SqliteStore(file);
  }

  list(account: string): Map<string, StoredMessage> {
    const out = new Map<string, StoredMessage>();
    for (const r of this.stmts.list.all(account)) {
      out.set(r.key, { key: r.key, size: r.size, messageId: r.message_id, summary: JSON.parse(r.summary), seen: r.seen === 1 });
    }
    return out;
  }

  get(account: string, key: string): StoredMessage | undefined {
    const r = this.stmts.get.get(account, key);
    return r && { key: r.key, size: r.size, messageId: r.message_id, summary: JSON.parse(r.summary), seen: r.seen === 1 };
  }

  put(account: string, rows: MessageRow[]): void {
    this.putAll(account, rows);
  }

  private readonly putAll = this.transaction((account: string, rows: MessageRow[]) => {
    for (const r of rows) {
      this.stmts.upsert.run({
        account, key: r.key, size: r.size, messageId: r.messageId, summary: JSON.stringify(r.summary),
        seen: r.seen ? 1 : 0, keepSeen: r.seen === undefined ? 1 : 0,
      });
    }
  });

  private transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
    // Built lazily: the database opens in the constructor, after field initialisers run.
    let run: ((...args: A) => void) | undefined;
    return (...args: A) => (run ??= this.db.transaction(fn))(...args);
  }

  setSeen(account: string, keys: string[], seen: boolean): void {
    this.db.transaction(() => { for (const k of keys) this.stmts.seen.run(seen ? 1 : 0, account, k); })();
  }

  remove(account: string, keys: string[]): void {
    this.db.transaction(() => { for (const k of keys) this.stmts.remove.run(account, k); })();
  }

  removeAccount(account: string): void {
    this.stmts.removeAccount.run(account);
  }

  close(): void {
    this.db.close();
  }
}
