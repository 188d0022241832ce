import type { PublicConfig, ServerEvent, SessionInfo } from '../../../shared/api/index.ts';
import { AppError, toAppError } from '../api/errors.ts';
import { errorText, noticeText } from '../api/messages.ts';
import * as http from '../api/http.ts';
import { MailSocket } from '../api/socket.ts';
import { MailboxState } from './mailbox.svelte.ts';
import { MessageState } from './message.svelte.ts';
import { ComposeState } from './compose.svelte.ts';

export interface Notice {
  kind: 'info' | 'error';
  text: string;
  /** Keys an Undo button would restore, while their deletion is pending. */
  undoKeys?: string[];
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
  readonly compose = new ComposeState();
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

  refresh(): void {
    this.mailbox.newMail = 0;
    this.#socket?.request('sync', { refresh: true }).catch((err: unknown) => this.#error(toAppError(err)));
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys.length || !this.#socket) return;
    this.mailbox.hide(keys);
    if (this.message.key && keys.includes(this.message.key)) this.message.close();
    const what = keys.length === 1 ? 'Message deleted.' : `${keys.length} messages deleted.`;
    this.notice = { kind: 'info', text: what, undoKeys: keys };
    try {
      await this.#socket.request('delete', { keys });
    } catch (err) {
      this.mailbox.unhide(keys);
      this.#error(toAppError(err), 'The message was not deleted.');
    }
  }

  async undo(): Promise<void> {
    const keys = this.notice?.undoKeys;
    if (!keys || !this.#socket) return;
    try {
      const { restored } = await this.#socket.request('undoDelete', { keys });
      this.mailbox.unhide(restored);
      const lost = keys.length - restored.length;
      this.notice = lost
        ? { kind: 'error', text: `${lost === 1 ? 'One message was' : `${lost} messages were`} already deleted on the server and cannot be restored.` }
        : { kind: 'info', text: restored.length === 1 ? 'Message restored.' : `${restored.length} messages restored.` };
    } catch (err) {
      this.#error(toAppError(err), 'Undo failed.');
    }
  }

  openMessage(key: string): void {
    if (!this.session) return;
    this.mailbox.activeKey = key;
    void this.message.open(this.session.account, key);
    const row = this.mailbox.row(key);
    if (row && !row.seen) {
      this.mailbox.setSeen([key], true);
      this.#socket?.request('markSeen', { keys: [key], seen: true }).catch(() => this.mailbox.setSeen([key], false));
    }
  }

  closeMessage(): void {
    this.message.close();
  }

  #enter(session: SessionInfo): void {
    this.session = session;
    this.view = 'mailbox';
    this.mailbox.reset();
    this.compose.reset(session);
    this.#socket?.close();
    const socket = new MailSocket({
      onEvent: (event) => this.#onEvent(event),
      onOpen: () => {
        socket.request('sync', {}).catch((err: unknown) => this.#error(toAppError(err)));
      },
      onLost: () => void this.#checkSession(),
    });
    this.#socket = socket;
    socket.connect();
  }

  #leave(notice: Notice | null): void {
    this.#socket?.close();
    this.#socket = null;
    this.session = null;
    this.mailbox.reset();
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
    this.mailbox.apply(event);
    if (event.type === 'summaries') this.compose.learn(event.items);
    switch (event.type) {
      case 'sessionExpired':
        this.#leave({ kind: 'error', text: errorText({ code: 'SESSION_EXPIRED' }) });
        break;
      case 'syncFailed':
        // A listing cut off for slowness keeps the rows that arrived; the mailbox did load, in part.
        this.#error(AppError.from(event.error), event.error.code === 'SERVER_TOO_SLOW' ? undefined : 'The mailbox could not be loaded.');
        break;
      case 'deletionCommitted':
        if (this.notice?.undoKeys?.some((k) => event.keys.includes(k))) {
          const n = event.keys.length;
          this.notice = { kind: 'info', text: n === 1 ? 'Message deleted from the server.' : `${n} messages deleted from the server.` };
        }
        break;
      case 'deletionFailed': {
        const n = event.keys.length;
        const what = n === 1 ? 'One message could not be deleted' : `${n} messages could not be deleted`;
        this.notice = { kind: 'error', text: `${what} and ${n === 1 ? 'is' : 'are'} back in the list. ${errorText(AppError.from(event.error))}` };
        break;
      }
      case 'mailboxNotice':
        this.mailboxNotice = noticeText(event);
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
