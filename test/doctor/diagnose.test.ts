import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose, formatDiagnosis } from '../../server/doctor/diagnose.ts';
import { startPop3Server } from '../../server/pop3-server/index.ts';
import { noCapa } from '../fixtures/quirks.ts';
import { startDovecot } from '../support/dovecot.ts';
import { ROOT } from '../support/popbridge-process.ts';
import { runCommand } from '../support/run-command.ts';
import type { Dovecot } from '../support/dovecot.ts';

const user = { username: 'doc', password: 'tor-secret' };

describe('connection doctor', () => {
  let dovecot: Dovecot;
  let dir: string;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [user] });
    await dovecot.deliver('doc', 'Subject: hi\r\n\r\nhello\r\n');
    dir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-doctor-'));
  });
  afterAll(async () => {
    await dovecot?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports TLS, the certificate, CAPA, the mechanisms and the one Popbridge uses', async () => {
    const d = await diagnose({ host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem }, user);
    expect(d.ok).toBe(true);
    expect(d.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(d.tls?.certificate?.subject).toContain('CN=127.0.0.1');
    expect(d.tls?.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(d.capabilities).toEqual(expect.arrayContaining(['TOP', 'UIDL', 'PIPELINING']));
    expect(d.mechanismsOffered).toEqual(expect.arrayContaining(['SASL PLAIN', 'SASL LOGIN', 'SASL CRAM-MD5', 'USER']));
    expect(d.mechanismChosen).toBe('SASL PLAIN');
    expect(d.roundTripMs).toBeGreaterThan(0);
    expect(d.signIn).toEqual({ tried: true, ok: true, mechanism: 'SASL PLAIN', messages: 1 });
    const text = formatDiagnosis(d);
    expect(text).toContain('Result: OK');
    expect(text).not.toContain(user.password);
  });

  it('an untrusted certificate fails with TLS and advice about the CA file', async () => {
    const d = await diagnose({ host: dovecot.host, port: dovecot.tlsPort, security: 'tls' }, null);
    expect(d.ok).toBe(false);
    expect(d.error?.code).toBe('TLS');
    expect(d.error?.advice).toMatch(/CA file/);
    expect(formatDiagnosis(d)).toContain('Result: FAILED');
  });

  it('over clear text it shows that a challenge-response mechanism will be used', async () => {
    const d = await diagnose({ host: dovecot.host, port: dovecot.plainPort, security: 'plain' }, null);
    expect(d.tls).toBeNull();
    expect(d.mechanismChosen).toBe('SASL CRAM-MD5');
  });

  it('a server without CAPA is reported as an RFC 1939 minimal server', async () => {
    const server = await startPop3Server({ users: [user], variation: noCapa, apop: false });
    try {
      const d = await diagnose({ host: server.host, port: server.port, security: 'plain' }, null);
      expect(d.capabilities).toBeNull();
      expect(d.mechanismChosen).toBe('USER');
      expect(formatDiagnosis(d)).toContain('not supported (RFC 1939 minimal server)');
    } finally {
      await server.close();
    }
  });

  it('npm run doctor -- <id> works from the configuration, and exits non-zero on failure', async () => {
    const caFile = path.join(dir, 'ca.pem');
    await writeFile(caFile, dovecot.caPem);
    const env = { ...process.env, POP3_HOST: dovecot.host, POP3_PORT: String(dovecot.tlsPort), POP3_SECURITY: 'tls', POP3_CA_FILE: caFile };
    const doctor = (settings: NodeJS.ProcessEnv) => runCommand('npm', ['run', '--silent', 'doctor', '--', 'default'], undefined, { cwd: ROOT, env: settings });
    const ok = await doctor(env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Result: OK');
    expect(ok.stdout).toContain('Popbridge uses');
    const failed = await doctor({ ...env, POP3_CA_FILE: '' });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('error TLS');
  });
});
