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

  test('file errors name the path inside the file', () => {
    const bad = file('bad.json', JSON.stringify({ servers: [{ id: 'a', label: 'A', host: 'h', port: 70000 }] }));
    expect(() => loadConfig({ POPBRIDGE_CONFIG: bad })).toThrow(/servers\.0\.port/);
    const dup = file('dup.json', JSON.stringify({ servers: [{ id: 'a', label: 'A', host: 'h' }, { id: 'a', label: 'B', host: 'h' }] }));
    expect(() => loadConfig({ POPBRIDGE_CONFIG: dup })).toThrow(/servers\.1\.id: duplicate/);
    const unknownKey = file('unknown.json', JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ POPBRIDGE_CONFIG: unknownKey })).toThrow(/prot/);
  });
});
