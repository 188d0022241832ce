import { randomBytes } from 'node:crypto';

/** Cap of live browser sessions: stops memory exhaustion by sign-in floods. */
export const MAX_WEB_SESSIONS = 10_000;

export interface WebSession {
  id: string;
  account: string;
  serverId: string;
  username: string;
  expiresAt: number;
  /** Called when the session ends, to close its sockets. */
  onEnd: Set<() => void>;
}

/**
 * Browser sessions by random cookie id. Only the id travels to the browser;
 * credentials stay with the mailbox session in memory.
 */
export class WebSessions {
  private readonly sessions = new Map<string, WebSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly lifetimeMs: number, private readonly onExpire: (s: WebSession) => void) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(30_000, lifetimeMs)).unref();
  }

  create(account: string, serverId: string, username: string): WebSession {
    if (this.sessions.size >= MAX_WEB_SESSIONS) this.sweep();
    if (this.sessions.size >= MAX_WEB_SESSIONS) {
      // Evicted like an expiry, so its mailbox is released and the password wiped.
      const oldest = this.sessions.values().next().value;
      if (oldest) this.expire(oldest);
    }
    const s: WebSession = {
      id: randomBytes(32).toString('base64url'), account, serverId, username,
      expiresAt: Date.now() + this.lifetimeMs, onEnd: new Set(),
    };
    this.sessions.set(s.id, s);
    return s;
  }

  get(id: string | undefined): WebSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= Date.now()) {
      this.expire(s);
      return undefined;
    }
    return s;
  }

  /** Sign-out: returns the ended session, if any. */
  end(id: string): WebSession | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    this.sessions.delete(id);
    for (const f of s.onEnd) f();
    return s;
  }

  private expire(s: WebSession): void {
    this.end(s.id);
    this.onExpire(s);
  }

  sweep(): void {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) if (s.expiresAt <= now) this.expire(s);
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.sessions.keys()]) this.end(id);
  }
}
