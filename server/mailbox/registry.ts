import { Pop3RemoteError } from '../../shared/pop3/index.ts';
import type { Config, ServerConfig } from '../config.ts';
import type { MailStore } from '../store/store.ts';
import type { Credentials, Pop3Connector } from './mailbox-client.ts';
import { ConnectionLimiter } from './limiter.ts';
import { MailboxSession, type EndReason, type MailboxOptions } from './session.ts';

/** Told when a mailbox ends, with its credentials still there. */
export type EndHook = (account: string, reason: EndReason, credentials: Credentials | null) => Promise<void>;

/** The account a mailbox belongs to; the store key as well. */
export function accountId(serverId: string, username: string): string {
  return JSON.stringify([serverId, username]);
}

/**
 * All live mailbox sessions, one per account, and the per-server connection
 * caps. A mailbox lives while at least one signed-in browser session uses it.
 */
export class MailboxRegistry {
  private readonly mailboxes = new Map<string, { session: MailboxSession; users: number }>();
  private readonly limiters = new Map<string, ConnectionLimiter>();
  private readonly endHooks: EndHook[] = [];

  constructor(
    private readonly config: Config,
    private readonly connector: Pop3Connector,
    private readonly store: MailStore,
    private readonly log: MailboxOptions['log'],
  ) {
    const waitMs = config.connectionWaitSeconds * 1000;
    for (const s of config.servers) this.limiters.set(s.id, new ConnectionLimiter(s.maxConnections, { waitMs, serverLabel: s.label }));
  }

  /** Runs when an account's mailbox ends, before its credentials are wiped (the outbox sends what waits). */
  onEnd(hook: EndHook): void {
    this.endHooks.push(hook);
  }

  private async runEndHooks(account: string, reason: EndReason, session: MailboxSession): Promise<void> {
    for (const hook of this.endHooks) await hook(account, reason, session.sendCredentials).catch(() => undefined);
  }

  server(id: string): ServerConfig | undefined {
    return this.config.servers.find((s) => s.id === id);
  }

  limiter(serverId: string): ConnectionLimiter {
    const l = this.limiters.get(serverId);
    if (!l) throw new Error(`unknown server ${serverId}`);
    return l;
  }

  get(account: string): MailboxSession | undefined {
    return this.mailboxes.get(account)?.session;
  }

  /**
   * Verify credentials by logging in to the POP3 server; the new connection
   * becomes the mailbox's connection. Only while the mailbox holds an open
   * connection (and so, on many servers, the maildrop lock: a second login
   * would fail with [IN-USE]) is a matching password accepted from memory;
   * that lasts at most until the idle close, so a password changed at the
   * provider stops working here soon after.
   */
  async signIn(serverId: string, credentials: Credentials): Promise<string> {
    const account = accountId(serverId, credentials.username);
    const live = this.mailboxes.get(account);
    if (live && live.session.hasConnection && live.session.passwordMatches(credentials.password)) {
      live.users++;
      return account;
    }
    const limiter = this.limiter(serverId);
    // Queued behind the cap, idle mailboxes yield at once; busy ones for at most connectionWaitSeconds (SERVER_BUSY).
    const release = await limiter.acquire();
    let client;
    try {
      client = await this.connector(serverId, credentials);
    } catch (e) {
      // A server that locks the maildrop answers [IN-USE] only after the
      // password proved right; then our own live connection is the holder.
      if (!(live?.session.hasConnection && e instanceof Pop3RemoteError && e.code === 'MAILDROP_IN_USE')) {
        release();
        throw e;
      }
      try {
        await live.session.disconnect();
        client = await this.connector(serverId, credentials);
      } catch (again) {
        release();
        throw again;
      }
    }
    const entry = this.mailboxes.get(account);
    if (entry) {
      entry.session.setCredentials(credentials);
      entry.users++;
      if (entry.session.hasConnection) {
        // The server does not lock maildrops; the live connection stays, this one was only the check.
        const c = client;
        void c.quit().catch(() => c.destroy()).finally(release);
      } else {
        void entry.session.adopt(client, release); // waits its turn behind the mailbox's actions
      }
    } else {
      const session = new MailboxSession({
        account, serverId, limiter, connector: this.connector, store: this.store, log: this.log,
        idleCloseMs: this.config.idleCloseSeconds * 1000,
        refreshIntervalMs: this.config.refreshIntervalSeconds * 1000,
        minRefreshIntervalMs: this.config.minRefreshIntervalSeconds * 1000,
        deleteGraceMs: this.config.deleteGraceSeconds * 1000,
        serverLabel: this.server(serverId)?.label ?? serverId,
        listingTimeoutMs: this.config.listingTimeoutSeconds * 1000,
      }, credentials);
      void session.adopt(client, release);
      this.mailboxes.set(account, { session, users: 1 });
    }
    return account;
  }

  /** A browser session ended; the last one out shuts the mailbox and wipes its credentials. */
  async release(account: string, reason: EndReason): Promise<void> {
    const entry = this.mailboxes.get(account);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    this.mailboxes.delete(account);
    try {
      await this.runEndHooks(account, reason, entry.session);
    } finally {
      await entry.session.shutdown(reason);
    }
  }

  /** The server stops: deletes still inside their Undo window stay undone. */
  async closeAll(): Promise<void> {
    const all = [...this.mailboxes];
    this.mailboxes.clear();
    await Promise.all(all.map(async ([account, e]) => {
      await this.runEndHooks(account, 'shutdown', e.session);
      await e.session.shutdown('shutdown').catch(() => undefined);
    }));
  }
}
