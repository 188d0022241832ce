import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { attachmentDisposition } from '../../server/http/raw-route.ts';
import type { Pop3Server, Variation } from '../../server/pop3-server/index.ts';
import { inUse } from '../fixtures/quirks.ts';
import { freePort } from '../support/free-port.ts';
import { TestBrowser } from './client.ts';
import { startBridge, startMailServer, stopAfterEach } from './harness.ts';
import { testMessage } from './mail.ts';

const USER = { username: 'alice', password: 'pw-alice-7' };
const track = stopAfterEach();

function pop3(messages: Array<{ bytes: string; uid: string }> = [], variation?: Variation): Promise<Pop3Server> {
  return startMailServer({ users: [USER], mail: { alice: messages }, ...(variation ? { variation } : {}) }).then(track);
}

async function bridgeFor(servers: Parameters<typeof startBridge>[0], overrides = {}) {
  const b = track(await startBridge(servers, overrides));
  return { b, browser: new TestBrowser(b.url) };
}

describe('HTTP API', () => {
  test('config lists servers by id and label only, with security headers on every response', async () => {
    const p = await pop3();
    const { browser } = await bridgeFor([{ host: p.host, port: p.port, label: 'Example' }]);
    const res = await browser.http('GET', '/api/config');
    expect(res.json).toEqual({ servers: [{ id: 's0', label: 'Example', canSend: false }], demo: null });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const missing = await browser.http('GET', '/api/nothing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await browser.http('GET', '/api/health')).json).toEqual({ status: 'ok' });
  });

  test('sign-in errors are distinct: bad body, unknown server, wrong password, in use, unreachable', async () => {
    const p = await pop3();
    const busy = await pop3([], inUse);
    const closedPort = await freePort();
    const { browser } = await bridgeFor([
      { host: p.host, port: p.port },
      { host: busy.host, port: busy.port },
      { host: '127.0.0.1', port: closedPort },
    ]);
    const bad = await browser.http('POST', '/api/session', { serverId: 's0', username: 'alice' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'BAD_REQUEST']);
    const unknown = await browser.signIn('nope', 'alice', 'x');
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'NOT_FOUND']);
    const wrong = await browser.signIn('s0', 'alice', 'wrong');
    expect([wrong.status, wrong.json.error.code]).toEqual([401, 'AUTH_FAILED']);
    const inUseRes = await browser.signIn('s1', USER.username, USER.password);
    expect([inUseRes.status, inUseRes.json.error.code]).toEqual([409, 'MAILDROP_IN_USE']);
    const down = await browser.signIn('s2', USER.username, USER.password);
    expect([down.status, down.json.error.code]).toEqual([502, 'CONNECT_FAILED']);
    expect(browser.cookie).toBe('');
    expect((await browser.http('GET', '/api/session')).status).toBe(401);
  });

  test('sign-in is rate limited per username', async () => {
    const p = await pop3();
    const { browser } = await bridgeFor([{ host: p.host, port: p.port }], { signInAttemptsPerUser: 3 });
    for (let i = 0; i < 3; i++) expect((await browser.signIn('s0', 'alice', `guess${i}`)).status).toBe(401);
    const limited = await browser.signIn('s0', 'alice', USER.password);
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another username is not blocked by alice's limit.
    expect((await browser.signIn('s0', 'mallory', 'x')).json.error.code).toBe('AUTH_FAILED');
  });

  test('raw bytes: 401 without a session; download has a safe RFC 6266 name and never renders inline', async () => {
    const subject = '=?utf-8?b?' + Buffer.from('Invoice\r\nSet-Cookie: x=1; "q"/../ü\u2028€').toString('base64') + '?=';
    const p = await pop3([{ bytes: `From: a@example.test\r\nSubject: ${subject}\r\n\r\nbody\r\n`, uid: 'a' }]);
    const { browser } = await bridgeFor([{ host: p.host, port: p.port }]);
    expect((await browser.http('GET', '/api/accounts/x/messages/uYQ/raw')).status).toBe(401);
    await browser.signIn('s0', USER.username, USER.password);
    const tab = await browser.tab();
    const { keys } = await tab.sync();
    const res = await browser.http('GET', browser.rawPath(keys[0]!, '?download=1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('set-cookie')).toBeNull();
    const cd = res.headers.get('content-disposition')!;
    expect(cd).toMatch(/^attachment; filename="[^"]*\.eml"; filename\*=UTF-8''[A-Za-z0-9%._~!-]+$/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1]!)).toBe('InvoiceSet-Cookie: x=1; _q__.._ü€.eml');
    const gone = await browser.http('GET', browser.rawPath('uZZZZ'));
    expect([gone.status, gone.json.error.code]).toEqual([404, 'MESSAGE_GONE']);
    const malformed = await browser.http('GET', browser.rawPath('a%0D%0Ab'));
    expect(malformed.status).toBe(400);
    await tab.close();
  });

  test('attachmentDisposition strips every control character', () => {
    for (const name of ['a\r\nb', 'x\u0000y', 'p\u2028q', 'c\u0085d', '"/\\']) {
      const h = attachmentDisposition(name);
      expect(h).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      expect(() => new Headers({ 'content-disposition': h })).not.toThrow();
    }
    expect(attachmentDisposition('')).toContain('filename="message.eml"');
  });

  test('attachmentDisposition never throws on a subject cut inside an emoji or holding a lone surrogate', () => {
    for (const name of ['a'.repeat(119) + '😀tail', 'broken \uD83D half', '\uDE00 lone low']) {
      const h = attachmentDisposition(name);
      expect(() => new Headers({ 'content-disposition': h })).not.toThrow();
      // Well-formed UTF-16 round-trips through encodeURIComponent, which throws on a lone surrogate.
      expect(() => encodeURIComponent(decodeURIComponent(h.split("UTF-8''")[1]!))).not.toThrow();
    }
    expect(attachmentDisposition('a'.repeat(119) + '😀tail')).toContain(encodeURIComponent('a'.repeat(119) + '😀') + '.eml');
  });

  test('logs never carry the password or the session cookie', async () => {
    const p = await pop3();
    const lines: string[] = [];
    const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const { loadConfig } = await import('../../server/config.ts');
    const base = loadConfig({ DATA_DIR: ':memory:' });
    const { SqliteStore } = await import('../../server/store/sqlite.ts');
    const app = await buildApp({ ...base, webRoot: '/nonexistent', servers: [{ id: 's0', label: 'x', host: p.host, port: p.port, security: 'plain', maxConnections: 2 }] },
      { logger: { level: 'trace', stream }, store: new SqliteStore(':memory:') });
    track({ stop: async () => { await app.close(); } });
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { serverId: 's0', ...USER } });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    await app.inject({ method: 'POST', url: '/api/session', payload: { serverId: 's0', username: 'alice', password: 'the-wrong-one' } });
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(USER.password);
    expect(log).not.toContain('the-wrong-one');
    expect(log).not.toContain(cookie.split('=')[1]!);
  });
});
