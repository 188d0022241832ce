import { fetchRaw } from '../api/http.ts';
import { AppError, toAppError } from '../api/errors.ts';
import { parse } from '../mail/parse.ts';
import type { ParsedMail } from '../mail/types.ts';
import { rowId } from './row-id.ts';

/** The open message: its raw bytes, the parsed mail, and per-message choices. */
export class MessageState {
  key = $state<string | null>(null);
  /** The account the open message belongs to: its key alone does not name it. */
  account = $state<string | null>(null);
  id = $derived(this.account !== null && this.key !== null ? rowId(this.account, this.key) : null);
  loading = $state(false);
  mail = $state.raw<ParsedMail | null>(null);
  raw = $state.raw<ArrayBuffer | null>(null);
  error = $state.raw<AppError | null>(null);
  /** Remote content is allowed per message, only after the person asks. */
  allowRemote = $state(false);
  showSource = $state(false);
  #generation = 0;

  source = $derived(this.raw && this.showSource ? new TextDecoder('utf-8').decode(this.raw) : '');

  async open(account: string, key: string): Promise<void> {
    const generation = ++this.#generation;
    this.key = key;
    this.account = account;
    this.loading = true;
    this.mail = null;
    this.raw = null;
    this.error = null;
    this.allowRemote = false;
    this.showSource = false;
    try {
      const raw = await fetchRaw(account, key);
      if (generation !== this.#generation) return;
      this.raw = raw;
      // The worker takes ownership of what it is given; keep our own copy.
      const mail = await parse(raw.slice(0)).catch((err: unknown) => {
        throw new AppError('PARSE_FAILED', err instanceof Error ? err.message : String(err));
      });
      if (generation !== this.#generation) return;
      this.mail = mail;
    } catch (err) {
      if (generation === this.#generation) this.error = toAppError(err);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  close(): void {
    this.#generation++;
    this.key = null;
    this.account = null;
    this.mail = null;
    this.raw = null;
    this.error = null;
    this.loading = false;
  }
}
