/**
 * Caps concurrent POP3 connections to one server. Every user reaches it from
 * the bridge's one address and servers cap connections per address, so
 * beyond the cap callers queue FIFO and are told their position.
 */
export type Release = () => void;

interface Waiter { grant: (r: Release) => void; onPosition?: (position: number) => void }

export class ConnectionLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly max: number) {}

  get inUse(): number { return this.active; }
  get waiting(): number { return this.queue.length; }

  acquire(onPosition?: (position: number) => void): Promise<Release> {
    return new Promise((grant) => {
      if (this.active < this.max) {
        this.active++;
        grant(this.releaser());
        return;
      }
      const w: Waiter = onPosition ? { grant, onPosition } : { grant };
      this.queue.push(w);
      onPosition?.(this.queue.length);
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) {
        next.grant(this.releaser());
        this.queue.forEach((w, i) => w.onPosition?.(i + 1));
      } else {
        this.active--;
      }
    };
  }
}
