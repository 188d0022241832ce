/**
 * Fixed-window counters for sign-in attempts, per client address and per
 * username: stops password guessing through the bridge. The map is bounded
 * so a flood of distinct keys cannot exhaust memory; when full it forgets
 * the least-hit keys (made-up names tried once), never all of them, so a
 * flood cannot lift the limit of a user it already refused.
 */
const MAX_TRACKED = 50_000;
/** Share of the map dropped at once when full: keeps eviction cheap per attempt. */
const EVICT_SHARE = 0.1;

export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly limit: number, private readonly windowMs: number, private readonly maxTracked = MAX_TRACKED) {}

  get size(): number {
    return this.hits.size;
  }

  /** Counts one attempt; returns seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    let h = this.hits.get(key);
    if (!h || h.resetAt <= now) {
      if (!h && this.hits.size >= this.maxTracked) this.evict(now);
      h = { count: 0, resetAt: now + this.windowMs };
      this.hits.set(key, h);
    }
    h.count++;
    return h.count > this.limit ? Math.max(1, Math.ceil((h.resetAt - now) / 1000)) : 0;
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private evict(now: number): void {
    for (const [k, h] of this.hits) if (h.resetAt <= now) this.hits.delete(k);
    if (this.hits.size < this.maxTracked) return;
    // Least-hit first, oldest among equals (Map order is insertion order and sort is stable).
    const drop = [...this.hits].sort((a, b) => a[1].count - b[1].count).slice(0, Math.ceil(this.maxTracked * EVICT_SHARE));
    for (const [k] of drop) this.hits.delete(k);
  }
}

/** One limiter key per user: surrounding white space and case do not make another user. */
export function userKey(serverId: string, username: string): string {
  return `${serverId}\0${username.trim().normalize('NFKC').toLowerCase()}`;
}

/** The sign-in limits, shared by every route that tries a password (sign-in and adding an account). */
export interface SignInLimits { perClient: RateLimiter; perUser: RateLimiter }

export function signInLimits(config: { signInAttemptsPerClient: number; signInAttemptsPerUser: number; signInWindowSeconds: number }): SignInLimits {
  return {
    perClient: new RateLimiter(config.signInAttemptsPerClient, config.signInWindowSeconds * 1000),
    perUser: new RateLimiter(config.signInAttemptsPerUser, config.signInWindowSeconds * 1000),
  };
}
