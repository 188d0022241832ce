import type { PeerCertificate } from 'node:tls';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  subjectAltName: string | null;
}

/** The parts of a server certificate an admin compares with what they expect; null when there is none. */
export function certificateInfo(certificate: PeerCertificate | undefined | null): CertificateInfo | null {
  if (!certificate || Object.keys(certificate).length === 0) return null;
  const name = (value: unknown): string =>
    value && typeof value === 'object' ? Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join(', ') : String(value ?? '');
  return {
    subject: name(certificate.subject),
    issuer: name(certificate.issuer),
    validFrom: certificate.valid_from,
    validTo: certificate.valid_to,
    fingerprint256: certificate.fingerprint256,
    subjectAltName: certificate.subjectaltname ?? null,
  };
}

export interface TlsInfo { protocol: string | null; certificate: CertificateInfo | null }

/** The report's TLS lines, the same for the POP3 and the SMTP check. */
export function tlsRows(tls: TlsInfo | null, connected: boolean, row: (label: string, value: string | null | undefined) => void): void {
  if (tls) {
    row('TLS', tls.protocol);
    row('certificate', tls.certificate?.subject);
    row('  issuer', tls.certificate?.issuer);
    row('  names', tls.certificate?.subjectAltName);
    row('  valid', tls.certificate ? `${tls.certificate.validFrom} to ${tls.certificate.validTo}` : null);
    row('  sha256', tls.certificate?.fingerprint256);
  } else if (connected) {
    row('TLS', 'none (clear text)');
  }
}
