import type { OutboxStatus } from '../../../shared/api/index.ts';
import { AppError, toAppError } from '../api/errors.ts';
import { errorText } from '../api/messages.ts';
import * as api from '../api/send.ts';

const POLL_MS = 500;
// Bounded: the Undo window is seconds and sending under a minute; ten minutes of polls is plenty.
const MAX_POLLS = 1200;

export interface Pending {
  id: string;
  draftId: string;
  state: 'waiting' | 'sending';
  /** Epoch ms when the Undo window ends. */
  sendsAt: number;
}

/** The message on its way: the Undo window, then its outcome, learnt by polling GET /api/outbox/:id. */
export class Outbox {
  pending = $state.raw<Pending | null>(null);
  /** What happened to the last send, for the status line. */
  result = $state.raw<{ kind: 'info' | 'error'; text: string; sentId?: string } | null>(null);
  readonly #reopen: (draftId: string, failure?: AppError) => Promise<void>;

  constructor(reopen: (draftId: string, failure?: AppError) => Promise<void>) {
    this.#reopen = reopen;
  }

  reset(): void {
    this.pending = null;
    this.result = null;
  }

  async queue(draftId: string): Promise<void> {
    const { id, sendInMs } = await api.queueSend(draftId);
    const entry: Pending = { id, draftId, state: 'waiting', sendsAt: Date.now() + sendInMs };
    this.pending = entry;
    this.result = null;
    void this.#poll(entry);
  }

  /** Undo while waiting: the draft comes back to the compose view. */
  async undo(): Promise<void> {
    const entry = this.pending;
    if (!entry) return;
    try {
      const status = await api.cancelSend(entry.id);
      if (status.state === 'cancelled') {
        this.pending = null;
        this.result = { kind: 'info', text: 'Sending cancelled. The message is back in the editor.' };
        await this.#reopen(entry.draftId);
      } else {
        this.#settle(entry, status, 'Too late to undo: ');
      }
    } catch (err) {
      this.result = { kind: 'error', text: `Undo failed. ${errorText(toAppError(err))}` };
    }
  }

  async #poll(entry: Pending): Promise<void> {
    for (let i = 0; i < MAX_POLLS && this.pending === entry; i++) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (this.pending !== entry) return;
      let status: OutboxStatus;
      try {
        status = await api.outboxStatus(entry.id);
      } catch {
        continue; // A lost poll is retried; the send goes on without us.
      }
      if (this.pending !== entry) return;
      if (status.state === 'waiting' || status.state === 'sending') {
        this.pending = { ...entry, state: status.state };
        entry = this.pending;
        continue;
      }
      this.#settle(entry, status);
      return;
    }
  }

  #settle(entry: Pending, status: OutboxStatus, prefix = ''): void {
    if (status.state === 'waiting' || status.state === 'sending') {
      this.pending = { ...entry, state: status.state };
      this.result = { kind: 'info', text: `${prefix}the message is being sent.` };
      void this.#poll(this.pending);
      return;
    }
    this.pending = null;
    if (status.state === 'sent') {
      this.result = { kind: 'info', text: 'Message sent.', ...(status.sentId ? { sentId: status.sentId } : {}) };
    } else if (status.state === 'failed') {
      const failure = status.error ? AppError.from(status.error) : new AppError('INTERNAL');
      this.result = { kind: 'error', text: `The message was not sent. ${errorText(failure)}` };
      void this.#reopen(entry.draftId, failure);
    } else {
      void this.#reopen(entry.draftId);
    }
  }
}
