import type { AccountInfo, AddAccountRequest, UpdateAccountRequest } from '../../../shared/api/index.ts';
import * as api from '../api/accounts.ts';
import { AppError } from '../api/errors.ts';

/**
 * A person's accounts as the server lists them (the primary first), and what
 * each one's syncs reported: its last failure and its server's notice. One
 * account's trouble is kept here, beside that account, never in the global notice.
 */
export class AccountsState {
  list = $state.raw<AccountInfo[]>([]);
  syncError = $state.raw<Readonly<Record<string, AppError>>>({});
  notice = $state.raw<Readonly<Record<string, string>>>({});

  /** More than the primary: the list shows account markers and per-account views. */
  multi = $derived(this.list.length > 1);
  #byTag = $derived(new Map(this.list.map((a) => [a.account, a])));
  /** Accounts synced on the current socket (each syncs once, as it becomes ready); null before the socket opens. */
  #synced: Set<string> | null = null;

  info(account: string): AccountInfo | undefined {
    return this.#byTag.get(account);
  }

  /** A new socket: nothing synced on it yet but the primary, which syncs at once. */
  newSocket(primary: string): void {
    this.#synced = new Set([primary]);
  }

  /** The ready accounts not yet synced on this socket, now counted as synced. */
  unsynced(): string[] {
    const synced = this.#synced;
    if (!synced) return []; // the socket's opening syncs them all
    const due = this.list.filter((a) => a.state === 'ready' && !synced.has(a.account)).map((a) => a.account);
    for (const a of due) synced.add(a);
    return due;
  }

  /** Syncs the account again once it is ready (a new password, or it was removed). */
  resync(account: string): void {
    this.#synced?.delete(account);
  }

  /** What Refresh of all accounts reaches: not those signing in or waiting for a password. */
  refreshable(primary: string | undefined): string[] {
    const tags = this.list.filter((a) => a.state === 'ready' || a.state === 'error').map((a) => a.account);
    return tags.length || primary === undefined ? tags : [primary];
  }

  /** Replaces the list; returns the tags that are no longer in it. */
  set(items: AccountInfo[]): string[] {
    const kept = new Set(items.map((a) => a.account));
    const dropped = this.list.map((a) => a.account).filter((a) => !kept.has(a));
    this.list = items;
    for (const a of dropped) this.clearStatus(a);
    return dropped;
  }

  /** GET /api/accounts; a bridge without accounts leaves the list empty (the primary alone). */
  async load(): Promise<string[]> {
    try {
      return this.set(await api.listAccounts());
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return [];
      throw err;
    }
  }

  async add(request: AddAccountRequest): Promise<AccountInfo> {
    const info = await api.addAccount(request);
    this.#upsert(info);
    return info;
  }

  async update(account: string, request: UpdateAccountRequest): Promise<AccountInfo> {
    const info = await api.updateAccount(account, request);
    this.#upsert(info);
    if (request.password) this.clearStatus(account);
    return info;
  }

  async remove(account: string): Promise<void> {
    await api.removeAccount(account);
    this.set(this.list.filter((a) => a.account !== account));
  }

  setSyncError(account: string, error: AppError | null): void {
    const next = { ...this.syncError };
    if (error) next[account] = error;
    else delete next[account];
    this.syncError = next;
  }

  setNotice(account: string, text: string | null): void {
    const next = { ...this.notice };
    if (text) next[account] = text;
    else delete next[account];
    this.notice = next;
  }

  clearStatus(account: string): void {
    if (account in this.syncError) this.setSyncError(account, null);
    if (account in this.notice) this.setNotice(account, null);
  }

  reset(): void {
    this.list = [];
    this.#synced = null;
    this.syncError = {};
    this.notice = {};
  }

  #upsert(info: AccountInfo): void {
    const at = this.list.findIndex((a) => a.account === info.account);
    this.list = at < 0 ? [...this.list, info] : this.list.map((a, i) => (i === at ? info : a));
  }
}
