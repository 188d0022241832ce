import { timingSafeEqual } from 'node:crypto';
import type { ApiError, ServerEvent, Summary } from '../../shared/api/index.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { MailStore, StoredMessage } from '../store/store.ts';
import type { Credentials, MailboxClient, Pop3Connector } from './mailbox-client.ts';
import { duplicateSignature } from './keys.ts';
import type { ConnectionLimiter, Release } from './limiter.ts';
import { buildListing, fetchHeaders, type Listing } from './listing.ts';
import type { ListingEntry } from './keys.ts';
import { summarize } from './summary.ts';

/** Summaries per `summaries` event: small enough to render as they arrive, large enough to be cheap. */
const BATCH = 500;
/** The first batch of a listing: what fills the first screen. */
const FIRST_BATCH = 50;
/** Reconcile by Message-ID and size when more than this share of the listing is unknown. */
const MIGRATION_SHARE = 0.5;

export interface MailboxOptions {
  account: string;
  serverId: string;
  limiter: ConnectionLimiter;
  connector: Pop3Connector;
  store: MailStore;
  idleCloseMs: number;
  refreshIntervalMs: number;
  deleteGraceMs: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

type Listener = (event: ServerEvent) => void;

interface OpenConnection {
  client: MailboxClient;
  release: Release;
  listing: Listing | null;
  /** Generation of the listing; a key's delete info records the one it was seen in. */
  gen: number;
}

interface DeleteTarget { size: number; signature: string | null; id: string; base: string }

/**
 * One account's mailbox, shared by all tabs of that user: at most one POP3
 * connection, an in-memory view of the last listing, and pending deletes.
 * Every POP3 action runs through `run`, one at a time, so a connection never
 * sees interleaved commands from two tabs.
 */
export class MailboxSession {
  private credentials: Credentials | null;
  private conn: OpenConnection | null = null;
  private gen = 0;
  /** Keys of the last listing, newest first, with what a delete must match. */
  private view: { keys: string[]; targets: Map<string, DeleteTarget> } | null = null;
  private readonly pending = new Map<string, DeleteTarget>();
  /** Deletes whose QUIT never got its +OK: settled by the next listing. */
  private readonly unknown = new Map<string, DeleteTarget>();
  private readonly listeners = new Set<Listener>();
  private chain: Promise<unknown> = Promise.resolve();
  private lastLoginAt = 0;
  private loginDelayMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: MailboxOptions, credentials: Credentials) {
    this.credentials = { ...credentials };
  }

  get hasConnection(): boolean { return this.conn !== null; }
  get pendingKeys(): string[] { return [...this.pending.keys()]; }

  passwordMatches(password: string): boolean {
    const a = Buffer.from(this.credentials?.password ?? '\0');
    const b = Buffer.from(password);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  setCredentials(c: Credentials): void { this.credentials = { ...c }; }

  /** Take over the connection that verified the sign-in, so the first listing needs no second login. */
  adopt(client: MailboxClient, release: Release): void {
    this.lastLoginAt = Date.now();
    this.loginDelayMs = (client.capabilities.loginDelay?.seconds ?? 0) * 1000;
    this.attach(client, release);
    this.armIdle();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    this.armRefresh();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) { clearInterval(this.refreshTimer); this.refreshTimer = undefined; }
    };
  }

  private emit(event: ServerEvent): void {
    for (const l of this.listeners) {
      try { l(event); } catch { /* a broken socket must not stop the others */ }
    }
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new BridgeError('SESSION_EXPIRED'));
    clearTimeout(this.idleTimer);
    const p = this.chain.then(fn);
    this.chain = p.then(() => this.armIdle(), () => this.armIdle());
    return p;
  }

  // ------------------------------------------------------------ connection

  private attach(client: MailboxClient, release: Release): void {
    const c: OpenConnection = { client, release, listing: null, gen: 0 };
    this.conn = c;
    client.onClose(() => {
      release();
      if (this.conn === c) this.conn = null;
    });
  }

  private loginDelayLeftMs(): number {
    return Math.max(0, this.lastLoginAt + this.loginDelayMs - Date.now());
  }

  private async open(): Promise<OpenConnection> {
    if (!this.credentials) throw new BridgeError('SESSION_EXPIRED');
    const wait = this.loginDelayLeftMs();
    if (wait > 0) {
      const s = Math.ceil(wait / 1000);
      throw new BridgeError('LOGIN_DELAY', { retryAfterSeconds: s });
    }
    const release = await this.o.limiter.acquire((position) =>
      this.emit({ type: 'syncProgress', phase: 'queued', loaded: 0, total: 0, queuePosition: position }));
    this.emit({ type: 'syncProgress', phase: 'connecting', loaded: 0, total: 0 });
    let client: MailboxClient;
    try {
      client = await this.o.connector(this.o.serverId, this.credentials);
    } catch (e) {
      release();
      throw e;
    }
    this.lastLoginAt = Date.now();
    this.loginDelayMs = (client.capabilities.loginDelay?.seconds ?? 0) * 1000;
    this.attach(client, release);
    return this.conn!;
  }

  /** QUIT without DELE pending: nothing is deleted by it. */
  private async closeConnection(): Promise<void> {
    const c = this.conn;
    if (!c) return;
    this.conn = null;
    try { await c.client.quit(); } catch { c.client.destroy(); } finally { c.release(); }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.closed || !this.conn) return;
    // Pending deletes are not committed here: their undo window is the grace
    // timer's to close. No DELE has been sent for them, so this QUIT deletes nothing.
    this.idleTimer = setTimeout(() => {
      this.run(() => this.closeConnection())
        .catch((e) => this.o.log.warn({ code: toApiError(e).code }, 'idle close failed'));
    }, this.o.idleCloseMs);
    this.idleTimer.unref();
  }

  private armRefresh(): void {
    if (this.refreshTimer || this.o.refreshIntervalMs <= 0) return;
    this.refreshTimer = setInterval(() => {
      if (this.loginDelayLeftMs() > 0) return;
      this.sync(null, true).catch(() => { /* reported as syncFailed */ });
    }, this.o.refreshIntervalMs);
    this.refreshTimer.unref();
  }

  // ------------------------------------------------------------ listing

  /**
   * `refresh`: a new connection (a maildrop is a snapshot). Otherwise the
   * current view is replayed to `requester` alone when there is one.
   */
  sync(requester: Listener | null, refresh: boolean): Promise<void> {
    return this.run(async () => {
      try {
        if (refresh && this.conn?.listing) {
          const wait = this.loginDelayLeftMs();
          if (wait > 0) {
            const seconds = Math.ceil(wait / 1000);
            this.emit({ type: 'mailboxNotice', notice: 'LOGIN_DELAY', seconds });
            refresh = false;
          } else {
            await this.closeConnection();
          }
        }
        if (!refresh && this.view && (!this.conn || this.conn.listing)) {
          if (requester) this.replay(requester);
          return;
        }
        await this.ensureListing();
      } catch (e) {
        this.emit({ type: 'syncFailed', error: toApiError(e) });
        throw e;
      }
    });
  }

  private async ensureListing(): Promise<OpenConnection> {
    const c = this.conn ?? (await this.open());
    if (c.listing) return c;
    this.emit({ type: 'syncProgress', phase: 'listing', loaded: 0, total: 0 });
    try {
      c.listing = await buildListing(c.client);
    } catch (e) {
      await this.dropAfterError(c);
      throw e;
    }
    c.gen = ++this.gen;
    try {
      await this.publish(c, c.listing);
    } catch (e) {
      await this.dropAfterError(c);
      throw e;
    }
    return c;
  }

  private async dropAfterError(c: OpenConnection): Promise<void> {
    if (this.conn === c) this.conn = null;
    c.client.destroy();
    c.release();
  }

  private notices(): ServerEvent[] {
    const expire = this.conn?.client.capabilities.expire;
    if (!expire || expire.days === 'NEVER') return [];
    if (expire.days === 0) {
      return [{ type: 'mailboxNotice', notice: 'EXPIRE_ON_READ', days: 0 }];
    }
    return [{ type: 'mailboxNotice', notice: 'EXPIRE_DAYS', days: expire.days }];
  }

  private replay(to: Listener): void {
    if (!this.view) return;
    const stored = this.o.store.list(this.o.account);
    for (const n of this.notices()) to(n);
    to({ type: 'syncStarted', total: this.view.keys.length });
    let batch: Summary[] = [];
    this.view.keys.forEach((key, index) => {
      const s = stored.get(key);
      if (!s) return;
      batch.push({ ...s.summary, index, seen: s.seen });
      if (batch.length >= BATCH) { to({ type: 'summaries', items: batch }); batch = []; }
    });
    if (batch.length) to({ type: 'summaries', items: batch });
    if (this.pending.size) to({ type: 'deletionPending', keys: [...this.pending.keys()] });
    to({ type: 'syncDone', total: this.view.keys.length });
  }

  /** Send a fresh listing to every tab: cached summaries first, then the new ones as TOP returns them. */
  private async publish(c: OpenConnection, listing: Listing): Promise<void> {
    const account = this.o.account;
    const newest = [...listing.entries].reverse();
    const total = newest.length;
    const index = new Map(newest.map((e, i) => [e.key, i]));
    const stored = this.o.store.list(account);
    const previous = this.view ? new Set(this.view.keys) : null;

    this.settleUnknown(listing);
    for (const n of this.notices()) this.emit(n);
    this.emit({ type: 'syncStarted', total });

    const missing = newest.filter((e) => stored.get(e.key)?.size !== e.size);
    let batch: Summary[] = [];
    let loaded = 0;
    for (const e of newest) {
      const s = stored.get(e.key);
      if (!s || s.size !== e.size) continue;
      batch.push({ ...s.summary, index: index.get(e.key)!, seen: s.seen });
      loaded++;
      if (batch.length >= (loaded <= FIRST_BATCH ? FIRST_BATCH : BATCH)) { this.emit({ type: 'summaries', items: batch }); batch = []; }
    }
    if (batch.length) this.emit({ type: 'summaries', items: batch });
    this.emit({ type: 'syncProgress', phase: 'summaries', loaded, total });

    // A server migration changes most unique-ids at once: carry seen flags over by Message-ID and size.
    const gone = [...stored.values()].filter((s) => !listing.byKey.has(s.key));
    const migration = missing.length > MIGRATION_SHARE * total && gone.length > 0;
    const byMessageId = new Map<string, StoredMessage>();
    if (migration) for (const s of gone) if (s.messageId) byMessageId.set(`${s.messageId}\0${s.size}`, s);
    let reconciled = 0;

    // Every missing header goes out in one pipelined stream (no round trip per
    // batch); each reply is summarised as it arrives and sent on in batches,
    // the first one small so the first rows paint early.
    // Rows are stored once the listing is out: the cache is not on the path to the screen.
    const rows: Array<Omit<StoredMessage, 'seen'> & { seen?: boolean }> = [];
    let items: Summary[] = [];
    const flush = (): void => {
      if (items.length === 0) return;
      loaded += items.length;
      this.emit({ type: 'summaries', items });
      this.emit({ type: 'syncProgress', phase: 'summaries', loaded, total });
      items = [];
    };
    const add = (e: ListingEntry, header: Uint8Array | null): void => {
      const { summary, messageId } = summarize(e.key, e.size, header ?? new Uint8Array());
      const match = migration && messageId ? byMessageId.get(`${messageId}\0${e.size}`) : undefined;
      if (match) reconciled++;
      const seen = match?.seen ?? stored.get(e.key)?.seen ?? false;
      rows.push({ key: e.key, size: e.size, messageId, summary, seen });
      items.push({ ...summary, index: index.get(e.key)!, seen });
      if (items.length >= (loaded === 0 ? FIRST_BATCH : BATCH)) flush();
    };
    const byMsg = new Map(missing.map((e) => [e.msg, e]));
    for (const e of missing) if (listing.headers.has(e.msg)) add(e, listing.headers.get(e.msg)!);
    await fetchHeaders(c.client, missing.filter((e) => !listing.headers.has(e.msg)).map((e) => e.msg), (msg, h) => add(byMsg.get(msg)!, h));
    flush();
    listing.headers.clear();

    const removed = new Set(gone.map((s) => s.key));
    if (previous) for (const k of previous) if (!listing.byKey.has(k)) removed.add(k);
    if (removed.size) {
      this.o.store.remove(account, [...removed]);
      this.emit({ type: 'removed', keys: [...removed] });
    }
    // A pending delete whose message is gone is dropped; one whose unique-id is
    // still there under another key is left for the commit to refuse, never guessed.
    for (const [k, t] of this.pending) {
      if (!listing.byKey.has(k) && !listing.entries.some((x) => x.base === t.base)) this.pending.delete(k);
    }

    const targets = new Map<string, DeleteTarget>();
    for (const e of listing.entries) targets.set(e.key, { size: e.size, id: e.id, base: e.base, signature: duplicateSignature(listing.entries, e) });
    this.view = { keys: newest.map((e) => e.key), targets };

    if (previous) {
      const fresh = missing.filter((e) => !previous.has(e.key)).length - reconciled;
      if (fresh > 0) this.emit({ type: 'newMail', count: fresh });
    }
    this.emit({ type: 'syncDone', total });
    // In the same turn as syncDone, so no request sees the view without its cache rows.
    if (rows.length) this.o.store.put(account, rows);
  }

  private settleUnknown(listing: Listing): void {
    if (this.unknown.size === 0) return;
    const committed: string[] = [];
    const failed: string[] = [];
    for (const [key, t] of this.unknown) {
      const e = listing.byKey.get(key);
      if (e && e.size === t.size) failed.push(key); else committed.push(key);
    }
    this.unknown.clear();
    if (committed.length) {
      this.o.store.remove(this.o.account, committed);
      this.emit({ type: 'deletionCommitted', keys: committed });
    }
    if (failed.length) {
      this.emit({ type: 'deletionFailed', keys: failed, error: { code: 'CONNECTION_CLOSED' } });
    }
  }

  // ------------------------------------------------------------ seen flags

  markSeen(keys: string[], seen: boolean): string[] {
    const known = this.view ? keys.filter((k) => this.view!.targets.has(k)) : [];
    this.o.store.setSeen(this.o.account, known, seen);
    if (known.length) this.emit({ type: 'seenChanged', keys: known, seen });
    return known;
  }

  // ------------------------------------------------------------ deletes

  /** Mark for deletion; nothing is sent until the commit, so undo needs no RSET. */
  markDelete(keys: string[]): string[] {
    if (!this.view) throw new BridgeError('BAD_REQUEST');
    const accepted: string[] = [];
    for (const k of keys) {
      const t = this.view.targets.get(k);
      if (!t || this.unknown.has(k)) continue;
      this.pending.set(k, t);
      accepted.push(k);
    }
    if (accepted.length === 0) throw new BridgeError('MESSAGE_GONE');
    this.emit({ type: 'deletionPending', keys: [...this.pending.keys()] });
    this.armGrace();
    return accepted;
  }

  undoDelete(keys: string[]): string[] {
    const restored = keys.filter((k) => this.pending.delete(k));
    this.emit({ type: 'deletionPending', keys: [...this.pending.keys()] });
    if (this.pending.size === 0) clearTimeout(this.graceTimer);
    return restored;
  }

  get deleteGraceMs(): number { return this.o.deleteGraceMs; }

  private armGrace(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      this.commitDeletes().catch((e) => {
        const err = toApiError(e);
        if (err.code === 'LOGIN_DELAY' && this.pending.size) {
          this.graceTimer = setTimeout(() => this.armGrace(), (err.retryAfterSeconds ?? 1) * 1000);
          this.graceTimer.unref();
        }
      });
    }, this.o.deleteGraceMs);
    this.graceTimer.unref();
  }

  commitDeletes(): Promise<{ committed: string[]; failed: string[] }> {
    clearTimeout(this.graceTimer);
    return this.run(() => this.commitInner());
  }

  /**
   * DELE by numbers from this connection's own UIDL listing, then QUIT: only
   * QUIT's +OK commits. A key whose message cannot be found again with the
   * same size (and, for a repeated unique-id, the same set of duplicates)
   * is refused, never guessed.
   */
  private async commitInner(): Promise<{ committed: string[]; failed: string[] }> {
    if (this.pending.size === 0) return { committed: [], failed: [] };
    const c = await this.ensureListing();
    const listing = c.listing!;
    const work = [...this.pending];
    for (const [k] of work) this.pending.delete(k);

    const committed: string[] = [];
    const failures = new Map<string, ApiError>();
    const sent: Array<[string, DeleteTarget]> = [];
    let dropped = false;
    for (const [key, target] of work) {
      const e = listing.byKey.get(key);
      if (!e) {
        const idStillThere = listing.entries.some((x) => x.base === target.base);
        if (idStillThere) failures.set(key, { code: 'AMBIGUOUS_MESSAGE' });
        else committed.push(key); // already gone from the server
        continue;
      }
      if (e.size !== target.size || duplicateSignature(listing.entries, e) !== target.signature) {
        failures.set(key, { code: 'AMBIGUOUS_MESSAGE' });
        continue;
      }
      try {
        sent.push([key, target]);
        await c.client.dele(e.msg);
      } catch (err) {
        const apiErr = toApiError(err);
        if (apiErr.code === 'COMMAND_FAILED') { sent.pop(); failures.set(key, apiErr); continue; }
        dropped = true;
        break;
      }
    }
    if (dropped) {
      for (const [k, t] of work) if (!failures.has(k) && !committed.includes(k)) this.unknown.set(k, t);
    } else {
      this.conn = null;
      try {
        await c.client.quit();
        for (const [k] of sent) committed.push(k);
      } catch {
        for (const [k, t] of sent) this.unknown.set(k, t);
        c.client.destroy();
      } finally {
        c.release();
      }
    }
    if (this.conn === c) await this.dropAfterError(c);

    if (committed.length) {
      this.o.store.remove(this.o.account, committed);
      if (this.view) {
        const gone = new Set(committed);
        this.view.keys = this.view.keys.filter((k) => !gone.has(k));
        for (const k of committed) this.view.targets.delete(k);
      }
      this.emit({ type: 'deletionCommitted', keys: committed });
    }
    const byCode = new Map<string, { keys: string[]; error: ApiError }>();
    for (const [k, err] of failures) {
      const g = byCode.get(err.code) ?? { keys: [], error: err };
      g.keys.push(k);
      byCode.set(err.code, g);
    }
    for (const g of byCode.values()) this.emit({ type: 'deletionFailed', keys: g.keys, error: g.error });
    this.emit({ type: 'deletionPending', keys: [...this.pending.keys()] });

    if (this.unknown.size) {
      // Settle now with a new connection's UIDL list; if that fails, the next sync settles it.
      try { await this.ensureListing(); } catch { /* reported via syncFailed by the next sync */ }
    }
    const failed = [...failures.keys()];
    return { committed, failed };
  }

  // ------------------------------------------------------------ raw message

  /**
   * RETR a message in the current connection. The returned iterable holds the
   * mailbox lock until consumed or closed; closing early drains the rest so
   * the connection stays in step.
   */
  async openMessage(key: string): Promise<{ size: number; body: AsyncIterable<Uint8Array> }> {
    let finish!: () => void;
    const done = new Promise<void>((r) => { finish = r; });
    let ready!: (v: { size: number; body: AsyncIterable<Uint8Array> }) => void;
    let fail!: (e: unknown) => void;
    const result = new Promise<{ size: number; body: AsyncIterable<Uint8Array> }>((res, rej) => { ready = res; fail = rej; });
    this.run(async () => {
      const c = await this.ensureListing();
      const e = c.listing!.byKey.get(key);
      if (!e) throw new BridgeError('MESSAGE_GONE');
      const it = c.client.retr(e.msg)[Symbol.asyncIterator]();
      async function* body(): AsyncGenerator<Uint8Array> {
        let finished = false;
        try {
          for (;;) {
            const r = await it.next();
            if (r.done) { finished = true; return; }
            yield r.value;
          }
        } finally {
          try { if (!finished) while (!(await it.next()).done) { /* drain */ } } catch { /* connection dropped; onClose cleans up */ }
          finish();
        }
      }
      ready({ size: e.size, body: body() });
      await done;
    }).catch((e) => { fail(e); finish(); });
    return result;
  }

  /** QUIT without touching pending deletes (they stay pending). */
  disconnect(): Promise<void> {
    return this.run(() => this.closeConnection());
  }

  // ------------------------------------------------------------ end

  /** Sign-out or expiry: commit what the user deleted, QUIT, wipe credentials. */
  async shutdown(): Promise<void> {
    clearTimeout(this.graceTimer);
    clearInterval(this.refreshTimer);
    try {
      await this.run(async () => {
        if (this.pending.size) {
          const keys = this.pending.size;
          await this.commitInner().catch((e) => {
            // Nothing is deleted when the commit fails; say so rather than drop it silently.
            this.o.log.warn({ code: toApiError(e).code, keys }, 'pending deletes not committed at sign-out');
            this.emit({ type: 'deletionFailed', keys: [...this.pending.keys()], error: toApiError(e) });
          });
        }
        await this.closeConnection();
      });
    } finally {
      this.closed = true;
      clearTimeout(this.idleTimer);
      if (this.credentials) { this.credentials.password = ''; this.credentials = null; }
      this.listeners.clear();
    }
  }
}
