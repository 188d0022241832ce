import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ApiError, DraftInput, SentMessage } from '../../shared/api/index.ts';
import { IdentityStore } from './identity-store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS drafts (
  account    TEXT NOT NULL,
  id         TEXT NOT NULL,
  body       TEXT NOT NULL,
  last_error TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sent (
  account    TEXT NOT NULL,
  id         TEXT NOT NULL,
  sent_at    INTEGER NOT NULL,
  body       TEXT NOT NULL,
  raw        BLOB,
  PRIMARY KEY (account, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sent_by_time ON sent (account, sent_at);
`;

export interface StoredDraft {
  id: string;
  input: DraftInput;
  updatedAt: number;
  lastError: ApiError | null;
}

type DraftRow = { id: string; body: string; last_error: string | null; updated_at: number };

function toDraft(r: DraftRow): StoredDraft {
  return { id: r.id, input: JSON.parse(r.body), updatedAt: r.updated_at, lastError: r.last_error ? JSON.parse(r.last_error) : null };
}

/**
 * Drafts and sent messages per account, in the same SQLite file as the
 * mail store (its own connection; WAL lets both write). Mail the person
 * wrote: the file is 0600 inside the 0700 DATA_DIR.
 */
export class SendStore {
  private readonly db: Database.Database;
  /** Each account's display name and signature (identity-store.ts), on this connection. */
  readonly identities: IdentityStore;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.identities = new IdentityStore(this.db);
  }

  static open(dataDir: string): SendStore {
    if (dataDir === ':memory:') return new SendStore(':memory:');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, 'popbridge.sqlite');
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    return new SendStore(file);
  }

  drafts(account: string): StoredDraft[] {
    return this.db.prepare<[string], DraftRow>('SELECT id, body, last_error, updated_at FROM drafts WHERE account = ? ORDER BY updated_at DESC')
      .all(account).map(toDraft);
  }

  draft(account: string, id: string): StoredDraft | undefined {
    const r = this.db.prepare<[string, string], DraftRow>('SELECT id, body, last_error, updated_at FROM drafts WHERE account = ? AND id = ?')
      .get(account, id);
    return r && toDraft(r);
  }

  countDrafts(account: string): number {
    return (this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM drafts WHERE account = ?').get(account))!.n;
  }

  /** Saving clears the last send error: the person has seen it and changed the draft. */
  putDraft(account: string, id: string, input: DraftInput, updatedAt: number): void {
    this.db.prepare(`INSERT INTO drafts (account, id, body, last_error, updated_at) VALUES (?, ?, ?, NULL, ?)
      ON CONFLICT (account, id) DO UPDATE SET body = excluded.body, last_error = NULL, updated_at = excluded.updated_at`)
      .run(account, id, JSON.stringify(input), updatedAt);
  }

  setDraftError(account: string, id: string, error: ApiError): void {
    this.db.prepare('UPDATE drafts SET last_error = ? WHERE account = ? AND id = ?').run(JSON.stringify(error), account, id);
  }

  removeDraft(account: string, id: string): boolean {
    return this.db.prepare('DELETE FROM drafts WHERE account = ? AND id = ?').run(account, id).changes > 0;
  }

  /** Stores what was sent and removes its draft, in one transaction. */
  recordSent(account: string, message: SentMessage, raw: Buffer | null, draftId: string): void {
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO sent (account, id, sent_at, body, raw) VALUES (?, ?, ?, ?, ?)')
        .run(account, message.id, message.sentAt, JSON.stringify(message), raw);
      this.removeDraft(account, draftId);
    })();
  }

  sentList(account: string, limit = 500): SentMessage[] {
    return this.db.prepare<[string, number], { body: string }>('SELECT body FROM sent WHERE account = ? ORDER BY sent_at DESC LIMIT ?')
      .all(account, limit).map((r) => JSON.parse(r.body));
  }

  sent(account: string, id: string): SentMessage | undefined {
    const r = this.db.prepare<[string, string], { body: string }>('SELECT body FROM sent WHERE account = ? AND id = ?').get(account, id);
    return r && JSON.parse(r.body);
  }

  sentRaw(account: string, id: string): Buffer | undefined {
    const r = this.db.prepare<[string, string], { raw: Buffer | null }>('SELECT raw FROM sent WHERE account = ? AND id = ?').get(account, id);
    return r?.raw ?? undefined;
  }

  close(): void {
    this.db.close();
  }
}
