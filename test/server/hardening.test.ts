import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import { launchBrowser } from '../e2e/support/browser.ts';
import { TestBrowser } from './client.ts';
import { startBridge } from './harness.ts';
import { testMessage } from './mail.ts';

const ALICE = { username: 'alice', password: 'pw-alice-7' };
const BOB = { username: 'bob', password: 'pw-bob-7' };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

async function pop3(): Promise<Pop3Server> {
  const mail = (who: string) => ({ messages: [1, 2].map((n) => ({ bytes: testMessage(n, ` for ${who}`), uid: `shared-${n}` })) });
  const p = await startPop3Server({ users: [ALICE, BOB], maildrops: { alice: mail('alice'), bob: mail('bob') } });
  cleanup.push(() => p.close());
  return p;
}

async function bridge(overrides: Record<string, unknown> = {}) {
  const p = await pop3();
  const b = await startBridge([{ host: p.host, port: p.port }], overrides as never);
  cleanup.push(() => b.stop());
  return b;
}

/** Raw HTTP/1.1 over a socket, so headers fetch() forbids (Host) can be sent. */
function rawRequest(url: string, head: string, body = ''): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => s.end(head + '\r\n' + body));
    let text = '';
    s.on('data', (d) => { text += d.toString(); });
    s.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), text }));
    s.on('error', reject);
  });
}

async function signedInKeys(b: { url: string }, user: typeof ALICE): Promise<{ browser: TestBrowser; keys: string[] }> {
  const browser = new TestBrowser(b.url);
  expect((await browser.signIn('s0', user.username, user.password)).status).toBe(200);
  const tab = await browser.tab();
  const { keys } = await tab.sync();
  await tab.close();
  return { browser, keys };
}

describe('personal responses are never cached', () => {
  test('message bytes and every /api response are no-store; the same key in two accounts gives each its own bytes', async () => {
    const b = await bridge();
    const alice = await signedInKeys(b, ALICE);
    const bob = await signedInKeys(b, BOB);
    // Both maildrops use the same unique-ids, so the keys are the same: only the session tells them apart.
    expect(alice.keys).toEqual(bob.keys);
    const a = await alice.browser.http('GET', alice.browser.rawPath(alice.keys[0]!));
    const o = await bob.browser.http('GET', bob.browser.rawPath(bob.keys[0]!));
    expect(Buffer.from(a.bytes).toString()).toContain('for alice');
    expect(Buffer.from(o.bytes).toString()).toContain('for bob');
    // Keys are scoped by account in every URL: the two never share one, and one account's URL is not found in the other.
    expect(alice.browser.rawPath(alice.keys[0]!)).not.toBe(bob.browser.rawPath(bob.keys[0]!));
    const crossed = await alice.browser.http('GET', bob.browser.rawPath(bob.keys[0]!));
    expect([crossed.status, crossed.json.error.code]).toEqual([404, 'NOT_FOUND']);
    for (const res of [a, o, await alice.browser.http('GET', '/api/session'), await alice.browser.http('GET', '/api/config'),
      await alice.browser.http('GET', alice.browser.rawPath('uZZZZ')), await new TestBrowser(b.url).http('GET', '/api/session')]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  test('Chromium: after sign-out, the message URL reaches the server again and is refused', async () => {
    const b = await bridge();
    const { keys } = await signedInKeys(b, ALICE);
    const browser = await launchBrowser();
    cleanup.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(b.url + '/api/health');
    const result = await page.evaluate(async ({ key, user }) => {
      const signIn = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverId: 's0', ...user }) });
      const raw = `/api/accounts/${(await signIn.json()).account}/messages/${key}/raw`;
      const before = await fetch(raw);
      const beforeText = await before.text();
      await fetch('/api/session', { method: 'DELETE' });
      const after = await fetch(raw);
      return { signIn: signIn.status, before: before.status, beforeText, after: after.status };
    }, { key: keys[0]!, user: ALICE });
    expect(result.signIn).toBe(200);
    expect(result.before).toBe(200);
    expect(result.beforeText).toContain('for alice');
    expect(result.after).toBe(401);
  }, 60_000);
});

describe('client address behind a proxy', () => {
  test('a forged X-Forwarded-For entry cannot dodge the per-client sign-in limit (TRUST_PROXY=true, nginx appends the peer)', async () => {
    const b = await bridge({ trustProxy: true, signInAttemptsPerClient: 3 });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const body = JSON.stringify({ serverId: 's0', username: `nobody${i}`, password: 'x' });
      // What nginx sends for a client at 198.51.100.7 that wrote its own X-Forwarded-For.
      const res = await fetch(b.url + '/api/session', {
        method: 'POST', body,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}, 127.0.0.1, 198.51.100.7` },
      });
      codes.push(((await res.json()) as { error: { code: string } }).error.code);
    }
    expect(codes).toEqual(['AUTH_FAILED', 'AUTH_FAILED', 'AUTH_FAILED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});

describe('slow clients', () => {
  test('a POST body dribbled one byte at a time is cut off by the request timeout', async () => {
    const b = await bridge({ requestTimeoutSeconds: 2, headersTimeoutSeconds: 1 });
    const { port } = new URL(b.url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write('POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:' + port + '\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
      });
      const drip = setInterval(() => { if (!s.destroyed) s.write('x'); }, 200);
      const giveUp = setTimeout(() => { s.destroy(); resolve(Infinity); }, 8000);
      s.on('error', () => undefined);
      s.on('close', () => { clearInterval(drip); clearTimeout(giveUp); resolve(Date.now() - started); });
    });
    expect(closedAfter).toBeLessThan(7000);
  }, 20_000);

  test('an open WebSocket outlives the request, header and idle-connection timeouts', async () => {
    const b = await bridge({ requestTimeoutSeconds: 1, headersTimeoutSeconds: 1, connectionIdleSeconds: 1 });
    const { browser } = await signedInKeys(b, ALICE);
    const tab = await browser.tab();
    await new Promise((r) => setTimeout(r, 3500));
    expect(tab.closed).toBe(false);
    expect((await tab.request({ type: 'ping' })).result).toBeTruthy();
    await tab.close();
  }, 20_000);
});

describe('Host header (DNS rebinding)', () => {
  test('HTTP: a foreign Host is refused; loopback names and ALLOWED_HOSTS are served', async () => {
    const b = await bridge({ allowedHosts: ['mail.example.org'] });
    const port = new URL(b.url).port;
    const get = (host: string) => rawRequest(b.url, `GET /api/config HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n`);
    const evil = await get(`rebind.example:${port}`);
    expect(evil.status).toBe(403);
    expect(evil.text).toContain('FORBIDDEN_HOST');
    expect((await get(`127.0.0.1:${port}`)).status).toBe(200);
    expect((await get(`localhost:${port}`)).status).toBe(200);
    expect((await get(`[::1]:${port}`)).status).toBe(200);
    expect((await get('mail.example.org')).status).toBe(200);
    expect((await get(`localhost.rebind.example:${port}`)).status).toBe(403);
    expect((await get('')).status).toBe(403);
  });

  test('HTTP behind a trusted proxy: a page on a rebound name cannot pass with its own X-Forwarded-Host', async () => {
    const b = await bridge({ trustProxy: true, allowedHosts: ['mail.example.org'] });
    const port = new URL(b.url).port;
    // fetch() may set X-Forwarded-Host; the proxy passes it on with the real Host.
    const res = await rawRequest(b.url, `GET /api/config HTTP/1.1\r\nHost: rebind.example:${port}\r\nX-Forwarded-Host: mail.example.org\r\nConnection: close\r\n`);
    expect(res.status).toBe(403);
  });

  test('WebSocket: a rebound name with a matching Origin cannot open a socket', async () => {
    const b = await bridge();
    const { browser } = await signedInKeys(b, ALICE);
    const port = new URL(b.url).port;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/ws`, {
        headers: { cookie: browser.cookie, host: `rebind.example:${port}` }, origin: `http://rebind.example:${port}`,
      });
      ws.once('unexpected-response', (req, res) => { resolve(res.statusCode ?? 0); req.destroy(); });
      ws.once('open', () => { ws.close(); resolve(101); });
      ws.once('error', () => resolve(-1));
    });
    expect(status).toBe(403);
  });
});

describe('session cookie and idle sessions', () => {
  test('over HTTPS (via a trusted proxy) the cookie is __Host- prefixed, Secure, Path=/ and works', async () => {
    const b = await bridge({ trustProxy: true });
    const res = await fetch(b.url + '/api/session', {
      method: 'POST', body: JSON.stringify({ serverId: 's0', ...ALICE }),
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^__Host-popbridge_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    const who = await fetch(b.url + '/api/session', { headers: { cookie: cookie.split(';')[0]!, 'x-forwarded-proto': 'https' } });
    expect(who.status).toBe(200);
    // Plain HTTP keeps the plain name (a __Host- cookie needs Secure, which plain HTTP cannot set).
    const plain = new TestBrowser(b.url);
    await plain.signIn('s0', ALICE.username, ALICE.password);
    expect(plain.cookie).toMatch(/^popbridge_session=/);
  });

  test('a session unused for SESSION_IDLE_SECONDS ends before its lifetime', async () => {
    const b = await bridge({ sessionIdleSeconds: 1 });
    const browser = new TestBrowser(b.url);
    await browser.signIn('s0', ALICE.username, ALICE.password);
    expect((await browser.http('GET', '/api/session')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    expect((await browser.http('GET', '/api/session')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await browser.http('GET', '/api/session')).status).toBe(401);
  });
});
