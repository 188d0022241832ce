/**
 * Fixed-window counters for sign-in attempts, per client address and per
 * username: stops password guessing through the bridge. Bounded map size so
 * a flood of distinct keys cannot exhaust memory.
 */
const MAX_TRACKED = 50_000;

export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Counts one attempt; returns seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    let h = this.hits.get(key);
    if (!h || h.resetAt <= now) {
      if (this.hits.size >= MAX_TRACKED) this.prune(now);
      h = { count: 0, resetAt: now + this.windowMs };
      this.hits.set(key, h);
    }
    h.count++;
    return h.count > this.limit ? Math.ceil((h.resetAt - now) / 1000) : 0;
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private prune(now: number): void {
    for (const [k, h] of this.hits) if (h.resetAt <= now) this.hits.delete(k);
    if (this.hits.size >= MAX_TRACKED) this.hits.clear();
  }
}
