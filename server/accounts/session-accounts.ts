import type { AccountState, ApiError } from '../../shared/api/index.ts';
import { accountTag } from '../sessions/account-tag.ts';

/** One account of a web session: the primary or an added one. */
export interface SessionAccount {
  /** The registry's account id (accountId(serverId, username)); the store key. */
  id: string;
  tag: string;
  serverId: string;
  username: string;
  label: string;
  colour: string;
  primary: boolean;
  state: AccountState;
  error?: ApiError;
  /** This session counts as a user of the registry's mailbox: release it at the end. */
  holdsMailbox: boolean;
}

export type NewAccount = Omit<SessionAccount, 'tag' | 'state' | 'error' | 'holdsMailbox'>;

/**
 * The accounts of one web session, primary first, and who wants to know
 * when they change (the session's sockets). Every tag a request names is
 * looked up here: a tag of another session is simply not found.
 */
export class SessionAccounts {
  private readonly items = new Map<string, SessionAccount>();
  private readonly listeners = new Set<() => void>();
  /** The session ended: a sign-in that finishes now gives its mailbox straight back. */
  closed = false;

  constructor(primary: NewAccount) {
    this.add(primary, 'ready', true);
  }

  get primary(): SessionAccount {
    return this.items.values().next().value!;
  }

  list(): SessionAccount[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  byTag(tag: string): SessionAccount | undefined {
    return this.items.get(tag);
  }

  byId(id: string): SessionAccount | undefined {
    return this.items.get(accountTag(id));
  }

  add(a: NewAccount, state: AccountState, holdsMailbox = false): SessionAccount {
    const item: SessionAccount = { ...a, tag: accountTag(a.id), state, holdsMailbox };
    this.items.set(item.tag, item);
    this.changed();
    return item;
  }

  /** Changes an account still in the set; false when it was removed meanwhile. */
  update(tag: string, patch: Partial<Omit<SessionAccount, 'id' | 'tag' | 'primary'>>): boolean {
    const item = this.items.get(tag);
    if (!item) return false;
    Object.assign(item, patch);
    if (patch.state && patch.state !== 'error' && !('error' in patch)) delete item.error;
    this.changed();
    return true;
  }

  remove(tag: string): SessionAccount | undefined {
    const item = this.items.get(tag);
    if (!item || item.primary) return undefined;
    this.items.delete(tag);
    this.changed();
    return item;
  }

  /** The session ends: the accounts whose mailboxes it must release. */
  close(): SessionAccount[] {
    this.closed = true;
    const held = this.list().filter((a) => a.holdsMailbox);
    for (const a of held) a.holdsMailbox = false;
    return held;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) {
      try { l(); } catch { /* a broken socket must not stop the others */ }
    }
  }
}
