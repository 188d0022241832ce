import { randomBytes } from 'node:crypto';
import { SessionAccounts } from '../accounts/session-accounts.ts';
import { defaultColour } from '../accounts/colours.ts';
import { BridgeError } from '../errors.ts';

export interface SessionLimits {
  lifetimeMs: number;
  /** A session unused this long ends; 0 = lifetime only. An open socket counts as use. */
  idleMs: number;
  /** Live sessions in all, per account and per client address (stop sign-in floods exhausting memory). */
  maxTotal: number;
  perAccount: number;
  perClient: number;
}

export interface WebSession {
  id: string;
  account: string;
  serverId: string;
  username: string;
  /** Client address at sign-in, for the per-client cap. */
  client: string;
  expiresAt: number;
  lastUsedAt: number;
  /** Open WebSockets (kept alive while any is open; capped per session). */
  sockets: number;
  /** Called when the session ends, to close its sockets. */
  onEnd: Set<() => void>;
  /** The primary and the accounts added to it (server/accounts/). */
  accounts: SessionAccounts;
  /**
   * The key that opens the added accounts' stored passwords (vault.ts),
   * derived from the primary's password; only in memory, zeroed at the end.
   */
  vaultKey: Buffer | null;
}

/**
 * Browser sessions by random cookie id. Only the id travels to the browser;
 * credentials stay with the mailbox session in memory. A full table refuses
 * the new session: a live one is never ended to make room, since that would
 * sign its user out and commit their pending deletes.
 */
export class WebSessions {
  private readonly sessions = new Map<string, WebSession>();
  private readonly byAccount = new Map<string, number>();
  private readonly byClient = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly limits: SessionLimits, private readonly onExpire: (s: WebSession) => void) {
    const every = Math.min(30_000, limits.lifetimeMs, limits.idleMs || Infinity);
    this.sweeper = setInterval(() => this.sweep(), every).unref();
  }

  /** Throws TOO_MANY_SESSIONS when a cap is reached; `replacing` is a session this sign-in will end. */
  assertRoom(account: string, client: string, replacing?: string): void {
    const old = replacing ? this.sessions.get(replacing) : undefined;
    const freed = (n: number, same: boolean) => n - (old && same ? 1 : 0);
    if (this.sessions.size >= this.limits.maxTotal) this.sweep();
    const full = freed(this.sessions.size, true) >= this.limits.maxTotal
      || freed(this.byAccount.get(account) ?? 0, old?.account === account) >= this.limits.perAccount
      || freed(this.byClient.get(client) ?? 0, old?.client === client) >= this.limits.perClient;
    if (full) throw new BridgeError('TOO_MANY_SESSIONS');
  }

  create(account: string, serverId: string, username: string, client: string): WebSession {
    this.assertRoom(account, client);
    const now = Date.now();
    const s: WebSession = {
      id: randomBytes(32).toString('base64url'), account, serverId, username, client,
      expiresAt: now + this.limits.lifetimeMs, lastUsedAt: now, sockets: 0, onEnd: new Set(),
      accounts: new SessionAccounts({ id: account, serverId, username, label: username.slice(0, 40), colour: defaultColour(0), primary: true }),
      vaultKey: null,
    };
    this.sessions.set(s.id, s);
    bump(this.byAccount, account, 1);
    bump(this.byClient, client, 1);
    return s;
  }

  /** The live session with this id; counts as use (idle timeout). */
  get(id: string | undefined): WebSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = Date.now();
    if (this.expired(s, now)) {
      this.expire(s);
      return undefined;
    }
    s.lastUsedAt = now;
    return s;
  }

  /** Sign-out: returns the ended session, if any. */
  end(id: string): WebSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    this.sessions.delete(id);
    bump(this.byAccount, s.account, -1);
    bump(this.byClient, s.client, -1);
    // Wiped like the passwords: nothing opens the stored credentials once the session is gone.
    s.vaultKey?.fill(0);
    s.vaultKey = null;
    for (const f of s.onEnd) f();
    return s;
  }

  private expired(s: WebSession, now: number): boolean {
    if (s.expiresAt <= now) return true;
    return this.limits.idleMs > 0 && s.sockets === 0 && now - s.lastUsedAt >= this.limits.idleMs;
  }

  private expire(s: WebSession): void {
    this.end(s.id);
    this.onExpire(s);
  }

  sweep(): void {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) if (this.expired(s, now)) this.expire(s);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.sessions.keys()]) this.end(id);
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n); else counts.delete(key);
}
