import { afterEach, describe, expect, test } from 'vitest';
import { Maildrop, startPop3Server } from '../../server/pop3-server/index.ts';
import { TestBrowser } from '../server/client.ts';
import { startBridge } from '../server/harness.ts';
import { testMessage } from '../server/mail.ts';

/**
 * 10,000 valid sign-ins (the demo credentials are public) once filled the
 * session table, ended the oldest session to make room and, with it, that
 * user's pending deletes were committed. A full table must refuse instead.
 */
const VICTIM = { username: 'alice', password: 'pw-alice-7' };
const DEMO = { username: 'demo', password: 'demo-pw' };
const FLOOD = 10_000;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

async function setUp(overrides: Record<string, unknown>) {
  const drop = new Maildrop([1, 2, 3].map((n) => ({ bytes: testMessage(n), uid: `m${n}` })));
  const pop = await startPop3Server({ users: [VICTIM, DEMO], maildrops: { alice: drop } });
  cleanup.push(() => pop.close());
  const b = await startBridge([{ host: pop.host, port: pop.port }],
    { deleteGraceSeconds: 3600, signInAttemptsPerClient: 1_000_000, ...overrides } as never);
  cleanup.push(() => b.stop());
  const victim = new TestBrowser(b.url);
  expect((await victim.signIn('s0', VICTIM.username, VICTIM.password)).status).toBe(200);
  const tab = await victim.tab();
  cleanup.push(() => tab.close());
  const { keys } = await tab.sync();
  expect((await tab.request({ type: 'delete', keys: [keys[0]!] })).error).toBeUndefined();
  return { b, drop, victim, tab, key: keys[0]! };
}

async function flood(b: Awaited<ReturnType<typeof startBridge>>): Promise<Record<string, number>> {
  const codes: Record<string, number> = {};
  const started = Date.now();
  for (let i = 0; i < FLOOD; i++) {
    const res = await b.app.inject({ method: 'POST', url: '/api/session', headers: { host: new URL(b.url).host }, payload: { serverId: 's0', ...DEMO } });
    const code = res.statusCode === 200 ? 'OK' : (res.json() as { error: { code: string } }).error.code;
    codes[code] = (codes[code] ?? 0) + 1;
  }
  console.info(`session flood: ${FLOOD} sign-ins in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(codes)}`);
  return codes;
}

describe('a flood of valid sign-ins', () => {
  test('default caps: one account gets SESSIONS_PER_ACCOUNT sessions, then is refused; the victim stays signed in', async () => {
    const { b, victim } = await setUp({});
    const codes = await flood(b);
    // Refused sign-ins count as attempts, so the per-user limit soon answers in place of the session cap.
    expect(codes.OK).toBe(20);
    expect(codes.TOO_MANY_SESSIONS).toBeGreaterThan(0);
    expect((codes.TOO_MANY_SESSIONS ?? 0) + (codes.RATE_LIMITED ?? 0)).toBe(FLOOD - 20);
    expect((await victim.http('GET', '/api/session')).status).toBe(200);
  }, 300_000);

  test('a full table refuses new sessions and never signs anyone out or commits their pending deletes', async () => {
    const { b, drop, victim, tab, key } = await setUp({ sessionsPerAccount: 1_000_000, sessionsPerClient: 1_000_000 });
    const codes = await flood(b);
    const after = { session: (await victim.http('GET', '/api/session')).status, tabOpen: !tab.closed, onServer: drop.messages.length };
    console.info(`victim after the flood: ${JSON.stringify(after)}`);
    expect(after).toEqual({ session: 200, tabOpen: true, onServer: 3 });
    // The victim holds one of the 10,000 places.
    expect(codes).toEqual({ OK: FLOOD - 1, TOO_MANY_SESSIONS: 1 });
    expect((await tab.request({ type: 'undoDelete', keys: [key] })).error).toBeUndefined();
  }, 300_000);
});
