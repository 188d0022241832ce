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
