import { describe, expect, test } from 'vitest';
import { ConnectionLease } from '../../server/mailbox/connection-lease.ts';
import { ConnectionLimiter } from '../../server/mailbox/limiter.ts';
import { toApiError } from '../../server/errors.ts';
import { FakeMaildrop } from '../fixtures/fake-mailbox-client.ts';

const credentials = { username: 'u', password: 'p' };

function lease(drop: FakeMaildrop, limiter = new ConnectionLimiter(1), idleCloseMs = 60_000, now?: () => number, holding?: () => boolean) {
  return new ConnectionLease({
    serverId: 's', limiter, connector: drop.connector, idleCloseMs, log: { warn() {} },
    onQueued() {}, onConnecting() {}, ...(now ? { now } : {}), ...(holding ? { holding } : {}),
  });
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('connection lease', () => {
  test('actions run one at a time, in order', async () => {
    const l = lease(new FakeMaildrop([]));
    const order: string[] = [];
    const slow = l.run(async () => { order.push('a start'); await new Promise((r) => setTimeout(r, 20)); order.push('a end'); });
    const fast = l.run(async () => { order.push('b'); });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a start', 'a end', 'b']);
  });

  test('one connection, reused; QUIT gives the slot back; the connection closed by the server does too', async () => {
    const drop = new FakeMaildrop([]);
    const limiter = new ConnectionLimiter(1);
    const l = lease(drop, limiter);
    const first = await l.run(() => l.connect(credentials));
    expect(await l.run(() => l.connect(credentials))).toBe(first);
    expect(limiter.inUse).toBe(1);
    await l.run(() => l.close());
    expect(limiter.inUse).toBe(0);
    expect(l.connection).toBeNull();
    await l.run(() => l.connect(credentials));
    drop.live!.destroy();
    expect(limiter.inUse).toBe(0);
    expect(l.connection).toBeNull();
    expect(drop.logins).toBe(2);
  });

  test('a failed login gives the slot back', async () => {
    const limiter = new ConnectionLimiter(1);
    const l = new ConnectionLease({
      serverId: 's', limiter, connector: async () => { throw Object.assign(new Error('no'), { name: 'Pop3Error', code: 'AUTH_FAILED' }); },
      idleCloseMs: 60_000, log: { warn() {} }, onQueued() {}, onConnecting() {},
    });
    await expect(l.run(() => l.connect(credentials))).rejects.toThrow('no');
    expect(limiter.inUse).toBe(0);
  });

  test('an unused connection is closed with QUIT after the idle time', async () => {
    const drop = new FakeMaildrop([]);
    const limiter = new ConnectionLimiter(1);
    const l = lease(drop, limiter, 30);
    await l.run(() => l.connect(credentials));
    await new Promise((r) => setTimeout(r, 120));
    expect(l.connection).toBeNull();
    expect(limiter.inUse).toBe(0);
  });

  test('no new login before LOGIN-DELAY has passed', async () => {
    let now = 1_000_000;
    const drop = new FakeMaildrop([]);
    drop.capabilityLines = [...drop.capabilityLines, 'LOGIN-DELAY 60'];
    const l = lease(drop, new ConnectionLimiter(1), 60_000, () => now);
    await l.run(() => l.connect(credentials));
    await l.run(() => l.close());
    now += 30_000;
    const error = await l.run(() => l.connect(credentials)).catch((e: unknown) => toApiError(e));
    expect(error).toMatchObject({ code: 'LOGIN_DELAY', retryAfterSeconds: 30 });
    now += 30_000;
    await l.run(() => l.connect(credentials));
    expect(drop.logins).toBe(2);
  });

  test('an idle connection yields at once to someone queued on the same server; its next action logs in again', async () => {
    const drop = new FakeMaildrop([]);
    const limiter = new ConnectionLimiter(1);
    const l = lease(drop, limiter);
    const first = await l.run(() => l.connect(credentials));
    const other = await limiter.acquire(); // would wait for the 60 s idle close without the yield
    expect(first.client.closed).toBe(true);
    expect(l.connection).toBeNull();
    const again = l.run(() => l.connect(credentials));
    await tick();
    expect(limiter.waiting).toBe(1);
    other();
    await again;
    expect(drop.logins).toBe(2);
  });

  test('a connection with an action running yields only when the action ends', async () => {
    const drop = new FakeMaildrop([]);
    const limiter = new ConnectionLimiter(1);
    const l = lease(drop, limiter);
    let finish!: () => void;
    const busy = l.run(async () => { await l.connect(credentials); await new Promise<void>((r) => { finish = r; }); });
    await tick();
    let granted = false;
    const other = limiter.acquire().then((r) => { granted = true; return r; });
    await tick();
    expect(granted).toBe(false);
    expect(l.connection).not.toBeNull();
    finish();
    await busy;
    (await other)();
    expect(l.connection).toBeNull();
  });

  test('a connection held for a delete in its Undo window does not yield; once let go it does', async () => {
    const drop = new FakeMaildrop([]);
    const limiter = new ConnectionLimiter(1);
    let pendingDelete = true;
    const l = lease(drop, limiter, 60_000, undefined, () => pendingDelete);
    await l.run(() => l.connect(credentials));
    let granted = false;
    const other = limiter.acquire().then((r) => { granted = true; return r; });
    await tick();
    expect(granted).toBe(false);
    expect(l.connection).not.toBeNull();
    pendingDelete = false; // undone
    l.released();
    (await other)();
    expect(l.connection).toBeNull();
    expect(drop.deles).toEqual([]);
  });

  test('after the end, no action runs', async () => {
    const l = lease(new FakeMaildrop([]));
    l.end();
    await expect(l.run(async () => 1)).rejects.toMatchObject({ code: 'SESSION_EXPIRED' });
  });
});
