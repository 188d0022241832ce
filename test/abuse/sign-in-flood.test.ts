import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import { freePort } from '../support/free-port.ts';
import { startBridge } from '../server/harness.ts';

/**
 * 50,010 sign-ins with made-up names must not reset the limit of a user
 * already refused (the limiter once forgot every key at 50,000).
 */
const ALICE = { username: 'alice', password: 'pw-alice-7' };
const FLOOD = 50_010;
const PARALLEL = 16;

describe('sign-in limiter under a flood of made-up names', () => {
  let pop: Pop3Server;
  beforeAll(async () => { pop = await startPop3Server({ users: [ALICE] }); });
  afterAll(async () => { await pop?.close(); });

  async function run(overrides: Record<string, unknown>, attackerAddress: (i: number) => string) {
    // s1 points at a closed port: made-up names fail fast without a POP3 login.
    const b = await startBridge([{ host: pop.host, port: pop.port }, { host: '127.0.0.1', port: await freePort() }],
      { trustProxy: ['127.0.0.1'], signInAttemptsPerUser: 3, ...overrides } as never);
    // Injected (the whole app, no sockets): 50,000 requests over loopback HTTP take minutes on a shared machine.
    const signIn = async (from: string, serverId: string, username: string, password: string): Promise<number> => {
      const res = await b.app.inject({
        method: 'POST', url: '/api/session', payload: { serverId, username, password },
        headers: { host: new URL(b.url).host, 'x-forwarded-for': from },
      });
      return res.statusCode;
    };
    try {
      for (let i = 0; i < 4; i++) await signIn('198.51.100.1', 's0', 'alice', `guess${i}`);
      expect(await signIn('198.51.100.2', 's0', 'alice', ALICE.password)).toBe(429);
      const started = Date.now();
      let next = 0;
      await Promise.all(Array.from({ length: PARALLEL }, async () => {
        while (next < FLOOD) { const i = next++; await signIn(attackerAddress(i), 's1', `made-up-${i}`, 'x'); }
      }));
      const seconds = (Date.now() - started) / 1000;
      const after = await signIn('198.51.100.3', 's0', 'alice', ALICE.password);
      console.info(`sign-in flood: ${FLOOD} made-up names in ${seconds.toFixed(1)} s; alice's next sign-in answered ${after}`);
      return after;
    } finally {
      await b.stop();
    }
  }

  test('from one address: the refused user stays refused', async () => {
    expect(await run({}, () => '203.0.113.9')).toBe(429);
  }, 300_000);

  test('from many addresses (per-client limit out of the way): the refused user stays refused', async () => {
    expect(await run({ signInAttemptsPerClient: 1_000_000 }, (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)).toBe(429);
  }, 300_000);
});
