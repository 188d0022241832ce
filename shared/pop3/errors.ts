/**
 * The core's two kinds of failure, as h11 has them. A Pop3LocalError means
 * the caller misused the protocol object: a bug on our side, never the
 * server's fault. A Pop3RemoteError means the server broke the protocol or
 * refused. A plain -ERR reply is neither: the core hands it out as a value
 * (StatusReply), and the client decides whether it is a failure. Failures of
 * the connection itself (timeouts, TLS, sockets) belong to the transport,
 * which has its own error class with the same base.
 *
 * Messages are for logs; people read the text the UI gives each code.
 */

export const POP3_LOCAL_ERROR_CODES = [
  /** A command was given in a state where POP3 does not allow it. */
  'BAD_STATE',
  /** An argument was refused before it was sent (CR, LF, NUL, range, length). */
  'INVALID_ARGUMENT',
] as const;
export type Pop3LocalErrorCode = (typeof POP3_LOCAL_ERROR_CODES)[number];

export const POP3_REMOTE_ERROR_CODES = [
  /** The server refused the credentials ([AUTH], or a plain -ERR on PASS/AUTH). */
  'AUTH_FAILED',
  /** Another client holds the maildrop lock ([IN-USE], RFC 2449). Retry later. */
  'MAILDROP_IN_USE',
  /** Signed in again too soon ([LOGIN-DELAY], RFC 2449). Retry after the delay. */
  'LOGIN_DELAY',
  /** The server reported a temporary failure ([SYS/TEMP], RFC 3206). */
  'TEMPORARY',
  /** The server reported a permanent failure ([SYS/PERM], RFC 3206). */
  'PERMANENT',
  /** The server broke the protocol: a malformed reply or an unexpected byte. */
  'PROTOCOL',
  /** The input ended while a reply was still owed (the transport reports it as its own CONNECTION_CLOSED). */
  'UNEXPECTED_END',
  /** A reply exceeded a configured limit (line length or message size). */
  'TOO_LARGE',
  /** The server does not offer a command Popbridge needs for this request. */
  'NOT_SUPPORTED',
  /** starttls was configured but the server does not offer STLS. */
  'STLS_UNAVAILABLE',
  /** No sign-in mechanism the server offers is safe over this connection. */
  'NO_SAFE_MECHANISM',
  /** The server answered -ERR to a command that had to succeed. */
  'COMMAND_FAILED',
] as const;
export type Pop3RemoteErrorCode = (typeof POP3_REMOTE_ERROR_CODES)[number];

export interface Pop3ErrorDetails {
  /** The server's own text, when the error comes from a -ERR reply. */
  serverText?: string;
  /** For LOGIN_DELAY: how long the server asks us to wait, when known. */
  delaySeconds?: number;
  /** For TOO_LARGE: the limit that was exceeded, in octets. */
  limit?: number;
  cause?: unknown;
}

/** The common base: catch this to catch every POP3 failure, local, remote or of the transport. */
export abstract class Pop3Error<Code extends string = string> extends Error {
  readonly code: Code;
  readonly serverText: string | undefined;
  readonly delaySeconds: number | undefined;
  readonly limit: number | undefined;

  constructor(code: Code, message: string, details: Pop3ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.serverText = details.serverText;
    this.delaySeconds = details.delaySeconds;
    this.limit = details.limit;
  }
}

/** The caller used the protocol object wrongly (h11's LocalProtocolError). */
export class Pop3LocalError extends Pop3Error<Pop3LocalErrorCode> {
  override readonly name = 'Pop3LocalError';
}

/** The server broke the protocol or refused (h11's RemoteProtocolError). */
export class Pop3RemoteError extends Pop3Error<Pop3RemoteErrorCode> {
  override readonly name = 'Pop3RemoteError';
}
