import type { AddAccountRequest, AccountInfo, UpdateAccountRequest } from '../../shared/api/index.ts';
import type { Config } from '../config.ts';
import { BridgeError, toApiError } from '../errors.ts';
import { accountId, type MailboxRegistry } from '../mailbox/registry.ts';
import type { EndReason } from '../mailbox/session.ts';
import { accountTag } from '../sessions/account-tag.ts';
import type { WebSession } from '../sessions/web-sessions.ts';
import type { MailStore } from '../store/store.ts';
import { accountInfo } from './account-info.ts';
import type { AccountStore, StoredAccount } from './account-store.ts';
import { defaultColour } from './colours.ts';
import { accountOf } from './resolve.ts';
import type { NewAccount } from './session-accounts.ts';
import { checkValue, deriveKey, keyMatches, newSalt, passwordContext, seal, unseal } from './vault.ts';

interface Log { warn(obj: object, msg: string): void }

/** A stored added account as the session lists it. */
function asAdded(a: StoredAccount): NewAccount {
  return { id: a.account, serverId: a.serverId, username: a.username, label: a.label, colour: a.colour, primary: false };
}

/**
 * A person's accounts across sign-ins: the added accounts come back at every
 * sign-in of the primary, each signing in on its own (one slow, locked or
 * refused account never holds up the primary or the others).
 */
export class PersonAccounts {
  /** The vault key of each session, while it is being derived. */
  private readonly keys = new WeakMap<WebSession, Promise<Buffer | null>>();
  /** The live sessions of each person (primary account id): a change in one shows in the others. */
  private readonly live = new Map<string, Set<WebSession>>();
  /** When each session last retried each failed account (session id + tag): a Refresh flood logs in no more often than a refresh may. */
  private readonly retried = new Map<string, number>();

  constructor(
    private readonly config: Config,
    private readonly registry: MailboxRegistry,
    private readonly store: AccountStore,
    private readonly mail: MailStore,
    private readonly log: Log,
  ) {}

  /** The primary signed in: its added accounts appear as signingIn, then sign in in the background. */
  start(session: WebSession, password: string): void {
    const owner = session.account;
    const live = this.live.get(owner) ?? new Set();
    this.live.set(owner, live.add(session));
    const own = this.store.own(owner);
    if (own) session.accounts.update(session.accounts.primary.tag, { label: own.label, colour: own.colour });
    const added = this.store.added(owner);
    for (const a of added) {
      session.accounts.add(asAdded(a), 'signingIn');
    }
    const key = this.openVault(owner, password).then((k) => {
      if (session.accounts.closed) { k.fill(0); return null; }
      session.vaultKey = k;
      return k;
    }, (e: unknown) => {
      this.log.warn({ err: e }, 'vault key derivation failed');
      return null;
    });
    this.keys.set(session, key);
    void key.then((k) => { for (const a of added) void this.signInStored(session, a, k); });
  }

  /** Every account's mailbox is given back; the key is wiped by WebSessions.end. */
  async end(session: WebSession, reason: EndReason): Promise<void> {
    const live = this.live.get(session.account);
    live?.delete(session);
    if (live?.size === 0) this.live.delete(session.account);
    for (const key of this.retried.keys()) if (key.startsWith(`${session.id} `)) this.retried.delete(key);
    const held = session.accounts.close();
    // Added accounts first: what waits in the outbox as one of them still finds its draft and files,
    // which are kept under the primary and go when the primary's mailbox ends.
    await Promise.all(held.filter((a) => !a.primary).map((a) => this.registry.release(a.id, reason)));
    await Promise.all(held.filter((a) => a.primary).map((a) => this.registry.release(a.id, reason)));
  }

  async add(session: WebSession, req: AddAccountRequest): Promise<AccountInfo> {
    const owner = session.account;
    if (!this.registry.server(req.serverId)) throw new BridgeError('NOT_FOUND');
    const id = accountId(req.serverId, req.username);
    this.assertCanAdd(session, id);
    const key = await this.keyOf(session);
    await this.registry.signIn(req.serverId, { username: req.username, password: req.password });
    try {
      // Checked again: the session may have ended, or the same account been added, during the login.
      if (session.accounts.closed) throw new BridgeError('SESSION_EXPIRED');
      this.assertCanAdd(session, id);
    } catch (e) {
      await this.registry.release(id, 'signOut');
      throw e;
    }
    const label = req.label ?? req.username.slice(0, 40);
    const colour = req.colour ?? defaultColour(session.accounts.size);
    const row = {
      account: id, serverId: req.serverId, username: req.username, label, colour,
      secret: seal(key, req.password, passwordContext(owner, id)),
    };
    this.store.put(owner, row);
    const item = session.accounts.add(asAdded(row), 'ready', true);
    // The person's other sessions (another browser) get it too, signing in on their own.
    for (const other of this.others(session)) {
      if (other.accounts.byId(id)) continue;
      other.accounts.add(asAdded(row), 'signingIn');
      void this.keyOf(other).then((k) => this.signInStored(other, row, k), () => undefined);
    }
    return accountInfo(item, this.config);
  }

  async update(session: WebSession, tag: string, req: UpdateAccountRequest): Promise<AccountInfo> {
    const owner = session.account;
    const a = accountOf(session, tag);
    // The added account's stored row, read once (after a password change, the row just sealed).
    let stored: StoredAccount | undefined;
    if (req.password !== undefined) {
      // The primary's password is the provider's: it changes there, and the next sign-in uses it.
      if (a.primary) throw new BridgeError('BAD_REQUEST');
      const key = await this.keyOf(session);
      await this.connect(session, a.tag, a.serverId, a.username, req.password, true);
      // Signed out during the login: the key is wiped (zeros), and must seal nothing.
      if (session.accounts.closed) throw new BridgeError('SESSION_EXPIRED');
      if (!session.accounts.byTag(a.tag)) throw new BridgeError('NOT_FOUND');
      const row = { ...this.stored(owner, a.id), secret: seal(key, req.password, passwordContext(owner, a.id)) };
      this.store.put(owner, row);
      stored = row;
      for (const other of this.others(session)) {
        if (other.accounts.byTag(a.tag)?.state !== 'needsPassword') continue;
        other.accounts.update(a.tag, { state: 'signingIn' });
        void this.keyOf(other).then((k) => this.signInStored(other, row, k), () => undefined);
      }
    }
    if (req.label !== undefined || req.colour !== undefined) {
      const label = req.label ?? a.label;
      const colour = req.colour ?? a.colour;
      const row = a.primary
        ? { account: owner, serverId: a.serverId, username: a.username, label, colour, secret: null }
        : { ...(stored ?? this.stored(owner, a.id)), label, colour };
      this.store.put(owner, row);
      for (const s of [session, ...this.others(session)]) s.accounts.update(a.tag, { label, colour });
    }
    return accountInfo(a, this.config);
  }

  async remove(session: WebSession, tag: string): Promise<void> {
    const owner = session.account;
    const a = accountOf(session, tag);
    if (a.primary) throw new BridgeError('ACCOUNT_IS_PRIMARY');
    this.store.remove(owner, a.id);
    await Promise.all([session, ...this.others(session)].map(async (s) => {
      const gone = s.accounts.remove(a.tag);
      if (gone?.holdsMailbox) await this.registry.release(gone.id, 'signOut');
    }));
    // Its cached summaries and seen flags go too, unless another person still reads this account.
    if (!this.registry.get(a.id) && !this.store.addedByOthers(owner, a.id)) this.mail.removeAccount(a.id);
  }

  /** Refresh of an account that failed: try its stored password again. */
  retry(session: WebSession, tag: string): void {
    const a = session.accounts.byTag(tag);
    if (!a || a.state !== 'error') return;
    const now = Date.now();
    const last = this.retried.get(`${session.id} ${tag}`) ?? Number.NEGATIVE_INFINITY;
    if (now - last < this.config.minRefreshIntervalSeconds * 1000) return;
    this.retried.set(`${session.id} ${tag}`, now);
    const stored = this.find(session.account, a.id);
    if (!stored) return;
    session.accounts.update(tag, { state: 'signingIn' });
    void this.keyOf(session).then((k) => this.signInStored(session, stored, k), () => undefined);
  }

  private others(session: WebSession): WebSession[] {
    return [...(this.live.get(session.account) ?? [])].filter((s) => s !== session && !s.accounts.closed);
  }

  private assertCanAdd(session: WebSession, id: string): void {
    if (session.accounts.byId(id) || this.find(session.account, id)) throw new BridgeError('ACCOUNT_EXISTS');
    const limit = this.config.maxAccountsPerPerson;
    if (session.accounts.size >= limit) throw new BridgeError('TOO_MANY_ACCOUNTS', { limit });
  }

  private find(owner: string, id: string): StoredAccount | undefined {
    return this.store.added(owner).find((s) => s.account === id);
  }

  private stored(owner: string, id: string): StoredAccount {
    const row = this.find(owner, id);
    if (!row) throw new BridgeError('NOT_FOUND');
    return row;
  }

  private async keyOf(session: WebSession): Promise<Buffer> {
    const key = (await this.keys.get(session)) ?? session.vaultKey;
    if (!key || session.accounts.closed) throw new BridgeError('SESSION_EXPIRED');
    return key;
  }

  /** The person's key; a primary password changed at the provider starts a new vault (added accounts then need their passwords). */
  private async openVault(owner: string, password: string): Promise<Buffer> {
    const vault = this.store.vault(owner);
    if (vault) {
      const key = await deriveKey(password, vault.salt);
      if (keyMatches(key, owner, vault.check)) return key;
      key.fill(0);
    }
    const salt = newSalt();
    const key = await deriveKey(password, salt);
    const fresh = { salt, check: checkValue(key, owner) };
    if (vault) {
      this.store.replaceVault(owner, fresh);
      return key;
    }
    // Two first sign-ins at once: the vault stored first is the person's.
    if (this.store.createVault(owner, fresh).salt.equals(salt)) return key;
    key.fill(0);
    return this.openVault(owner, password);
  }

  private async signInStored(session: WebSession, a: StoredAccount, key: Buffer | null): Promise<void> {
    const tag = accountTag(a.account);
    const password = key && a.secret ? unseal(key, a.secret, passwordContext(session.account, a.account)) : null;
    // Sealed under an earlier primary password (or damaged): the person enters it once more.
    if (password === null) { session.accounts.update(tag, { state: 'needsPassword' }); return; }
    await this.connect(session, tag, a.serverId, a.username, password, false).catch(() => undefined);
  }

  /** Signs the account in and marks its state; `rethrow`: the caller reports a failure itself. */
  private async connect(session: WebSession, tag: string, serverId: string, username: string, password: string, rethrow: boolean): Promise<void> {
    let id: string;
    try {
      if (!this.registry.server(serverId)) throw new BridgeError('NOT_FOUND');
      id = await this.registry.signIn(serverId, { username, password });
    } catch (e) {
      if (rethrow) throw e;
      const error = toApiError(e);
      session.accounts.update(tag, error.code === 'AUTH_FAILED' ? { state: 'needsPassword', error } : { state: 'error', error });
      return;
    }
    const item = session.accounts.byTag(tag);
    if (session.accounts.closed || !item) { await this.registry.release(id, 'signOut'); return; }
    const heldBefore = item.holdsMailbox;
    session.accounts.update(tag, { state: 'ready', holdsMailbox: true, error: undefined });
    // The session already counted as a user of this mailbox: one hold is enough.
    if (heldBefore) await this.registry.release(id, 'signOut');
  }
}
