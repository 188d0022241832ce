import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../server/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'popbridge-smtp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => { const p = join(dir, name); writeFileSync(p, content); return p; };
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');

describe('SMTP settings', () => {
  test('a server without smtp has no sending', () => {
    expect(loadConfig({ POP3_HOST: 'mail.example.org' }).servers[0]!.smtp).toBeUndefined();
  });

  test('SMTP_* give the single server its submission server; ports default by security (465 tls, 587 starttls)', () => {
    const c = loadConfig({ POP3_HOST: 'pop.example.org', SMTP_HOST: 'smtp.example.org', SMTP_CA_FILE: ca, SMTP_FROM_TEMPLATE: '{user}@example.org' });
    expect(c.servers[0]!.smtp).toEqual({
      host: 'smtp.example.org', port: 465, security: 'tls', caFile: ca, ca: expect.stringContaining('BEGIN CERTIFICATE'), fromTemplate: '{user}@example.org',
    });
    expect(loadConfig({ POP3_HOST: 'p', SMTP_HOST: 's', SMTP_SECURITY: 'starttls' }).servers[0]!.smtp).toMatchObject({ port: 587, security: 'starttls' });
    expect(loadConfig({ POP3_HOST: 'p', SMTP_HOST: 's', SMTP_PORT: '2525' }).servers[0]!.smtp).toMatchObject({ port: 2525 });
  });

  test('each server of POPBRIDGE_CONFIG may have its own smtp block', () => {
    const p = file('servers.json', JSON.stringify({ servers: [
      { id: 'a', label: 'A', host: 'pop.a.example', smtp: { host: 'smtp.a.example', security: 'starttls', fromTemplate: '{user}@a.example' } },
      { id: 'b', label: 'B', host: 'pop.b.example' },
    ] }));
    const c = loadConfig({ POPBRIDGE_CONFIG: p });
    expect(c.servers.map((s) => s.smtp && [s.smtp.host, s.smtp.port, s.smtp.security])).toEqual([['smtp.a.example', 587, 'starttls'], undefined]);
  });

  test.each([
    [{ POP3_HOST: 'p', SMTP_HOST: 's', SMTP_SECURITY: 'ssl' }, /^SMTP_SECURITY:/],
    [{ POP3_HOST: 'p', SMTP_HOST: 's', SMTP_PORT: 'x' }, /^SMTP_PORT:/],
    [{ POP3_HOST: 'p', SMTP_HOST: 's', SMTP_CA_FILE: '/nonexistent/ca.pem' }, /^SMTP_CA_FILE:/],
    [{ POP3_HOST: 'p', SMTP_HOST: 's', SMTP_FROM_TEMPLATE: 'example.org' }, /^SMTP_FROM_TEMPLATE:/],
    [{ POP3_HOST: 'p', SMTP_PORT: '587' }, /^SMTP_HOST: required when SMTP_PORT/],
    [{ SMTP_HOST: 's' }, /^POP3_HOST:/],
  ])('errors name the key to fix: %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('file errors name the path inside the file', () => {
    const bad = (smtp: unknown) => file('bad.json', JSON.stringify({ servers: [{ id: 'a', label: 'A', host: 'h', smtp }] }));
    expect(() => loadConfig({ POPBRIDGE_CONFIG: bad({ host: 's', port: 0 }) })).toThrow(/servers\.0\.smtp\.port/);
    expect(() => loadConfig({ POPBRIDGE_CONFIG: bad({ host: 's', fromTemplate: '{user}' }) })).toThrow(/servers\.0\.smtp\.fromTemplate/);
    expect(() => loadConfig({ POPBRIDGE_CONFIG: bad({ host: 's', caFile: '/nonexistent' }) })).toThrow(/^servers\.0\.smtp\.caFile: cannot read/);
    expect(() => loadConfig({ POPBRIDGE_CONFIG: bad({ host: 's', user: 'x' }) })).toThrow(/servers\.0\.smtp/);
  });
});
