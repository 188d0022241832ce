import type { Draft, DraftInput, Identity, SessionInfo, Summary } from '../../../shared/api/index.ts';
import { AppError, toAppError } from '../api/errors.ts';
import { errorText } from '../api/messages.ts';
import * as api from '../api/send.ts';
import { AddressBook, completions } from '../compose/completion.ts';
import { readOriginal } from '../compose/original.ts';
import { forwardFields, forwardSubject, newFields, replyFields, signatureBlock, type ComposeFields } from '../compose/reply.ts';
import { formatFullDate } from '../format.ts';
import { downloadFileName } from '../mail/filename.ts';
import { ComposeFiles } from './compose-files.svelte.ts';
import type { MessageState } from './message.svelte.ts';
import { Outbox } from './outbox.svelte.ts';

export type ComposeKind = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAttached';
export type ComposePanel = 'compose' | 'drafts' | 'sent' | null;
/** An account mail can go out as (its server has SMTP). */
export interface Sender { account: string; label: string }

const SAVE_DELAY_MS = 1000;

function newDraftId(): string {
  // Unguessable, and available outside secure contexts (unlike randomUUID).
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

/** The message being written: its fields, autosave as a draft, attachments, and its send. */
export class ComposeState {
  panel = $state<ComposePanel>(null);
  draftId = $state<string | null>(null);
  to = $state('');
  cc = $state('');
  bcc = $state('');
  subject = $state('');
  text = $state('');
  inReplyTo: string | undefined;
  references: string[] | undefined;
  /** Saved, saving, or not yet saved: shown beside Send. */
  saveState = $state<'idle' | 'saving' | 'saved' | 'error'>('idle');
  error = $state<string | null>(null);
  /** The account this message goes out as (a tag); its identity below. */
  account = $state<string | null>(null);
  identity = $state.raw<Identity | null>(null);
  #identities = new Map<string, Identity>();
  readonly files = new ComposeFiles(() => this.touch());
  readonly outbox = new Outbox((draftId, failure) => this.resume(draftId, failure));
  #book = new AddressBook();
  #bookVersion = $state(0);
  #session: SessionInfo | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #saving: Promise<void> | null = null;
  #dirty = false;

  /** @param senders every account mail can go out as; more than one shows a From choice. */
  constructor(private readonly sendersOf: () => Sender[]) {}

  get senders(): Sender[] {
    return this.sendersOf();
  }

  known = $derived.by(() => (this.#bookVersion, this.#book.entries()));

  suggestions(value: string): string[] {
    return completions(value, this.known);
  }

  learn(items: Summary[]): void {
    for (const s of items) this.#book.learn([s.from, ...s.to]);
    this.#bookVersion++;
  }

  reset(session: SessionInfo | null): void {
    this.#clearTimer();
    this.#session = session;
    this.identity = null;
    this.account = null;
    this.#identities.clear();
    this.panel = null;
    this.draftId = null;
    this.outbox.reset();
  }

  /** The identity of `account` (default: the one this message goes out as). */
  async loadIdentity(account = this.account ?? this.#session?.account ?? ''): Promise<Identity> {
    let identity = this.#identities.get(account);
    if (!identity) {
      try {
        identity = await api.getIdentity(account);
      } catch {
        // Without the identity service, mail still goes out as the user name.
        const user = account === this.#session?.account ? this.#session.username : '';
        identity = { displayName: '', signature: '', address: user.includes('@') ? user : '' };
      }
      this.#identities.set(account, identity);
    }
    if (account === (this.account ?? this.#session?.account)) this.identity = identity;
    return identity;
  }

  /** A saved identity replaces the one known for its account. */
  identitySaved(account: string, identity: Identity): void {
    this.#identities.set(account, identity);
    if (account === (this.account ?? this.#session?.account)) this.identity = identity;
  }

  /** Sends as another of the person's accounts. */
  async setAccount(account: string): Promise<void> {
    if (account === this.account || !this.senders.some((s) => s.account === account)) return;
    this.account = account;
    this.identity = null;
    await this.loadIdentity(account);
    this.touch();
  }

  /** Replies go out as the account the message came to, when it can send; else the primary or the first that can. */
  #senderFor(account: string | null | undefined): string | null {
    const primary = this.#session?.account ?? null;
    const can = (a: string | null | undefined) => !!a && (this.senders.length === 0 ? a === primary : this.senders.some((s) => s.account === a));
    if (can(account)) return account!;
    if (can(primary)) return primary;
    return this.senders[0]?.account ?? primary;
  }

  /** Opens the form for a new message, reply or forward of the open message. */
  async start(kind: ComposeKind, message?: MessageState, viewed?: string | null): Promise<void> {
    await this.close();
    this.account = this.#senderFor(kind === 'new' ? viewed : message?.account);
    this.identity = null;
    const own = await this.loadIdentity();
    const mail = message?.mail;
    const raw = message?.raw;
    let fields: ComposeFields = newFields(own);
    if (kind !== 'new') {
      if (!mail || !raw) return;
      const original = readOriginal(raw, mail);
      const when = formatFullDate(original.date);
      if (kind === 'forward') fields = forwardFields(original, own, when);
      else if (kind === 'forwardAttached') fields = { to: '', cc: '', subject: forwardSubject(original.subject), text: signatureBlock(own.signature) };
      else fields = replyFields(original, kind, own, when);
    }
    this.#fill(newDraftId(), { ...fields, bcc: '' }, []);
    if (kind === 'forward' && mail) {
      // The original's attachments travel with it: its bytes are uploaded again.
      for (const part of mail.parts) {
        void this.files.add(new Blob([part.content], { type: part.mimeType }), downloadFileName(part.filename));
      }
    } else if (kind === 'forwardAttached' && raw && mail) {
      const name = `${downloadFileName(mail.subject || 'message', 'message').slice(0, 100)}.eml`;
      void this.files.add(new Blob([raw], { type: 'message/rfc822' }), name);
    }
  }

  /** Opens a saved draft (after a reload, from the Drafts list, or back from the outbox). */
  async resume(draftId: string, failure?: AppError): Promise<void> {
    await this.close();
    try {
      const draft = await api.getDraft(draftId);
      this.account = this.#senderFor(draft.account);
      this.identity = null;
      void this.loadIdentity();
      this.#fill(draft.id, draft, draft.files);
      const why = failure ?? (draft.lastError ? AppError.from(draft.lastError) : null);
      this.error = why ? `The message was not sent. ${errorText(why)}` : null;
    } catch (err) {
      this.error = errorText(toAppError(err));
      this.panel = 'compose';
    }
  }

  /** A field changed: save within a second. */
  touch(): void {
    if (!this.draftId) return;
    this.#dirty = true;
    this.saveState = 'idle';
    this.#clearTimer();
    this.#timer = setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  /** Saves now if anything changed (blur, page hidden, before send or close). */
  async save({ keepalive = false } = {}): Promise<void> {
    this.#clearTimer();
    while (this.#saving) await this.#saving;
    if (!this.#dirty || !this.draftId) return;
    this.#dirty = false;
    this.saveState = 'saving';
    this.#saving = api.saveDraft(this.draftId, this.#input(), { keepalive }).then(
      () => { this.saveState = this.#dirty ? 'idle' : 'saved'; },
      (err: unknown) => {
        this.#dirty = true;
        this.saveState = 'error';
        this.error = `The draft could not be saved. ${errorText(toAppError(err))}`;
      },
    ).finally(() => { this.#saving = null; });
    await this.#saving;
  }

  async send(): Promise<void> {
    if (!this.draftId) return;
    if (this.files.busy) {
      this.error = 'Wait until the attachments have finished uploading.';
      return;
    }
    this.#dirty = true;
    await this.save();
    if (this.saveState === 'error') return;
    try {
      await this.outbox.queue(this.draftId);
      this.draftId = null;
      this.panel = null;
    } catch (err) {
      this.error = errorText(toAppError(err));
    }
  }

  /** Keeps what was typed and leaves the form. */
  async close(): Promise<void> {
    await this.save();
    this.draftId = null;
    if (this.panel === 'compose') this.panel = null;
  }

  /** Throws the draft away, with its uploads. */
  async discard(): Promise<void> {
    const id = this.draftId;
    this.#clearTimer();
    this.#dirty = false;
    this.draftId = null;
    this.panel = null;
    if (id) await api.deleteDraft(id).catch(() => {});
  }

  #fill(id: string, fields: ComposeFields & { bcc: string }, uploads: Draft['files']): void {
    this.draftId = id;
    this.to = fields.to;
    this.cc = fields.cc;
    this.bcc = fields.bcc;
    this.subject = fields.subject;
    this.text = fields.text;
    this.inReplyTo = fields.inReplyTo;
    this.references = fields.references;
    this.files.reset(uploads);
    this.error = null;
    this.saveState = 'idle';
    this.#dirty = false;
    this.panel = 'compose';
  }

  #input(): DraftInput {
    const input: DraftInput = {
      to: this.to, cc: this.cc, bcc: this.bcc, subject: this.subject, text: this.text, attachments: this.files.ids,
    };
    const account = this.account ?? this.#session?.account;
    if (account) input.account = account;
    if (this.inReplyTo) input.inReplyTo = this.inReplyTo;
    if (this.references?.length) input.references = this.references;
    return input;
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
