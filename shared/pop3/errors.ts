/**
 * Every POP3 failure Popbridge reports has one of these stable codes; the UI
 * maps codes to words and never parses the message.
 */
export const POP3_ERROR_CODES = [
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
  /** No reply within the configured time (connect, greeting or command). */
  'TIMEOUT',
  /** The server broke the protocol: a malformed reply or an unexpected byte. */
  'PROTOCOL',
  /** TLS could not be set up: handshake or certificate verification failed. */
  'TLS',
  /** The connection closed before the reply was complete. */
  'CONNECTION_CLOSED',
  /** The TCP connection could not be opened. */
  'CONNECT_FAILED',
  /** A reply exceeded a configured limit (line length or message size). */
  'TOO_LARGE',
  /** The server does not offer a command Popbridge needs for this request. */
  'NOT_SUPPORTED',
  /** starttls was configured but the server does not offer STLS. */
  'STLS_UNAVAILABLE',
  /** No sign-in mechanism the server offers is safe over this connection. */
  'NO_SAFE_MECHANISM',
  /** The server answered -ERR to a command (the message carries its text). */
  'COMMAND_FAILED',
  /** Popbridge refused an argument before sending it (CR, LF, NUL, range). */
  'INVALID_ARGUMENT',
  /** A command was given in a state where POP3 does not allow it. */
  'BAD_STATE',
] as const;

export type Pop3ErrorCode = (typeof POP3_ERROR_CODES)[number];

export interface Pop3ErrorDetails {
  /** The server's own text, when the error comes from a -ERR reply. */
  serverText?: string;
  /** For LOGIN_DELAY: how long the server asks us to wait, when known. */
  delaySeconds?: number;
  cause?: unknown;
}

export class Pop3Error extends Error {
  readonly code: Pop3ErrorCode;
  readonly serverText: string | undefined;
  readonly delaySeconds: number | undefined;

  constructor(code: Pop3ErrorCode, message: string, details: Pop3ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'Pop3Error';
    this.code = code;
    this.serverText = details.serverText;
    this.delaySeconds = details.delaySeconds;
  }
}
