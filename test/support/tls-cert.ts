import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mustRun } from './run-command.ts';

export interface TestCertificate {
  /** Self-signed certificate; also the only CA that makes it verify. */
  certPem: string;
  keyPem: string;
}

/**
 * Creates a fresh self-signed certificate for 127.0.0.1 and localhost. Each
 * call gives a different key, so a certificate from one call is untrusted
 * by a client that was given another call's certPem as its CA.
 */
export async function createCertificate(commonName = '127.0.0.1'): Promise<TestCertificate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    // EC keys: generating RSA-2048 per test server would cost noticeable time.
    await mustRun('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '7',
      '-subj', `/CN=${commonName}`,
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    return { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
