import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS account_vaults (
  owner       TEXT PRIMARY KEY,
  salt        BLOB NOT NULL,
  check_value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS added_accounts (
  owner      TEXT NOT NULL,
  account    TEXT NOT NULL,
  server_id  TEXT NOT NULL,
  username   TEXT NOT NULL,
  label      TEXT NOT NULL,
  colour     TEXT NOT NULL,
  sealed     BLOB,
  added_at   INTEGER NOT NULL,
  PRIMARY KEY (owner, account)
) WITHOUT ROWID;
`;

/**
 * A person's account as stored. The owner's own row (account = owner) keeps
 * the primary's label and colour and has no secret; every other row is an
 * added account with its password sealed by vault.ts (never in clear).
 */
export interface StoredAccount {
  account: string;
  serverId: string;
  username: string;
  label: string;
  colour: string;
  secret: Buffer | null;
}

export interface StoredVault { salt: Buffer; check: Buffer }

type Row = { account: string; server_id: string; username: string; label: string; colour: string; secret: Buffer | null };

/** Who added which accounts, in the mail store's SQLite file (its own connection, like SendStore). */
export class AccountStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // A deleted password's pages are overwritten, not left in the free list.
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
  }

  static open(dataDir: string): AccountStore {
    if (dataDir === ':memory:') return new AccountStore(':memory:');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, 'popbridge.sqlite');
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    return new AccountStore(file);
  }

  vault(owner: string): StoredVault | undefined {
    const r = this.db.prepare<[string], { salt: Buffer; check_value: Buffer }>(
      'SELECT salt, check_value FROM account_vaults WHERE owner = ?').get(owner);
    return r && { salt: r.salt, check: r.check_value };
  }

  /** Keeps a vault another sign-in created first; returns the one that is stored. */
  createVault(owner: string, v: StoredVault): StoredVault {
    this.db.prepare('INSERT INTO account_vaults (owner, salt, check_value) VALUES (?, ?, ?) ON CONFLICT (owner) DO NOTHING')
      .run(owner, v.salt, v.check);
    return this.vault(owner)!;
  }

  replaceVault(owner: string, v: StoredVault): void {
    this.db.prepare('INSERT OR REPLACE INTO account_vaults (owner, salt, check_value) VALUES (?, ?, ?)').run(owner, v.salt, v.check);
  }

  /** The owner's own row (primary label and colour), if it was ever changed. */
  own(owner: string): StoredAccount | undefined {
    return this.list(owner, true).find((a) => a.account === owner);
  }

  /** The accounts the owner added, oldest first. */
  added(owner: string): StoredAccount[] {
    return this.list(owner, false);
  }

  private list(owner: string, own: boolean): StoredAccount[] {
    const rows = this.db.prepare<[string, string], Row>(
      `SELECT account, server_id, username, label, colour, sealed AS secret FROM added_accounts
       WHERE owner = ? AND (account = ?) = ${own ? 1 : 0} ORDER BY added_at, account`).all(owner, owner);
    return rows.map((r) => ({ account: r.account, serverId: r.server_id, username: r.username, label: r.label, colour: r.colour, secret: r.secret }));
  }

  put(owner: string, a: StoredAccount): void {
    this.db.prepare(
      `INSERT INTO added_accounts (owner, account, server_id, username, label, colour, sealed, added_at)
       VALUES (@owner, @account, @serverId, @username, @label, @colour, @secret, @now)
       ON CONFLICT (owner, account) DO UPDATE SET label = excluded.label, colour = excluded.colour, sealed = excluded.sealed`,
    ).run({ owner, ...a, now: Date.now() });
  }

  remove(owner: string, account: string): void {
    this.db.prepare('DELETE FROM added_accounts WHERE owner = ? AND account = ?').run(owner, account);
  }

  /**
   * Some other person also has this account in their inbox (its cached mail is theirs too): added
   * it, or signs in with it as their own (every primary that signed in has a vault).
   */
  addedByOthers(owner: string, account: string): boolean {
    return this.db.prepare(`SELECT 1 FROM added_accounts WHERE account = @account AND owner <> @owner AND owner <> account
      UNION ALL SELECT 1 FROM account_vaults WHERE owner = @account AND owner <> @owner LIMIT 1`)
      .get({ account, owner }) !== undefined;
  }

  close(): void {
    this.db.close();
  }
}
