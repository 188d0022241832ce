import { performance } from 'node:perf_hooks';
import { certificateInfo, tlsRows, type TlsInfo } from './certificate.ts';
import { Pop3Client } from '../pop3-client/client.ts';
import type { Credentials, Mechanism, Pop3ClientOptions, Pop3Endpoint } from '../pop3-client/client.ts';
import { mechanismsFor } from '../pop3-client/mechanisms.ts';
import { Pop3RemoteError } from '../../shared/pop3/index.ts';
import { isPop3Error } from '../pop3-client/errors.ts';
import type { Pop3ErrorCode } from '../pop3-client/errors.ts';

export interface Diagnosis {
  endpoint: { host: string; port: number; security: Pop3Endpoint['security'] };
  ok: boolean;
  /** Milliseconds: TCP (and TLS) connection plus greeting, and one CAPA round trip. */
  connectMs: number | null;
  roundTripMs: number | null;
  greeting: string | null;
  tls: TlsInfo | null;
  capabilities: string[] | null;
  mechanismsOffered: string[];
  mechanismChosen: Mechanism | null;
  signIn: { tried: boolean; ok: boolean; mechanism: Mechanism | null; messages: number | null } ;
  error: { code: Pop3ErrorCode; message: string; advice: string } | null;
}

/** What an admin can do about each failure. */
const ADVICE: Partial<Record<Pop3ErrorCode, string>> = {
  CONNECT_FAILED: 'Check the host name and port, and that a firewall lets this machine reach the server.',
  TIMEOUT: 'The server did not answer in time: check the port (995 speaks TLS at once, 110 does not) and any firewall that drops packets.',
  TLS: 'The certificate could not be verified or TLS failed: check the host name matches the certificate, or set the CA file (POP3_CA_FILE / caFile) for a private CA.',
  STLS_UNAVAILABLE: 'The server does not offer STLS on this port: use security "tls" (usually port 995), or "plain" only on a trusted network.',
  NO_SAFE_MECHANISM: 'The server only accepts passwords in clear text on this connection: use "tls" or "starttls".',
  AUTH_FAILED: 'The server refused the user name or password given to the doctor.',
  MAILDROP_IN_USE: 'Another mail client holds the mailbox; close it or wait a minute.',
  LOGIN_DELAY: 'The server asks for a pause between sign-ins; try again later.',
  PROTOCOL: 'The server does not speak POP3 as expected on this port: check the port and security mode.',
};

/**
 * Connects to one configured server and reports what a failing connection
 * needs to be understood: TLS, certificate, capabilities, the sign-in
 * mechanism Popbridge would pick, round-trip time, and (with credentials)
 * whether sign-in works. Never sends a password in clear unless the server
 * is configured `plain`.
 */
export async function diagnose(endpoint: Pop3Endpoint, credentials: Credentials | null, options: Pop3ClientOptions = {}): Promise<Diagnosis> {
  const diagnosis: Diagnosis = {
    endpoint: { host: endpoint.host, port: endpoint.port, security: endpoint.security },
    ok: false,
    connectMs: null,
    roundTripMs: null,
    greeting: null,
    tls: null,
    capabilities: null,
    mechanismsOffered: [],
    mechanismChosen: null,
    signIn: { tried: credentials !== null, ok: false, mechanism: null, messages: null },
    error: null,
  };
  let client: Pop3Client | undefined;
  try {
    const started = performance.now();
    client = await Pop3Client.connect(endpoint, options);
    diagnosis.connectMs = Math.round(performance.now() - started);
    diagnosis.greeting = client.greeting.fullText;
    diagnosis.tls = client.encrypted ? { protocol: client.tls?.protocol ?? null, certificate: certificateInfo(client.tls?.certificate) } : null;
    const rttStarted = performance.now();
    const capabilities = await client.refreshCapabilities();
    diagnosis.roundTripMs = Math.round((performance.now() - rttStarted) * 10) / 10;
    diagnosis.capabilities = capabilities.known ? capabilities.raw : null;
    const mechanisms = mechanismsFor(capabilities, client.greeting, client.encrypted, endpoint.security === 'plain');
    diagnosis.mechanismsOffered = [
      ...capabilities.sasl.map((name) => `SASL ${name}`),
      ...(capabilities.user || !capabilities.known ? ['USER'] : []),
      ...(mechanisms.includes('APOP') ? ['APOP'] : []),
    ];
    diagnosis.mechanismChosen = mechanisms[0] ?? null;
    if (credentials) {
      await client.login(credentials);
      diagnosis.signIn = { tried: true, ok: true, mechanism: client.authMechanism ?? null, messages: (await client.stat()).count };
    }
    await client.quit();
    diagnosis.ok = true;
  } catch (error) {
    client?.destroy();
    const failure = isPop3Error(error) ? error : new Pop3RemoteError('PROTOCOL', String(error), { cause: error });
    diagnosis.error = { code: failure.code, message: failure.message, advice: ADVICE[failure.code] ?? 'See the message above.' };
  }
  return diagnosis;
}

export type { CertificateInfo } from './certificate.ts';

export function formatDiagnosis(d: Diagnosis): string {
  const lines = [`Popbridge connection doctor: ${d.endpoint.host}:${d.endpoint.port} (${d.endpoint.security})`];
  const row = (label: string, value: string | number | null | undefined): void => {
    if (value !== null && value !== undefined && value !== '') lines.push(`  ${label.padEnd(18)} ${value}`);
  };
  row('connect+greeting', d.connectMs === null ? null : `${d.connectMs} ms`);
  row('round trip (CAPA)', d.roundTripMs === null ? null : `${d.roundTripMs} ms`);
  row('greeting', d.greeting);
  tlsRows(d.tls, d.connectMs !== null, row);
  if (d.connectMs !== null) {
    row('CAPA', d.capabilities ? d.capabilities.join(' | ') : 'not supported (RFC 1939 minimal server)');
    row('sign-in offered', d.mechanismsOffered.join(', ') || 'none');
    row('Popbridge uses', d.mechanismChosen ?? 'nothing safe: see below');
  }
  if (d.signIn.tried) row('sign-in', d.signIn.ok ? `ok with ${d.signIn.mechanism}, ${d.signIn.messages} messages` : 'failed');
  if (d.error) {
    lines.push(`  error ${d.error.code}: ${d.error.message}`);
    lines.push(`  what to do: ${d.error.advice}`);
  }
  lines.push(d.ok ? 'Result: OK' : 'Result: FAILED');
  return lines.join('\n');
}
