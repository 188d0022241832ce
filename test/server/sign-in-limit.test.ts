import { afterEach, describe, expect, test } from 'vitest';
import { startPop3Server } from '../../server/pop3-server/index.ts';
import { RateLimiter } from '../../server/sessions/rate-limit.ts';
import { startBridge } from './harness.ts';

const ALICE = { username: 'alice', password: 'pw-alice-7' };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

async function bridge(overrides: Record<string, unknown>) {
  const p = await startPop3Server({ users: [ALICE] });
  cleanup.push(() => p.close());
  const b = await startBridge([{ host: p.host, port: p.port }], { trustProxy: ['127.0.0.1'], ...overrides } as never);
  cleanup.push(() => b.stop());
  // The bridge trusts loopback as its proxy, so each call can come from its own client address.
  return async (from: string, username: string, password: string): Promise<string> => {
    const res = await fetch(b.url + '/api/session', {
      method: 'POST', body: JSON.stringify({ serverId: 's0', username, password }),
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    });
    return res.ok ? 'OK' : ((await res.json()) as { error: { code: string } }).error.code;
  };
}

describe('sign-in limit', () => {
  test('an attempt the per-client limit refused does not count against the user', async () => {
    const signIn = await bridge({ signInAttemptsPerClient: 2, signInAttemptsPerUser: 3 });
    const attacker = [];
    for (let i = 0; i < 6; i++) attacker.push(await signIn('203.0.113.9', 'alice', `guess${i}`));
    expect(attacker).toEqual(['AUTH_FAILED', 'AUTH_FAILED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Two guesses counted for alice, so her own third attempt is still allowed.
    expect(await signIn('198.51.100.7', 'alice', ALICE.password)).toBe('OK');
  });

  test('user names differing only in surrounding white space or case are one user for the limit', async () => {
    const signIn = await bridge({ signInAttemptsPerUser: 3 });
    const got = [];
    for (const [i, name] of ['alice', ' alice', 'ALICE\t', 'Alice ', ' aLiCe '].entries()) got.push(await signIn(`203.0.113.${i}`, name, 'wrong'));
    expect(got).toEqual(['AUTH_FAILED', 'AUTH_FAILED', 'AUTH_FAILED', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('RateLimiter', () => {
  test('when full it forgets the least-hit keys, never a refused one, and stays bounded', () => {
    const limiter = new RateLimiter(3, 60_000, 1000);
    for (let i = 0; i < 5; i++) limiter.hit('victim', 0);
    for (let i = 0; i < 5000; i++) limiter.hit(`made-up-${i}`, 1);
    expect(limiter.size).toBeLessThanOrEqual(1000);
    expect(limiter.hit('victim', 2)).toBeGreaterThan(0);
  });
});
