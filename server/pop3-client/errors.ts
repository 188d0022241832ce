import { Pop3Error, Pop3LocalError, Pop3RemoteError } from '../../shared/pop3/index.ts';
import type { Pop3LocalErrorCode, Pop3RemoteErrorCode } from '../../shared/pop3/index.ts';

/** Failures of the connection itself: the sans-I/O core has no socket, clock or TLS, so these live here. */
export const POP3_TRANSPORT_ERROR_CODES = [
  /** No reply within the configured time (connect, greeting or command). */
  'TIMEOUT',
  /** TLS could not be set up: handshake or certificate verification failed. */
  'TLS',
  /** The TCP connection could not be opened. */
  'CONNECT_FAILED',
  /** The connection closed before the reply was complete (or was closed on purpose). */
  'CONNECTION_CLOSED',
] as const;
export type Pop3TransportErrorCode = (typeof POP3_TRANSPORT_ERROR_CODES)[number];

export class Pop3TransportError extends Pop3Error<Pop3TransportErrorCode> {
  override readonly name = 'Pop3TransportError';
}

/** Every code a POP3 failure can carry: the core's local and remote codes and the transport's. */
export type Pop3ErrorCode = Pop3LocalErrorCode | Pop3RemoteErrorCode | Pop3TransportErrorCode;

/** What the POP3 client rejects with. */
export type AnyPop3Error = Pop3LocalError | Pop3RemoteError | Pop3TransportError;

export function isPop3Error(error: unknown): error is AnyPop3Error {
  return error instanceof Pop3LocalError || error instanceof Pop3RemoteError || error instanceof Pop3TransportError;
}
