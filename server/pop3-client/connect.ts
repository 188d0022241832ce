import net from 'node:net';
import tls from 'node:tls';
import { Pop3TransportError } from './errors.ts';

export type Security = 'tls' | 'starttls' | 'plain';

export interface Pop3Endpoint {
  host: string;
  port: number;
  security: Security;
  /** PEM of a custom CA to trust instead of the system's. */
  ca?: string | Buffer;
  /** Name the certificate must carry; defaults to the host. */
  servername?: string;
}

/** OpenSSL and certificate errors, as opposed to the network failing under TLS. */
export function isTlsError(error: NodeJS.ErrnoException): boolean {
  return /^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(error.code ?? '') || 'library' in error;
}

function isIp(host: string): boolean {
  return net.isIP(host) !== 0;
}

function tlsOptions(endpoint: Pop3Endpoint): tls.ConnectionOptions {
  const servername = endpoint.servername ?? endpoint.host;
  return {
    ...(endpoint.ca !== undefined ? { ca: endpoint.ca } : {}),
    // SNI carries host names only (RFC 6066); an IP is checked against the certificate's IP SANs.
    ...(isIp(servername) ? {} : { servername }),
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(servername, cert),
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  };
}

function connectError(error: NodeJS.ErrnoException, endpoint: Pop3Endpoint, secure: boolean): Pop3TransportError {
  const where = `${endpoint.host}:${endpoint.port}`;
  const networkCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);
  if (!secure || networkCodes.has(error.code ?? '')) {
    return new Pop3TransportError('CONNECT_FAILED', `Could not connect to ${where}: ${error.code ?? error.message}`, { cause: error });
  }
  return new Pop3TransportError('TLS', `TLS with ${where} failed: ${error.message}`, { cause: error });
}

/** Opens the TCP connection, and for `secure` completes the TLS handshake on it, within `timeoutMs`. */
export function connectSocket(endpoint: Pop3Endpoint, secure: boolean, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = secure
      ? tls.connect({ host: endpoint.host, port: endpoint.port, ...tlsOptions(endpoint) })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Pop3TransportError('TIMEOUT', `Could not connect to ${endpoint.host}:${endpoint.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectError(error, endpoint, secure));
    });
  });
}

/** RFC 2595: after STLS's +OK, the same socket carries TLS from the next octet on. */
export function upgradeSocket(plain: net.Socket, endpoint: Pop3Endpoint, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise<tls.TLSSocket>((resolve, reject) => {
    const socket = tls.connect({ ...tlsOptions(endpoint), socket: plain });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Pop3TransportError('TIMEOUT', `The TLS handshake with ${endpoint.host} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectError(error, endpoint, true));
    });
  });
}
