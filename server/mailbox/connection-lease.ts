import { BridgeError, toApiError } from '../errors.ts';
import type { Listing } from './listing.ts';
import type { Credentials, MailboxClient, Pop3Connector } from './mailbox-client.ts';
import type { ConnectionLimiter, OnPosition, Release } from './limiter.ts';

export interface LeaseOptions {
  serverId: string;
  limiter: ConnectionLimiter;
  connector: Pop3Connector;
  idleCloseMs: number;
  log: { warn(obj: object, msg: string): void };
  /** Waiting for a free slot under the server's connection cap (position, seconds at most). */
  onQueued: OnPosition;
  /** The connection must stay open though nothing runs (a delete waits in its Undo window). */
  holding?: () => boolean;
  onConnecting(): void;
  now?: () => number;
}

/** A logged-in connection and, once listed, its listing: message numbers are valid only with it. */
export interface OpenConnection {
  readonly client: MailboxClient;
  listing: Listing | null;
}

const sessionEnded = (): BridgeError => new BridgeError('SESSION_EXPIRED');

/**
 * One account's POP3 connection: at most one at a time, used by one action
 * at a time (`run`), closed with QUIT after `idleCloseMs` unused so phones
 * and other clients can get in, opened no sooner than LOGIN-DELAY allows,
 * and counted against the server's connection cap until the socket closes.
 * An idle connection (nothing running or queued, nothing `holding` it)
 * yields its slot at once to anyone queued for the same server.
 */
export class ConnectionLease {
  private current: OpenConnection | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Actions queued or running. */
  private pending = 0;
  /** The current connection's slot under the cap. */
  private slot: Release | null = null;
  private lastLoginAt = Number.NEGATIVE_INFINITY;
  private loginDelayMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly now: () => number;

  constructor(private readonly options: LeaseOptions) {
    this.now = options.now ?? Date.now;
  }

  get connection(): OpenConnection | null { return this.current; }

  /** Milliseconds until the server accepts another login (RFC 2449 LOGIN-DELAY). */
  loginDelayLeftMs(): number {
    return Math.max(0, this.lastLoginAt + this.loginDelayMs - this.now());
  }

  /** Milliseconds since the last login (sign-in included). */
  sinceLoginMs(): number {
    return this.now() - this.lastLoginAt;
  }

  /** Runs `action` after every action queued before it, so a connection never sees two interleaved. */
  run<T>(action: () => Promise<T>): Promise<T> {
    if (this.ended) return Promise.reject(sessionEnded());
    clearTimeout(this.idleTimer);
    if (this.slot) this.options.limiter.inUseAgain(this.slot);
    this.pending++;
    const result = this.queue.then(action);
    const settled = (): void => { this.pending--; this.armIdle(); };
    this.queue = result.then(settled, settled);
    return result;
  }

  /**
   * Takes over a connection logged in elsewhere (the sign-in check), in the
   * queue like any action: one that connected meanwhile keeps its connection,
   * and this one is QUIT (giving its slot and the maildrop lock back).
   */
  async adopt(client: MailboxClient, release: Release): Promise<void> {
    const surplus = async (): Promise<void> => {
      client.onClose(() => release());
      try { await client.quit(); } catch { client.destroy(); }
    };
    if (this.ended) return surplus();
    await this.run(async () => {
      if (this.current) return surplus();
      this.attach(client, release);
    });
  }

  /** The current connection, or a new login. Call inside `run`. */
  async connect(credentials: Credentials | null): Promise<OpenConnection> {
    if (this.current) return this.current;
    if (!credentials) throw sessionEnded();
    const wait = this.loginDelayLeftMs();
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new BridgeError('LOGIN_DELAY', { retryAfterSeconds: seconds });
    }
    const release = await this.options.limiter.acquire(this.options.onQueued);
    this.options.onConnecting();
    let client: MailboxClient;
    try {
      client = await this.options.connector(this.options.serverId, credentials);
    } catch (e) {
      release(); // no connection was made: nothing else will give the slot back
      throw e;
    }
    return this.attach(client, release);
  }

  /** QUIT. Commits nothing unless DELE was sent, which only the delete commit does. */
  async close(): Promise<void> {
    const open = this.current;
    if (!open) return;
    this.current = null;
    try { await open.client.quit(); } catch { open.client.destroy(); }
  }

  /** Drops the connection without QUIT: nothing marked is committed, its numbers are never used again. */
  drop(open: OpenConnection): void {
    if (this.current === open) this.current = null;
    open.client.destroy();
  }

  /** No more actions; the connection is closed by the caller's last one. */
  end(): void {
    this.ended = true;
    clearTimeout(this.idleTimer);
  }

  private attach(client: MailboxClient, release: Release): OpenConnection {
    this.lastLoginAt = this.now();
    this.loginDelayMs = (client.capabilities.loginDelay?.seconds ?? 0) * 1000;
    const open: OpenConnection = { client, listing: null };
    this.current = open;
    this.slot = release;
    // The one place a connection gives its slot back: whatever ends it (QUIT,
    // drop, the server) closes the socket, and every close lands here.
    client.onClose(() => {
      release();
      if (this.slot === release) this.slot = null;
      if (this.current === open) this.current = null;
    });
    return open;
  }

  /** Something that held the connection let go of it (an undone delete): idle now unless an action runs. */
  released(): void {
    if (this.pending === 0) this.armIdle();
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.ended || !this.current || this.pending > 0) return;
    // Offered even while a delete waits: whether it may go is decided when someone asks (yieldSlot).
    if (this.slot) this.options.limiter.idle(this.slot, () => this.yieldSlot());
    // Pending deletes are not committed here: no DELE has been sent for them, so this QUIT deletes nothing.
    this.idleTimer = setTimeout(() => {
      this.run(() => this.close())
        .catch((e) => this.options.log.warn({ code: toApiError(e).code }, 'idle close failed'));
    }, this.options.idleCloseMs);
    this.idleTimer.unref();
  }

  /** Asked by the limiter for someone queued: QUIT (commits nothing, no DELE was sent); the next action logs in again. */
  private yieldSlot(): boolean {
    if (this.ended || !this.current || this.pending > 0 || this.options.holding?.()) return false;
    this.run(() => this.close())
      .catch((e) => this.options.log.warn({ code: toApiError(e).code }, 'closing an idle connection for a waiting user failed'));
    return true;
  }
}
