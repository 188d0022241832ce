import { afterEach, describe, expect, test, vi } from 'vitest';
import { toApiError } from '../../server/errors.ts';
import { ConnectionLimiter, type Release } from '../../server/mailbox/limiter.ts';

/** A holder that gives its slot back when asked (as an idle lease QUITs) and counts the asks. */
function idleHolder(limiter: ConnectionLimiter, slot: Release, answer = true) {
  const holder = { asked: 0 };
  limiter.idle(slot, () => {
    holder.asked++;
    if (answer) queueMicrotask(slot); // the QUIT completes later, not inside the ask
    return answer;
  });
  return holder;
}

const settledYet = async <T>(p: Promise<T>): Promise<boolean> => {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

afterEach(() => { vi.useRealTimers(); });

describe('ConnectionLimiter', () => {
  test('grants up to the cap, queues FIFO beyond it and reports queue positions', async () => {
    const l = new ConnectionLimiter(2);
    const r1 = await l.acquire();
    const r2 = await l.acquire();
    const positions: Record<string, number[]> = { c: [], d: [] };
    const order: string[] = [];
    const c = l.acquire((p) => positions.c!.push(p)).then((r) => { order.push('c'); return r; });
    const d = l.acquire((p) => positions.d!.push(p)).then((r) => { order.push('d'); return r; });
    expect(l.inUse).toBe(2);
    expect(l.waiting).toBe(2);
    r1();
    r1(); // releasing twice frees one slot only
    const rc = await c;
    expect(order).toEqual(['c']);
    expect(positions).toEqual({ c: [1], d: [2, 1] });
    r2();
    const rd = await d;
    expect(order).toEqual(['c', 'd']);
    rc(); rd();
    expect(l.inUse).toBe(0);
    expect(l.waiting).toBe(0);
  });

  test('an idle holder is asked to yield as soon as someone queues, and its slot goes to the waiter', async () => {
    const l = new ConnectionLimiter(1);
    const held = await l.acquire();
    const holder = idleHolder(l, held);
    expect(holder.asked).toBe(0); // nobody waits: the idle holder keeps its connection
    const waiter = l.acquire();
    expect(holder.asked).toBe(1);
    const granted = await waiter;
    expect(l.inUse).toBe(1);
    expect(l.waiting).toBe(0);
    granted();
    expect(l.inUse).toBe(0);
  });

  test('a busy holder is not asked: one that offered and took up work again keeps its slot until it releases', async () => {
    const l = new ConnectionLimiter(1);
    const held = await l.acquire();
    const holder = idleHolder(l, held);
    l.inUseAgain(held);
    const waiter = l.acquire();
    expect(await settledYet(waiter)).toBe(false);
    expect(holder.asked).toBe(0);
    held(); // its work is done and it closed: the slot goes to the waiter
    (await waiter)();
    expect(l.inUse).toBe(0);
  });

  test('a holder that declines (a delete in its Undo window) keeps its slot and is asked again only once it offers again', async () => {
    const l = new ConnectionLimiter(1);
    const held = await l.acquire();
    const holder = idleHolder(l, held, false);
    const waiter = l.acquire();
    expect(holder.asked).toBe(1);
    expect(await settledYet(waiter)).toBe(false);
    const second = l.acquire().catch(() => undefined);
    expect(holder.asked).toBe(1); // not asked again while it has not offered again
    const again = idleHolder(l, held); // the delete was undone: idle now, and two wait
    expect(again.asked).toBe(1);
    (await waiter)();
    void second;
  });

  test('a holder that becomes idle while others wait yields then', async () => {
    const l = new ConnectionLimiter(1);
    const held = await l.acquire();
    const waiter = l.acquire();
    expect(await settledYet(waiter)).toBe(false);
    const holder = idleHolder(l, held);
    expect(holder.asked).toBe(1);
    (await waiter)();
  });

  test('one idle holder per waiter, the one idle longest first', async () => {
    const l = new ConnectionLimiter(3);
    const [a, b, c] = [await l.acquire(), await l.acquire(), await l.acquire()];
    const hb = idleHolder(l, b);
    const ha = idleHolder(l, a);
    const hc = idleHolder(l, c);
    const first = l.acquire();
    expect([hb.asked, ha.asked, hc.asked]).toEqual([1, 0, 0]);
    const second = l.acquire();
    expect([hb.asked, ha.asked, hc.asked]).toEqual([1, 1, 0]);
    (await first)(); (await second)();
    expect(hc.asked).toBe(0);
    expect(l.inUse).toBe(1);
  });

  test('an idle holder re-offering counts as idle since then (oldest-idle order follows the last offer)', async () => {
    const l = new ConnectionLimiter(2);
    const [a, b] = [await l.acquire(), await l.acquire()];
    const first = idleHolder(l, a);
    const hb = idleHolder(l, b);
    l.inUseAgain(a);
    const ha = idleHolder(l, a); // a worked and is idle again: b has been idle longer
    const waiter = l.acquire();
    expect([first.asked, ha.asked, hb.asked]).toEqual([0, 0, 1]);
    (await waiter)();
  });

  test('FIFO is kept when slots come from yielding holders', async () => {
    const l = new ConnectionLimiter(2);
    const [a, b] = [await l.acquire(), await l.acquire()];
    const order: string[] = [];
    const w1 = l.acquire().then((r) => { order.push('w1'); return r; });
    const w2 = l.acquire().then((r) => { order.push('w2'); return r; });
    idleHolder(l, b);
    (await w1)();
    idleHolder(l, a);
    (await w2)();
    expect(order).toEqual(['w1', 'w2']);
  });

  test('a queued acquire fails with SERVER_BUSY at its deadline, leaves the queue and tells the others their new place', async () => {
    vi.useFakeTimers();
    const l = new ConnectionLimiter(1, { waitMs: 60_000, serverLabel: 'Example Mail' });
    const held = await l.acquire();
    const seen: Array<[number, number | undefined]> = [];
    const first = l.acquire((p, s) => seen.push([p, s])).catch((e: unknown) => toApiError(e));
    vi.advanceTimersByTime(20_000);
    const later: Array<[number, number | undefined]> = [];
    const second = l.acquire((p, s) => later.push([p, s]));
    expect(seen).toEqual([[1, 60]]);
    expect(later).toEqual([[2, 60]]);
    vi.advanceTimersByTime(40_000);
    expect(await first).toEqual({ code: 'SERVER_BUSY', retryAfterSeconds: 60, serverLabel: 'Example Mail' });
    expect(l.waiting).toBe(1);
    expect(later).toEqual([[2, 60], [1, 20]]);
    held(); // the slot goes to the one still waiting, not to the one that gave up
    const r = await second;
    expect(l.inUse).toBe(1);
    r();
    expect(l.inUse).toBe(0);
  });

  test('a released slot goes to the next waiter, whose deadline then no longer applies', async () => {
    vi.useFakeTimers();
    const l = new ConnectionLimiter(1, { waitMs: 1000 });
    const held = await l.acquire();
    const waiter = l.acquire();
    vi.advanceTimersByTime(500);
    held();
    const granted = await waiter;
    vi.advanceTimersByTime(5000);
    expect(l.inUse).toBe(1);
    granted();
    expect(l.inUse).toBe(0);
  });
});
