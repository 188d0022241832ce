import { performance } from 'node:perf_hooks';
import { TLSSocket } from 'node:tls';
import type { NodemailerError } from 'nodemailer/lib/errors';
import type { ErrorCode } from '../../shared/api/index.ts';
import { BridgeError } from '../errors.ts';
import { toSendError } from '../smtp/smtp-errors.ts';
import { connect, openConnection, type SmtpEndpoint, type SmtpTimeouts, DEFAULT_SMTP_TIMEOUTS } from '../smtp/submit.ts';
import { certificateInfo, tlsRows, type TlsInfo } from './certificate.ts';

export interface SmtpDiagnosis {
  endpoint: { host: string; port: number; security: SmtpEndpoint['security'] };
  ok: boolean;
  /** Milliseconds: TCP, TLS (or STARTTLS), greeting and EHLO. */
  connectMs: number | null;
  tls: TlsInfo | null;
  /** EHLO keywords after TLS: what the server offers a signed-in client. */
  extensions: string[] | null;
  authMechanisms: string[];
  /** The SIZE limit in octets; null when none is announced. */
  sizeLimit: number | null;
  signIn: { tried: boolean; ok: boolean };
  error: { code: ErrorCode; message: string; advice: string } | null;
}

const ADVICE: Partial<Record<ErrorCode, string>> = {
  SMTP_CONNECT_FAILED: 'Check the SMTP host and port, and that a firewall lets this machine reach it.',
  SMTP_TIMEOUT: 'No answer in time: check the port (465 speaks TLS at once, 587 uses STARTTLS) and any firewall that drops packets.',
  SMTP_TLS: 'TLS failed or STARTTLS is not offered: check the host name matches the certificate, set SMTP_CA_FILE / smtp.caFile for a private CA, or use security "tls" on port 465.',
  SMTP_AUTH_FAILED: 'The SMTP server refused the user name and password given to the doctor (Popbridge signs in with the mailbox credentials).',
  SMTP_CONNECTION_CLOSED: 'The server closed the connection: check the port and security mode.',
};

/**
 * Connects to a server's SMTP submission server the way sending does and
 * reports TLS, certificate, EHLO extensions, AUTH mechanisms and SIZE; with
 * credentials it also signs in (and sends nothing).
 */
export async function diagnoseSmtp(
  endpoint: SmtpEndpoint,
  credentials: { username: string; password: string } | null,
  timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS,
): Promise<SmtpDiagnosis> {
  const d: SmtpDiagnosis = {
    endpoint: { host: endpoint.host, port: endpoint.port, security: endpoint.security },
    ok: false, connectMs: null, tls: null, extensions: null, authMechanisms: [], sizeLimit: null,
    signIn: { tried: credentials !== null, ok: false }, error: null,
  };
  const connection = openConnection(endpoint, timeouts);
  connection.on('error', () => {});
  try {
    const started = performance.now();
    const ehlo = await connect(connection);
    d.connectMs = Math.round(performance.now() - started);
    const socket = connection._socket;
    if (socket instanceof TLSSocket) d.tls = { protocol: socket.getProtocol(), certificate: certificateInfo(socket.getPeerCertificate()) };
    d.extensions = ehlo.extensions;
    d.authMechanisms = ehlo.authMechanisms;
    d.sizeLimit = ehlo.sizeLimit;
    if (credentials) {
      await new Promise<void>((resolve, reject) =>
        connection.login({ user: credentials.username, pass: credentials.password }, (error) => (error ? reject(error) : resolve())));
      d.signIn.ok = true;
    }
    connection.quit();
    d.ok = true;
  } catch (error) {
    connection.close();
    const mapped = error instanceof BridgeError ? error : toSendError(error as NodemailerError, { uploadStarted: false, sizeLimit: null });
    d.error = { code: mapped.code, message: (error as Error).message, advice: ADVICE[mapped.code] ?? 'See the message above.' };
  }
  return d;
}

export function formatSmtpDiagnosis(d: SmtpDiagnosis): string {
  const lines = [`SMTP submission: ${d.endpoint.host}:${d.endpoint.port} (${d.endpoint.security})`];
  const row = (label: string, value: string | number | null | undefined): void => {
    if (value !== null && value !== undefined && value !== '') lines.push(`  ${label.padEnd(18)} ${value}`);
  };
  row('connect+EHLO', d.connectMs === null ? null : `${d.connectMs} ms`);
  tlsRows(d.tls, d.connectMs !== null, row);
  if (d.extensions) {
    row('EHLO', d.extensions.join(' | '));
    row('AUTH', d.authMechanisms.join(' ') || 'none offered');
    row('SIZE', d.sizeLimit === null ? 'no limit announced' : `${d.sizeLimit} octets`);
  }
  if (d.signIn.tried) row('sign-in', d.signIn.ok ? 'ok' : 'failed');
  if (d.error) {
    lines.push(`  error ${d.error.code}: ${d.error.message}`);
    lines.push(`  what to do: ${d.error.advice}`);
  }
  lines.push(d.ok ? 'SMTP result: OK' : 'SMTP result: FAILED');
  return lines.join('\n');
}
