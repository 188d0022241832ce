import { BridgeError } from '../errors.ts';

/**
 * Caps concurrent POP3 connections to one server. Every user reaches it from
 * the bridge's one address and servers cap connections per address (Courier
 * refuses a fifth), so beyond the cap callers queue FIFO, are told their
 * position and how long they wait at most, and fail with SERVER_BUSY after
 * that. An idle holder (one that offered its slot with `idle`) is asked to
 * give it back as soon as someone waits: one holder per waiter, the one idle
 * longest first. Holders decide what idle means; this only keeps the count.
 */
export type Release = () => void;

/** Position in the queue (1 = next), and whole seconds left until the wait fails (when bounded). */
export type OnPosition = (position: number, waitAtMostSeconds?: number) => void;

/** Asked to give a slot back now; false: not idle after all (the holder offers again when it is). */
export type YieldSlot = () => boolean;

export interface LimiterOptions {
  /** A queued acquire fails with SERVER_BUSY after this long; default: waits for ever. */
  waitMs?: number;
  /** Named in SERVER_BUSY. */
  serverLabel?: string;
  now?: () => number;
}

interface Waiter {
  grant: (r: Release) => void;
  onPosition: OnPosition | undefined;
  deadline: number;
  timer: NodeJS.Timeout | undefined;
}

export class ConnectionLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];
  /** Slots whose holder is idle, in the order they became idle (Map keeps insertion order). */
  private readonly idleHolders = new Map<Release, YieldSlot>();
  /** Slots whose holder agreed to give them back and has not yet. */
  private readonly asked = new Set<Release>();
  private readonly now: () => number;

  constructor(private readonly max: number, private readonly options: LimiterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  get inUse(): number { return this.active; }
  get waiting(): number { return this.queue.length; }

  acquire(onPosition?: OnPosition): Promise<Release> {
    return new Promise((grant, reject) => {
      if (this.active < this.max) {
        this.active++;
        grant(this.releaser());
        return;
      }
      const waitMs = this.options.waitMs ?? Number.POSITIVE_INFINITY;
      const w: Waiter = { grant, onPosition, deadline: this.now() + waitMs, timer: undefined };
      if (Number.isFinite(waitMs)) {
        w.timer = setTimeout(() => {
          this.queue.splice(this.queue.indexOf(w), 1);
          this.tellPositions();
          reject(this.busy(waitMs));
        }, waitMs);
        w.timer.unref();
      }
      this.queue.push(w);
      this.tell(w, this.queue.length);
      this.askIdle();
    });
  }

  /** The holder of `slot` runs nothing: it is asked to yield the slot to the next waiter, now or when one comes. */
  idle(slot: Release, yieldSlot: YieldSlot): void {
    this.idleHolders.delete(slot); // re-inserted: idle since now
    this.idleHolders.set(slot, yieldSlot);
    this.askIdle();
  }

  /** The holder of `slot` is using it again. */
  inUseAgain(slot: Release): void {
    this.idleHolders.delete(slot);
  }

  private askIdle(): void {
    for (const [slot, yieldSlot] of this.idleHolders) {
      if (this.queue.length <= this.asked.size) return;
      this.idleHolders.delete(slot);
      this.asked.add(slot); // before asking: a holder may give the slot back at once
      if (!yieldSlot()) this.asked.delete(slot);
    }
  }

  private busy(waitMs: number): BridgeError {
    const { serverLabel } = this.options;
    return new BridgeError('SERVER_BUSY', {
      retryAfterSeconds: Math.ceil(waitMs / 1000), ...(serverLabel ? { serverLabel } : {}),
    });
  }

  private tell(w: Waiter, position: number): void {
    if (!w.onPosition) return;
    if (!Number.isFinite(w.deadline)) { w.onPosition(position); return; }
    w.onPosition(position, Math.max(0, Math.ceil((w.deadline - this.now()) / 1000)));
  }

  private tellPositions(): void {
    this.queue.forEach((w, i) => this.tell(w, i + 1));
  }

  private releaser(): Release {
    let done = false;
    const release: Release = () => {
      if (done) return;
      done = true;
      this.idleHolders.delete(release);
      this.asked.delete(release);
      const next = this.queue.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant(this.releaser());
        this.tellPositions();
      } else {
        this.active--;
      }
    };
    return release;
  }
}
