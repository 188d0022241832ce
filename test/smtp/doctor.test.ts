import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseSmtp, formatSmtpDiagnosis } from '../../server/doctor/smtp-diagnose.ts';
import { startPostfix, type Postfix } from '../support/postfix.ts';

const run = promisify(execFile);
const alice = { username: 'alice@example.test', password: 'alice-secret' };

describe('connection doctor for the SMTP submission server', () => {
  let postfix: Postfix;
  let dir: string;
  beforeAll(async () => {
    postfix = await startPostfix({ users: [alice] });
    dir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-smtp-doctor-'));
  });
  afterAll(async () => {
    await postfix?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each(['starttls', 'tls'] as const)('over %s reports TLS, the certificate, EHLO extensions, AUTH mechanisms and SIZE', async (security) => {
    const port = security === 'tls' ? postfix.smtpsPort : postfix.submissionPort;
    const d = await diagnoseSmtp({ host: postfix.host, port, security, ca: postfix.caPem }, alice);
    expect(d.error).toBeNull();
    expect(d.ok).toBe(true);
    expect(d.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(d.tls?.certificate?.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(d.extensions).toEqual(expect.arrayContaining(['PIPELINING', 'SIZE', 'AUTH', '8BITMIME']));
    // After STARTTLS the EHLO is asked again: no STARTTLS left, AUTH now offered.
    expect(d.extensions).not.toContain('STARTTLS');
    expect(d.authMechanisms).toEqual(expect.arrayContaining(['PLAIN', 'LOGIN']));
    expect(d.sizeLimit).toBe(postfix.sizeLimit);
    expect(d.signIn).toEqual({ tried: true, ok: true });
    const text = formatSmtpDiagnosis(d);
    expect(text).toContain(`SIZE               ${postfix.sizeLimit} octets`);
    expect(text).toContain('SMTP result: OK');
    expect(text).not.toContain(alice.password);
  });

  it('an untrusted certificate fails with SMTP_TLS and advice about the CA file', async () => {
    const d = await diagnoseSmtp({ host: postfix.host, port: postfix.submissionPort, security: 'starttls' }, null);
    expect(d.ok).toBe(false);
    expect(d.error?.code).toBe('SMTP_TLS');
    expect(d.error?.advice).toMatch(/SMTP_CA_FILE/);
  });

  it('a wrong password is reported as SMTP_AUTH_FAILED', async () => {
    const d = await diagnoseSmtp({ host: postfix.host, port: postfix.smtpsPort, security: 'tls', ca: postfix.caPem }, { ...alice, password: 'nope' });
    expect(d.signIn).toEqual({ tried: true, ok: false });
    expect(d.error?.code).toBe('SMTP_AUTH_FAILED');
  });

  it('npm run doctor checks the SMTP server of the configured server, and exits non-zero when it fails', async () => {
    const pop3Ca = path.join(dir, 'pop3-ca.pem');
    const smtpCa = path.join(dir, 'smtp-ca.pem');
    await writeFile(pop3Ca, postfix.dovecot.caPem);
    await writeFile(smtpCa, postfix.caPem);
    const env = {
      ...process.env, POP3_HOST: postfix.host, POP3_PORT: String(postfix.dovecot.tlsPort), POP3_CA_FILE: pop3Ca,
      SMTP_HOST: postfix.host, SMTP_PORT: String(postfix.submissionPort), SMTP_SECURITY: 'starttls', SMTP_CA_FILE: smtpCa,
      DOCTOR_USERNAME: alice.username, DOCTOR_PASSWORD: alice.password,
    };
    const cli = path.resolve('server/doctor/cli.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, 'default'], { env });
    expect(stdout).toContain('Result: OK');
    expect(stdout).toContain('AUTH               PLAIN LOGIN');
    expect(stdout).toContain('SMTP result: OK');
    const failed = await run(process.execPath, ['--import', 'tsx', cli, 'default'], { env: { ...env, SMTP_CA_FILE: pop3Ca } }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('error SMTP_TLS');
  });
});
