import { timingSafeEqual } from 'node:crypto';
import type { MailboxEvent } from './events.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { MailStore } from '../store/store.ts';
import { ConnectionLease, type OpenConnection } from './connection-lease.ts';
import { Deletes } from './deletes.ts';
import type { ConnectionLimiter, Release } from './limiter.ts';
import { buildListing } from './listing.ts';
import type { Credentials, MailboxClient, Pop3Connector } from './mailbox-client.ts';
import { expireNotices, replayEvents, type MailboxView } from './publish-plan.ts';
import { publishListing } from './publisher.ts';
import { refreshRefusal } from './refresh-limit.ts';
import { openRawMessage, type RawMessage } from './raw-message.ts';
import { markSeen } from './seen-flags.ts';
import { SyncRequests, type Listener } from './sync-requests.ts';

/**
 * Why a mailbox ends. Only the user's sign-out commits every delete they
 * made; expiry and a server shutdown commit only those past their Undo window.
 */
export type EndReason = 'signOut' | 'expired' | 'shutdown';

const DEFAULT_LISTING_TIMEOUT_MS = 300_000;

export interface MailboxOptions {
  account: string;
  serverId: string;
  limiter: ConnectionLimiter;
  connector: Pop3Connector;
  store: MailStore;
  idleCloseMs: number;
  refreshIntervalMs: number;
  /** A refresh logs in again at most this often (a refresh flood is not a login storm at the provider). */
  minRefreshIntervalMs: number;
  deleteGraceMs: number;
  /** The server's label, named in errors that blame it (default: its id). */
  serverLabel?: string;
  /** A listing (LIST, UIDL and every header) that takes longer fails with SERVER_TOO_SLOW (default 5 min). */
  listingTimeoutMs?: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  now?: () => number;
}

/**
 * One account's mailbox, shared by all tabs of that user: the connection
 * lease, the tabs' view of the last listing, and the deletes in flight.
 * Every POP3 action runs through the lease's queue, one at a time.
 */
export class MailboxSession {
  private credentials: Credentials | null;
  private readonly lease: ConnectionLease;
  private readonly requests: SyncRequests;
  private view: MailboxView | null = null;
  private readonly deletes: Deletes;
  private readonly listeners = new Set<Listener>();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MailboxOptions, credentials: Credentials) {
    this.credentials = { ...credentials };
    this.lease = new ConnectionLease({
      ...options,
      onQueued: (position) => this.emit({ type: 'syncProgress', phase: 'queued', loaded: 0, total: 0, queuePosition: position }),
      onConnecting: () => this.emit({ type: 'syncProgress', phase: 'connecting', loaded: 0, total: 0 }),
    });
    this.requests = new SyncRequests((action) => this.lease.run(action));
    this.deletes = new Deletes({
      account: options.account, store: options.store, graceMs: options.deleteGraceMs,
      emit: (e) => this.emit(e), view: () => this.view, run: (action) => this.lease.run(action),
      listed: () => this.listed(), drop: (open) => this.lease.drop(open),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  get hasConnection(): boolean { return this.lease.connection !== null; }
  get pendingKeys(): string[] { return this.deletes.pendingKeys; }
  get deleteGraceMs(): number { return this.options.deleteGraceMs; }

  passwordMatches(password: string): boolean {
    const known = Buffer.from(this.credentials?.password ?? '\0');
    const given = Buffer.from(password);
    return known.length === given.length && timingSafeEqual(known, given);
  }

  /** The sign-in credentials, for SMTP submission as the same user; null once the mailbox ended. */
  get sendCredentials(): Credentials | null { return this.credentials ? { ...this.credentials } : null; }

  setCredentials(credentials: Credentials): void { this.credentials = { ...credentials }; }

  /** Take over the connection that verified the sign-in, so the first listing needs no second login. */
  adopt(client: MailboxClient, release: Release): Promise<void> { return this.lease.adopt(client, release); }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (!this.refreshTimer && this.options.refreshIntervalMs > 0) {
      this.refreshTimer = setInterval(() => {
        if (!this.refreshRefusal()) this.sync(null, true).catch(() => { /* reported as syncFailed */ });
      }, this.options.refreshIntervalMs);
      this.refreshTimer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) { clearInterval(this.refreshTimer); this.refreshTimer = undefined; }
    };
  }

  private emit(event: MailboxEvent): void {
    for (const listener of this.listeners) {
      try { listener(event); } catch { /* a broken socket must not stop the others */ }
    }
  }

  /**
   * `refresh`: a new connection (a maildrop is a snapshot), or, sooner than
   * the limits allow, the current view with a notice. Otherwise the current
   * view is replayed to `requester` alone when there is one.
   */
  sync(requester: Listener | null, refresh: boolean): Promise<void> {
    if (refresh) return this.requests.refresh(requester, (take) => this.reportingFailure(this.refreshNow(take)));
    return this.requests.replay(requester, () => this.reportingFailure(this.replayOrList(requester)));
  }

  private async reportingFailure(work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (e) {
      this.emit({ type: 'syncFailed', error: toApiError(e) });
      throw e;
    }
  }

  private async replayOrList(requester: Listener | null): Promise<void> {
    const open = this.lease.connection;
    if (this.view && (!open || open.listing)) { if (requester) this.replayTo(requester); return; }
    await this.listed();
  }

  private async refreshNow(takeRequesters: () => Listener[]): Promise<void> {
    const open = this.lease.connection;
    // A connection not listed yet (just signed in) is as fresh as a new one.
    if (open && !open.listing) { await this.listed(); return; }
    const refusal = this.view ? this.refreshRefusal() : null;
    if (refusal) {
      for (const requester of takeRequesters()) { requester(refusal); this.replayTo(requester); }
      return;
    }
    await this.lease.close();
    await this.listed();
  }

  private refreshRefusal(): MailboxEvent | null {
    return refreshRefusal(this.lease.loginDelayLeftMs(), this.lease.sinceLoginMs(), this.options.minRefreshIntervalMs);
  }

  private replayTo(requester: Listener): void {
    if (!this.view) return;
    const notices = expireNotices(this.lease.connection?.client.capabilities);
    for (const event of replayEvents(this.view, this.options.store.list(this.options.account), this.pendingKeys, notices)) requester(event);
  }

  /** The connection, listed and published to every tab. Runs inside the lease's queue. */
  private async listed(): Promise<OpenConnection> {
    const open = await this.lease.connect(this.credentials);
    if (open.listing) return open;
    this.emit({ type: 'syncProgress', phase: 'listing', loaded: 0, total: 0 });
    // Each command has its own timeout, but a server that sends a few octets a second never trips it:
    // the whole listing has a limit too. Dropping the connection ends the commands in flight.
    const limitMs = this.options.listingTimeoutMs ?? DEFAULT_LISTING_TIMEOUT_MS;
    let tooSlow = false;
    const timer = setTimeout(() => { tooSlow = true; this.lease.drop(open); }, limitMs);
    try {
      const listing = await buildListing(open.client);
      open.listing = listing;
      this.deletes.settle(listing.entries);
      const { account, store } = this.options;
      this.view = await publishListing(open.client, listing, this.view, { account, store, emit: (e) => this.emit(e) });
      this.deletes.prune(listing.entries);
    } catch (e) {
      this.lease.drop(open);
      if (!tooSlow) throw e;
      throw new BridgeError('SERVER_TOO_SLOW', {
        serverLabel: this.options.serverLabel ?? this.options.serverId, limit: Math.round(limitMs / 1000),
      });
    } finally {
      clearTimeout(timer);
    }
    return open;
  }

  markSeen(keys: string[], seen: boolean): string[] {
    return markSeen(this.options.store, this.options.account, this.view, keys, seen, (e) => this.emit(e));
  }

  markDelete(keys: string[]): string[] { return this.deletes.mark(keys); }
  undoDelete(keys: string[]): string[] { return this.deletes.undo(keys); }
  commitDeletes(): Promise<{ committed: string[]; failed: string[] }> { return this.deletes.commit(); }

  /** RETR in the current connection, holding it until the body is read (raw-message.ts). */
  openMessage(key: string): Promise<RawMessage> {
    return openRawMessage((action) => this.lease.run(action), () => this.listed(), key);
  }

  /** QUIT without touching pending deletes (they stay pending). */
  disconnect(): Promise<void> {
    return this.lease.run(() => this.lease.close());
  }

  /** Sign-out, expiry or server shutdown: commit what the user deleted (see EndReason), QUIT, wipe credentials. */
  async shutdown(reason: EndReason): Promise<void> {
    clearInterval(this.refreshTimer);
    try {
      await this.lease.run(async () => {
        await this.deletes.commitAtEnd(this.options.log, reason !== 'signOut');
        await this.lease.close();
      });
    } finally {
      this.lease.end();
      if (this.credentials) { this.credentials.password = ''; this.credentials = null; }
      this.listeners.clear();
    }
  }
}
