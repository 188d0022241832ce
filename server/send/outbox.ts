import { randomBytes } from 'node:crypto';
import type { OutboxQueued, OutboxStatus } from '../../shared/api/index.ts';
import type { SmtpConfig } from '../config.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { Credentials } from '../mailbox/mailbox-client.ts';
import type { EndReason } from '../mailbox/session.ts';
import type { SmtpTimeouts } from '../smtp/submit.ts';
import type { SendStore } from '../store/send-store.ts';
import { checkDraft, sendDraft, type DraftLimits } from './send-draft.ts';
import type { Uploads } from './uploads.ts';

const HOUR_MS = 3_600_000;

export interface OutboxOptions extends DraftLimits {
  store: SendStore;
  uploads: Uploads;
  delayMs: number;
  sendsPerHour: number;
  /** The account's sign-in credentials while its mailbox lives; null after. */
  credentials: (account: string) => Credentials | null;
  log: { warn(obj: object, msg: string): void };
  timeouts?: SmtpTimeouts;
  now?: () => number;
}

interface Entry {
  status: OutboxStatus;
  /** Whose draft it is (drafts, uploads and Sent are kept under the person's primary account). */
  account: string;
  /** The account it goes out as: its credentials, its SMTP server, its From. */
  sendAs: string;
  smtp: SmtpConfig | undefined;
  dueAt: number;
  timer?: NodeJS.Timeout | undefined;
  done?: Promise<void>;
}

/**
 * Messages on their way out, per account. Each waits `delayMs` (its Undo
 * window), then goes ONCE: the outcome is kept here for GET /api/outbox/:id,
 * a failure is recorded on the draft, and nothing is ever retried (after
 * SMTP_OUTCOME_UNKNOWN the message may have gone).
 */
export class Outbox {
  private readonly entries = new Map<string, Entry>();
  /** Per account, when each of its sends in the last hour was queued. */
  private readonly hits = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The draft is waiting or being sent: it may not change until the send is undone or over. */
  isLocked(account: string, draftId: string): boolean {
    return [...this.entries.values()].some((e) => e.account === account && e.status.draftId === draftId
      && (e.status.state === 'waiting' || e.status.state === 'sending'));
  }

  queue(account: string, draftId: string, smtp: SmtpConfig | undefined, sendAs = account): OutboxQueued {
    if (!smtp) throw new BridgeError('SEND_NOT_CONFIGURED');
    const draft = this.options.store.draft(account, draftId);
    if (!draft) throw new BridgeError('NOT_FOUND');
    if (this.isLocked(account, draftId)) throw new BridgeError('DRAFT_LOCKED');
    checkDraft(draft, account, this.options.uploads, this.options);
    this.takeHit(account);
    const id = randomBytes(12).toString('base64url');
    const entry: Entry = { account, sendAs, smtp, dueAt: this.now() + this.options.delayMs, status: { id, draftId, state: 'waiting' } };
    entry.timer = setTimeout(() => { entry.done = this.fire(entry); }, this.options.delayMs);
    this.entries.set(id, entry);
    return { id, sendInMs: this.options.delayMs };
  }

  status(account: string, id: string): OutboxStatus {
    const entry = this.entries.get(id);
    if (!entry || entry.account !== account) throw new BridgeError('NOT_FOUND');
    if (entry.status.state !== 'waiting') return entry.status;
    return { ...entry.status, sendInMs: Math.max(0, entry.dueAt - this.now()) };
  }

  /** Undo: a waiting send is cancelled and its draft stays. Too late once it is sending; the status says so. */
  cancel(account: string, id: string): OutboxStatus {
    const entry = this.entries.get(id);
    if (!entry || entry.account !== account) throw new BridgeError('NOT_FOUND');
    if (entry.status.state === 'waiting') {
      clearTimeout(entry.timer);
      entry.status = { id, draftId: entry.status.draftId, state: 'cancelled' };
      // An undone send does not count against the hourly limit.
      const hits = this.hits.get(account) ?? [];
      hits.pop();
    }
    return entry.status;
  }

  /**
   * The account's mailbox ends. At sign-out and expiry what waits goes now,
   * while the credentials still exist; at shutdown it is cancelled (its draft
   * stays). Sends on their way are awaited either way.
   */
  async end(account: string, reason: EndReason, credentials: Credentials | null): Promise<void> {
    // What goes out as this account goes now, with its credentials; so does what the account's owner
    // queued as another account (still open for someone else), before the owner's drafts and files go.
    const mine = [...this.entries.values()].filter((e) => e.sendAs === account || e.account === account);
    for (const e of mine) {
      if (e.status.state !== 'waiting') continue;
      clearTimeout(e.timer);
      if (reason === 'shutdown') e.status = { id: e.status.id, draftId: e.status.draftId, state: 'cancelled' };
      else e.done = e.sendAs === account ? this.fire(e, credentials) : this.fire(e);
    }
    await Promise.all(mine.map((e) => e.done));
    for (const e of mine) this.entries.delete(e.status.id);
    this.hits.delete(account);
  }

  private takeHit(account: string): void {
    const since = this.now() - HOUR_MS;
    const hits = (this.hits.get(account) ?? []).filter((t) => t > since);
    if (hits.length >= this.options.sendsPerHour) {
      const wait = Math.max(1, Math.ceil((hits[0]! + HOUR_MS - this.now()) / 1000));
      throw new BridgeError('SEND_RATE_LIMITED', { limit: this.options.sendsPerHour, retryAfterSeconds: wait });
    }
    hits.push(this.now());
    this.hits.set(account, hits);
    // Finished sends are kept for their status only a while.
    for (const [id, e] of this.entries) {
      if (e.dueAt < since && e.status.state !== 'waiting' && e.status.state !== 'sending') this.entries.delete(id);
    }
  }

  private async fire(entry: Entry, credentials = this.options.credentials(entry.sendAs)): Promise<void> {
    const { account } = entry;
    const { id, draftId } = entry.status;
    entry.status = { id, draftId, state: 'sending' };
    try {
      const draft = this.options.store.draft(account, draftId);
      if (!draft) throw new BridgeError('NOT_FOUND');
      if (!credentials) throw new BridgeError('SESSION_EXPIRED');
      const sentId = await sendDraft(account, draft, entry.smtp, credentials, {
        store: this.options.store, uploads: this.options.uploads, now: this.now, sendAs: entry.sendAs,
        ...(this.options.timeouts ? { timeouts: this.options.timeouts } : {}),
      });
      entry.status = { id, draftId, state: 'sent', sentId };
    } catch (e) {
      const error = toApiError(e);
      if (error.code === 'INTERNAL') this.options.log.warn({ err: e }, 'send failed');
      this.options.store.setDraftError(account, draftId, error);
      entry.status = { id, draftId, state: 'failed', error };
    }
  }
}
