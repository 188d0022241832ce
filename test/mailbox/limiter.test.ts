import { describe, expect, test } from 'vitest';
import { ConnectionLimiter } from '../../server/mailbox/limiter.ts';

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
});
