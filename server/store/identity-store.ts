import type Database from 'better-sqlite3';
import type { IdentityInput } from '../../shared/api/index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS identities (
  account      TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  signature    TEXT NOT NULL
) WITHOUT ROWID;
`;

const NONE: IdentityInput = { displayName: '', signature: '' };

/**
 * How each account signs what it sends: the From display name and a
 * plain-text signature. Shares the send store's SQLite connection (the same
 * 0600 file), so an account's identity stays beside its drafts and Sent mail.
 */
export class IdentityStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  /** The stored identity, or empty name and signature when the person never set one. */
  get(account: string): IdentityInput {
    const r = this.db.prepare<[string], { display_name: string; signature: string }>(
      'SELECT display_name, signature FROM identities WHERE account = ?',
    ).get(account);
    return r ? { displayName: r.display_name, signature: r.signature } : { ...NONE };
  }

  put(account: string, identity: IdentityInput): void {
    this.db.prepare(`INSERT INTO identities (account, display_name, signature) VALUES (?, ?, ?)
      ON CONFLICT (account) DO UPDATE SET display_name = excluded.display_name, signature = excluded.signature`)
      .run(account, identity.displayName, identity.signature);
  }
}
