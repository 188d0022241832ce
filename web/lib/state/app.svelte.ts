import type { AddAccountRequest, PublicConfig, ServerEvent, SessionInfo, UpdateAccountRequest } from '../../../shared/api/index.ts';
import { AppError, toAppError } from '../api/errors.ts';
import { errorText, noticeText } from '../api/messages.ts';
import * as http from '../api/http.ts';
import { MailSocket } from '../api/socket.ts';
import { AccountsState } from './accounts.svelte.ts';
import { MailboxState } from './mailbox.svelte.ts';
import { MessageState } from './message.svelte.ts';
import { accountField, keysByAccount, rowId, splitRowId, type RowId } from './row-id.ts';
import { ComposeState } from './compose.svelte.ts';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
  /** Rows an Undo button would restore, while their deletion is pending. */
  undoIds?: RowId[];
  /** Of those, how many the servers have deleted so far. */
  committed?: number;
}

/** The whole app: who is signed in, the mailbox, the open message, notices. */
export class AppState {
  view = $state<'loading' | 'signin' | 'mailbox'>('loading');
  config = $state.raw<PublicConfig | null>(null);
  session = $state.raw<SessionInfo | null>(null);
  busy = $state(false);
  notice = $state.raw<Notice | null>(null);
  mailboxNotice = $state<string | null>(null);
  readonly mailbox = new MailboxState();
  readonly message = new MessageState();
  readonly accounts = new AccountsState();
  /** The accounts mail can go out as (their server has SMTP), for the From choice. */
  readonly senders = $derived(this.accounts.list.filter((a) => a.canSend).map((a) => ({
    account: a.account, label: a.label === a.username ? a.username : `${a.label} (${a.username})`,
  })));
  readonly compose = new ComposeState(() => this.senders);
  /** Some account of this person can send mail: compose is offered. */
  canSend = $derived(this.senders.length > 0 || !!this.session?.canSend);
  #socket: MailSocket | null = null;

  async init(): Promise<void> {
    try {
      const [config, session] = await Promise.all([http.getConfig(), http.getSession()]);
      this.config = config;
      if (session) this.#enter(session);
      else this.view = 'signin';
    } catch (err) {
      this.view = 'signin';
      this.#error(toAppError(err));
    }
  }

  async signIn(serverId: string, username: string, password: string): Promise<void> {
    this.busy = true;
    this.notice = { kind: 'info', text: 'Signing in…' };
    try {
      const session = await http.signIn({ serverId, username, password });
      this.notice = null;
      this.#enter(session);
    } catch (err) {
      this.#error(toAppError(err));
    } finally {
      this.busy = false;
    }
  }

  async signOut(): Promise<void> {
    await this.compose.save();
    try {
      await http.signOut();
    } catch {
      // Signed out locally either way; the server session expires on its own.
    }
    this.#leave({ kind: 'info', text: 'You are signed out.' });
  }

  /** Looks for new mail in one account, or in every account of the current view. */
  refresh(account?: string): void {
    const targets = account ?? this.mailbox.view;
    const accounts = targets !== null ? [targets] : this.accounts.refreshable(this.session?.account);
    for (const a of accounts) {
      this.mailbox.clearNewMail(a);
      this.#sync(a, true);
    }
  }

  async delete(ids: RowId[]): Promise<void> {
    const socket = this.#socket;
    if (!ids.length || !socket) return;
    this.mailbox.hide(ids);
    if (this.message.id && ids.includes(this.message.id)) this.message.close();
    const what = ids.length === 1 ? 'Message deleted.' : `${ids.length} messages deleted.`;
    this.notice = { kind: 'info', text: what, undoIds: ids };
    // One request per account: each account deletes exactly its own keys.
    await Promise.all([...keysByAccount(ids)].map(async ([account, keys]) => {
      try {
        await socket.request('delete', { keys, ...this.#field(account) });
      } catch (err) {
        this.mailbox.unhide(keys.map((k) => rowId(account, k)));
        this.#error(toAppError(err), 'The message was not deleted.');
      }
    }));
  }

  async undo(): Promise<void> {
    const ids = this.notice?.undoIds;
    const socket = this.#socket;
    if (!ids || !socket) return;
    try {
      const replies = await Promise.all([...keysByAccount(ids)].map(async ([account, keys]) => {
        const { restored } = await socket.request('undoDelete', { keys, ...this.#field(account) });
        return restored.map((k) => rowId(account, k));
      }));
      const restored = replies.flat();
      this.mailbox.unhide(restored);
      const lost = ids.length - restored.length;
      this.notice = lost
        ? { kind: 'error', text: `${lost === 1 ? 'One message was' : `${lost} messages were`} already deleted on the server and cannot be restored.` }
        : { kind: 'info', text: restored.length === 1 ? 'Message restored.' : `${restored.length} messages restored.` };
    } catch (err) {
      this.#error(toAppError(err), 'Undo failed.');
    }
  }

  openMessage(id: RowId): void {
    if (!this.session) return;
    const { account, key } = splitRowId(id);
    this.mailbox.activeId = id;
    void this.message.open(account, key);
    const row = this.mailbox.row(id);
    if (row && !row.seen) {
      this.mailbox.setSeen([id], true);
      this.#socket
        ?.request('markSeen', { keys: [key], seen: true, ...this.#field(account) })
        .catch(() => this.mailbox.setSeen([id], false));
    }
  }

  /** Adds an account through the server's POP3 login; the error, if any, is for the dialog to show. */
  async addAccount(request: AddAccountRequest): Promise<AppError | null> {
    return this.#accountAction(() => this.accounts.add(request));
  }

  /** Relabels, recolours, or gives the new password (which retries the account in place). */
  async updateAccount(account: string, request: UpdateAccountRequest): Promise<AppError | null> {
    if (request.password) this.accounts.resync(account);
    return this.#accountAction(() => this.accounts.update(account, request));
  }

  async removeAccount(account: string): Promise<AppError | null> {
    return this.#accountAction(async () => {
      await this.accounts.remove(account);
      this.#accountsChanged([account]);
    });
  }

  async #accountAction(action: () => Promise<unknown>): Promise<AppError | null> {
    try {
      await action();
      this.#accountsChanged([]);
      return null;
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'SESSION_EXPIRED' || error.code === 'UNAUTHORIZED') this.#error(error);
      return error;
    }
  }

  closeMessage(): void {
    this.message.close();
  }

  #enter(session: SessionInfo): void {
    this.session = session;
    this.view = 'mailbox';
    this.mailbox.reset();
    this.accounts.reset();
    this.mailbox.order = [session.account];
    this.compose.reset(session);
    this.#socket?.close();
    const socket = new MailSocket({
      onEvent: (event) => this.#onEvent(event),
      onOpen: () => {
        this.accounts.newSocket(session.account);
        this.#sync(session.account, false);
        this.#syncReady();
      },
      onLost: () => void this.#checkSession(),
    });
    this.#socket = socket;
    socket.connect();
    this.accounts.load().then(() => this.#accountsChanged([]), (err: unknown) => this.#error(toAppError(err)));
  }

  /** The list changed (loaded, added, removed, relabelled, a state changed). */
  #accountsChanged(dropped: string[]): void {
    if (this.accounts.list.length) this.mailbox.order = this.accounts.list.map((a) => a.account);
    for (const a of dropped) {
      this.mailbox.forgetAccount(a);
      this.accounts.resync(a);
    }
    this.#syncReady();
  }

  /** Syncs each ready account not yet synced on this socket. */
  #syncReady(): void {
    for (const a of this.accounts.unsynced()) this.#sync(a, false);
  }

  #sync(account: string, refresh: boolean): void {
    const socket = this.#socket;
    if (!socket) return;
    if (refresh) this.accounts.setSyncError(account, null);
    socket
      .request('sync', { ...(refresh ? { refresh: true } : {}), ...this.#field(account) })
      .catch((err: unknown) => this.#accountError(account, toAppError(err)));
  }

  #field(account: string): { account?: string } {
    return accountField(account, this.session?.account);
  }

  /** An account's own failure: beside that account when there are several, the global notice otherwise. */
  #accountError(account: string, err: AppError, prefix?: string): void {
    if (this.accounts.multi && err.code !== 'SESSION_EXPIRED' && err.code !== 'UNAUTHORIZED') {
      this.accounts.setSyncError(account, err);
    } else this.#error(err, prefix);
  }

  #leave(notice: Notice | null): void {
    this.#socket?.close();
    this.#socket = null;
    this.session = null;
    this.mailbox.reset();
    this.accounts.reset();
    this.message.close();
    this.compose.reset(null);
    this.mailboxNotice = null;
    this.notice = notice;
    this.view = 'signin';
  }

  async #checkSession(): Promise<void> {
    const session = await http.getSession().catch(() => undefined);
    if (session === null) this.#leave({ kind: 'error', text: errorText({ code: 'SESSION_EXPIRED' }) });
    else this.#error(new AppError('NETWORK', 'socket lost'));
  }

  #onEvent(event: ServerEvent): void {
    if (event.type === 'accounts') {
      this.#accountsChanged(this.accounts.set(event.items));
      return;
    }
    // Only mailbox events carry an account; the others (ready, sessionExpired) are the session's.
    const account = 'account' in event ? event.account : (this.session?.account ?? '');
    this.mailbox.apply(event, account);
    const ids = (keys: string[]) => keys.map((k) => rowId(account, k));
    if (event.type === 'summaries') this.compose.learn(event.items);
    switch (event.type) {
      case 'sessionExpired':
        this.#leave({ kind: 'error', text: errorText({ code: 'SESSION_EXPIRED' }) });
        break;
      case 'syncDone':
        this.accounts.setSyncError(account, null);
        break;
      case 'syncFailed':
        // A listing cut off for slowness keeps the rows that arrived; the mailbox did load, in part.
        this.#accountError(account, AppError.from(event.error), event.error.code === 'SERVER_TOO_SLOW' ? undefined : 'The mailbox could not be loaded.');
        break;
      case 'deletionCommitted':
        if (this.notice?.undoIds?.some((id) => ids(event.keys).includes(id))) {
          // A delete across accounts commits once per account: the notice counts them all.
          const n = (this.notice.committed ?? 0) + event.keys.length;
          const text = n === 1 ? 'Message deleted from the server.' : `${n} messages deleted from the server.`;
          this.notice = { kind: 'info', text, undoIds: this.notice.undoIds, committed: n };
        }
        break;
      case 'deletionFailed': {
        const n = event.keys.length;
        const what = n === 1 ? 'One message could not be deleted' : `${n} messages could not be deleted`;
        this.notice = { kind: 'error', text: `${what} and ${n === 1 ? 'is' : 'are'} back in the list. ${errorText(AppError.from(event.error))}` };
        break;
      }
      case 'mailboxNotice':
        if (this.accounts.multi) this.accounts.setNotice(account, noticeText(event));
        else this.mailboxNotice = noticeText(event);
        break;
      default:
        break;
    }
  }

  #error(err: AppError, prefix?: string): void {
    if (err.code === 'SESSION_EXPIRED' || (err.code === 'UNAUTHORIZED' && this.view === 'mailbox')) {
      this.#leave({ kind: 'error', text: errorText(err) });
      return;
    }
    this.notice = { kind: 'error', text: prefix ? `${prefix} ${errorText(err)}` : errorText(err) };
  }
}
