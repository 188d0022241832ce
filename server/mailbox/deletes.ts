import type { MailboxEvent } from './events.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { MailStore } from '../store/store.ts';
import type { OpenConnection } from './connection-lease.ts';
import { commitPlan, failureGroups } from './delete-commit.ts';
import { pendingToDrop, planDeletes, settleUnconfirmed, type DeleteTarget } from './delete-plan.ts';
import type { ListingEntry } from './keys.ts';
import type { MailboxView } from './publish-plan.ts';

export interface DeleteHost {
  account: string;
  store: MailStore;
  graceMs: number;
  emit(event: MailboxEvent): void;
  view(): MailboxView | null;
  /** Runs an action in the connection's queue. */
  run<T>(action: () => Promise<T>): Promise<T>;
  /** The connection, listed (and so settled and pruned). Inside `run`. */
  listed(): Promise<OpenConnection>;
  drop(open: OpenConnection): void;
  now?: () => number;
}

/**
 * The delete state machine: pending (undo possible, nothing sent) ->
 * committed by QUIT's +OK, refused, or unsettled (the connection dropped
 * before the +OK) until the next listing says. delete-plan.ts decides which
 * numbers get DELE; this keeps the state and tells the tabs.
 */
export class Deletes {
  private readonly pending = new Map<string, DeleteTarget>();
  /** When each pending key was marked: its Undo window ends `graceMs` later. */
  private readonly markedAt = new Map<string, number>();
  private readonly unsettled = new Map<string, DeleteTarget>();
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly host: DeleteHost) {
    this.now = host.now ?? Date.now;
  }

  get pendingKeys(): string[] { return [...this.pending.keys()]; }

  /** Mark for deletion; nothing is sent until the commit, so undo needs no RSET. */
  mark(keys: string[]): string[] {
    const view = this.host.view();
    if (!view) throw new BridgeError('BAD_REQUEST');
    const accepted = keys.filter((k) => view.targets.has(k) && !this.unsettled.has(k));
    if (accepted.length === 0) throw new BridgeError('MESSAGE_GONE');
    for (const k of accepted) {
      if (!this.pending.has(k)) this.markedAt.set(k, this.now());
      this.pending.set(k, view.targets.get(k)!);
    }
    this.host.emit({ type: 'deletionPending', keys: this.pendingKeys });
    this.armGrace();
    return accepted;
  }

  undo(keys: string[]): string[] {
    const restored = keys.filter((k) => this.pending.delete(k));
    for (const k of restored) this.markedAt.delete(k);
    this.host.emit({ type: 'deletionPending', keys: this.pendingKeys });
    if (this.pending.size === 0) clearTimeout(this.graceTimer);
    return restored;
  }

  /** The user's explicit commit: every pending key, Undo window or not. */
  commit(): Promise<{ committed: string[]; failed: string[] }> {
    clearTimeout(this.graceTimer);
    return this.host.run(() => this.commitNow(false));
  }

  /**
   * The mailbox ends: commit inside the action already running; a failure is
   * told, never silent. `dueOnly` (expiry, restart): deletes still inside
   * their Undo window are not committed (the messages stay on the server).
   */
  async commitAtEnd(log: { warn(obj: object, msg: string): void }, dueOnly: boolean): Promise<void> {
    clearTimeout(this.graceTimer);
    if (this.pending.size === 0) return;
    const keys = this.pending.size;
    await this.commitNow(dueOnly).catch((e) => {
      log.warn({ code: toApiError(e).code, keys }, 'pending deletes not committed at the end of the session');
      this.host.emit({ type: 'deletionFailed', keys: this.pendingKeys, error: toApiError(e) });
    });
    clearTimeout(this.graceTimer); // the younger ones are left undone: the session takes no more actions
  }

  /** A pending delete whose message a new listing no longer has is dropped (delete-plan.ts pendingToDrop). */
  prune(entries: ListingEntry[]): void {
    for (const key of pendingToDrop(entries, this.pending)) { this.pending.delete(key); this.markedAt.delete(key); }
  }

  /** A new listing, before it is published, settles the deletes whose QUIT got no +OK. */
  settle(entries: ListingEntry[]): void {
    if (this.unsettled.size === 0) return;
    const { committed, stillThere } = settleUnconfirmed(entries, this.unsettled);
    this.unsettled.clear();
    if (committed.length) this.deleted(committed);
    if (stillThere.length) {
      this.host.emit({ type: 'deletionFailed', keys: stillThere, error: { code: 'CONNECTION_CLOSED' } });
    }
  }

  /** Fires when the newest mark's Undo window ends, so marks made together go out in one commit. */
  private armGrace(): void {
    clearTimeout(this.graceTimer);
    if (this.pending.size === 0) return;
    let newest = 0;
    for (const at of this.markedAt.values()) newest = Math.max(newest, at);
    const wait = Math.max(0, newest + this.host.graceMs - this.now());
    this.graceTimer = setTimeout(() => {
      this.host.run(() => this.commitNow(true)).catch((e) => {
        const error = toApiError(e);
        if (error.code === 'LOGIN_DELAY' && this.pending.size) {
          this.graceTimer = setTimeout(() => this.armGrace(), (error.retryAfterSeconds ?? 1) * 1000);
          this.graceTimer.unref();
        }
      });
    }, wait);
    this.graceTimer.unref();
  }

  /**
   * `dueOnly`: only keys whose Undo window has ended by the time the commit
   * gets the connection (it may have waited behind a download); younger
   * ones stay pending with their own timer.
   */
  private async commitNow(dueOnly: boolean): Promise<{ committed: string[]; failed: string[] }> {
    if (this.pending.size === 0) return { committed: [], failed: [] };
    const open = await this.host.listed();
    const due = (k: string): boolean => !dueOnly || this.now() - (this.markedAt.get(k) ?? 0) >= this.host.graceMs;
    const work = new Map([...this.pending].filter(([k]) => due(k)));
    if (work.size === 0) { this.armGrace(); return { committed: [], failed: [] }; }
    for (const k of work.keys()) { this.pending.delete(k); this.markedAt.delete(k); }
    const outcome = await commitPlan(open.client, planDeletes(open.listing!.entries, work));
    this.host.drop(open); // ended by QUIT or dropped: its numbers are never used again
    for (const key of outcome.unconfirmed) this.unsettled.set(key, work.get(key)!);
    if (outcome.committed.length) this.deleted(outcome.committed);
    for (const group of failureGroups(outcome.failures)) this.host.emit({ type: 'deletionFailed', ...group });
    this.host.emit({ type: 'deletionPending', keys: this.pendingKeys });
    if (dueOnly) this.armGrace();
    // Settle now with a new connection's listing; if that fails, the next sync settles it.
    if (this.unsettled.size) await this.host.listed().catch(() => undefined);
    return { committed: outcome.committed, failed: [...outcome.failures.keys()] };
  }

  private deleted(keys: string[]): void {
    this.host.store.remove(this.host.account, keys);
    const view = this.host.view();
    if (view) {
      const gone = new Set(keys);
      view.keys = view.keys.filter((k) => !gone.has(k));
      for (const k of keys) view.targets.delete(k);
    }
    this.host.emit({ type: 'deletionCommitted', keys });
  }
}
