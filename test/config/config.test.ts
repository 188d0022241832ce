import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../server/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'popbridge-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };

describe('loadConfig', () => {
  test('defaults: loopback 8080, no servers (demo mode), ./data', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data', servers: [], demo: null, trustProxy: false });
  });

  test('refreshes log in at most every 10 s by default; MIN_REFRESH_INTERVAL_SECONDS changes it', () => {
    expect(loadConfig({}).minRefreshIntervalSeconds).toBe(10);
    expect(loadConfig({ MIN_REFRESH_INTERVAL_SECONDS: '0' }).minRefreshIntervalSeconds).toBe(0);
    expect(() => loadConfig({ MIN_REFRESH_INTERVAL_SECONDS: 'soon' })).toThrow(/^MIN_REFRESH_INTERVAL_SECONDS:/);
  });

  test('a listing may take 300 s by default; LISTING_TIMEOUT_SECONDS changes it, and 0 is refused', () => {
    expect(loadConfig({}).listingTimeoutSeconds).toBe(300);
    expect(loadConfig({ LISTING_TIMEOUT_SECONDS: '30' }).listingTimeoutSeconds).toBe(30);
    expect(() => loadConfig({ LISTING_TIMEOUT_SECONDS: '0' })).toThrow(/^listingTimeoutSeconds:/);
  });

  test('a wait for a capped connection lasts 60 s at most by default; CONNECTION_WAIT_SECONDS changes it, and 0 is refused', () => {
    expect(loadConfig({}).connectionWaitSeconds).toBe(60);
    expect(loadConfig({ CONNECTION_WAIT_SECONDS: '120' }).connectionWaitSeconds).toBe(120);
    expect(() => loadConfig({ CONNECTION_WAIT_SECONDS: '0' })).toThrow(/^connectionWaitSeconds:/);
  });

  test('one server from environment variables alone', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const c = loadConfig({ POP3_HOST: 'mail.example.org', POP3_SECURITY: 'starttls', POP3_CA_FILE: ca, HOST: '0.0.0.0', PORT: '9000', DATA_DIR: '/var/lib/pb' });
    expect(c.servers).toEqual([expect.objectContaining({ id: 'default', host: 'mail.example.org', port: 110, security: 'starttls', maxConnections: 4, ca: expect.stringContaining('BEGIN CERTIFICATE') })]);
    expect(c).toMatchObject({ host: '0.0.0.0', port: 9000, dataDir: '/var/lib/pb' });
    expect(loadConfig({ POP3_HOST: 'm' }).servers[0]).toMatchObject({ port: 995, security: 'tls' });
  });

  test('several servers from POPBRIDGE_CONFIG, environment overriding the file', () => {
    const p = file('ok.json', JSON.stringify({ port: 1234, idleCloseSeconds: 30, servers: [
      { id: 'a', label: 'A', host: 'a.example', security: 'tls' },
      { id: 'b', label: 'B', host: 'b.example', port: 1110, security: 'plain', maxConnections: 2 },
    ] }));
    const c = loadConfig({ POPBRIDGE_CONFIG: p, PORT: '4321' });
    expect(c.port).toBe(4321);
    expect(c.idleCloseSeconds).toBe(30);
    expect(c.servers.map((s) => [s.id, s.port, s.maxConnections])).toEqual([['a', 995, 4], ['b', 1110, 2]]);
  });

  test.each([
    [{ PORT: 'abc' }, /^PORT:/],
    [{ POP3_HOST: 'm', POP3_SECURITY: 'ssl' }, /^POP3_SECURITY:/],
    [{ POP3_PORT: '995' }, /^POP3_HOST:/],
    [{ POP3_HOST: 'm', POP3_CA_FILE: '/nonexistent/ca.pem' }, /^POP3_CA_FILE:/],
    [{ TRUST_PROXY: 'maybe' }, /^TRUST_PROXY:/],
    [{ POPBRIDGE_CONFIG: '/nonexistent.json' }, /^POPBRIDGE_CONFIG:/],
  ])('errors name the key to fix: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('hardening keys from the environment: TRUST_PROXY forms, ALLOWED_HOSTS, session, socket and timeout limits', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,::1' }).trustProxy).toEqual(['10.0.0.5', '192.168.0.0/16', '::1']);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/^TRUST_PROXY:/);
    const c = loadConfig({
      ALLOWED_HOSTS: 'mail.example.org, mail.example.org:8443', SESSION_IDLE_SECONDS: '600', MAX_WEB_SESSIONS: '500',
      SESSIONS_PER_ACCOUNT: '5', SESSIONS_PER_CLIENT: '50', WS_SOCKETS_PER_SESSION: '4', WS_SOCKETS_PER_ACCOUNT: '16',
      WS_MAX_BUFFERED_BYTES: '1048576', REQUEST_TIMEOUT_SECONDS: '20', HEADERS_TIMEOUT_SECONDS: '5', CONNECTION_IDLE_SECONDS: '90',
      SIGN_IN_ATTEMPTS_PER_USER: '5',
    });
    expect(c).toMatchObject({
      allowedHosts: ['mail.example.org', 'mail.example.org:8443'], sessionIdleSeconds: 600, maxWebSessions: 500,
      sessionsPerAccount: 5, sessionsPerClient: 50, socketsPerSession: 4, socketsPerAccount: 16, socketMaxBufferedBytes: 1048576,
      requestTimeoutSeconds: 20, headersTimeoutSeconds: 5, connectionIdleSeconds: 90, signInAttemptsPerUser: 5,
    });
    expect(loadConfig({})).toMatchObject({ sessionIdleSeconds: 3600, sessionsPerAccount: 20, socketsPerSession: 8, requestTimeoutSeconds: 30 });
  });

  test('file errors name the path inside the file', () => {
    const bad = file('bad.json', JSON.stringify({ servers: [{ id: 'a', label: 'A', host: 'h', port: 70000 }] }));
    expect(() => loadConfig({ POPBRIDGE_CONFIG: bad })).toThrow(/servers\.0\.port/);
    const dup = file('dup.json', JSON.stringify({ servers: [{ id: 'a', label: 'A', host: 'h' }, { id: 'a', label: 'B', host: 'h' }] }));
    expect(() => loadConfig({ POPBRIDGE_CONFIG: dup })).toThrow(/servers\.1\.id: duplicate/);
    const unknownKey = file('unknown.json', JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ POPBRIDGE_CONFIG: unknownKey })).toThrow(/prot/);
  });
});
