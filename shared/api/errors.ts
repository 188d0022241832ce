import { z } from 'zod';

/**
 * Every error the bridge reports to the browser, one stable code each. The UI
 * maps codes to text; the bridge sends no sentences. Codes shared with the POP3
 * client (shared/pop3/errors.ts) keep the same name where they mean the same.
 */
export const ErrorCode = z.enum([
  // --- sign-in and the POP3 server ---
  /** The POP3 server refused the username or password. */
  'AUTH_FAILED',
  /** Another client holds the maildrop lock ([IN-USE]); close it and retry. */
  'MAILDROP_IN_USE',
  /** The server enforces a minimum time between logins ([LOGIN-DELAY]). */
  'LOGIN_DELAY',
  /** The POP3 server did not answer in time (connect, greeting or command). */
  'TIMEOUT',
  /** The TLS handshake or certificate verification failed. */
  'TLS',
  /** The POP3 server could not be reached (refused, DNS, network). */
  'CONNECT_FAILED',
  /** The POP3 connection closed before the command finished. */
  'CONNECTION_CLOSED',
  /** The server asked for STARTTLS but does not offer STLS; no plaintext fallback. */
  'STLS_UNAVAILABLE',
  /** No authentication mechanism is safe on this connection. */
  'NO_SAFE_MECHANISM',
  /** The POP3 server reported a temporary failure ([SYS/TEMP]); retry later. */
  'TEMPORARY',
  /** The POP3 server reported a permanent failure ([SYS/PERM]). */
  'PERMANENT',
  /** The POP3 server broke the protocol. */
  'PROTOCOL',
  /** A message exceeds the configured size limit. */
  'TOO_LARGE',
  /** The POP3 server lacks a command this action needs. */
  'NOT_SUPPORTED',
  /** The POP3 server answered -ERR to a command. */
  'COMMAND_FAILED',
  /** The POP3 connection closed while RETR was sending the message: the bytes already sent are incomplete. */
  'MESSAGE_INTERRUPTED',
  /** The listing took longer than the configured limit (`limit`, seconds); `serverLabel` names the server. */
  'SERVER_TOO_SLOW',
  // --- sending through the provider's SMTP submission server ---
  /** This server has no SMTP submission configured; sending is unavailable. */
  'SEND_NOT_CONFIGURED',
  /** An address field holds no valid RFC 5322 address (`field`, and the text in `recipient`). */
  'INVALID_ADDRESS',
  /** A header field holds CR, LF or NUL (`field`); nothing was sent. */
  'INVALID_HEADER',
  /** The SMTP server could not be reached (refused, DNS, network); nothing was sent. */
  'SMTP_CONNECT_FAILED',
  /** TLS to the SMTP server failed, or STARTTLS is not offered; never retried in clear text. Nothing was sent. */
  'SMTP_TLS',
  /** The SMTP server did not answer in time before the message was handed over; nothing was sent. */
  'SMTP_TIMEOUT',
  /** The SMTP server refused the mailbox's user name and password. */
  'SMTP_AUTH_FAILED',
  /** The SMTP server refused the sender address (MAIL FROM), e.g. not owned by this user. */
  'SMTP_SENDER_REFUSED',
  /** The SMTP server refused a recipient for good (`recipient`, `serverText`); nothing was sent. */
  'SMTP_RECIPIENT_REFUSED',
  /** The message exceeds the SMTP server's size limit (`limit`: its announced SIZE, when known). */
  'SMTP_MESSAGE_TOO_LARGE',
  /** The SMTP server refused the message itself for good (e.g. policy, content). */
  'SMTP_MESSAGE_REFUSED',
  /** The SMTP server reported a temporary (4xx) failure; nothing was sent, sending again later may work. */
  'SMTP_TEMPORARY',
  /** The connection ended or broke the protocol before the message was handed over; nothing was sent. */
  'SMTP_CONNECTION_CLOSED',
  /**
   * The connection dropped after the message was handed over and before the server confirmed it:
   * it may or may not have been sent. Never retried automatically (it could arrive twice).
   */
  'SMTP_OUTCOME_UNKNOWN',
  /** This account sent its configured number of messages in the last hour (`limit`); wait `retryAfterSeconds`. */
  'SEND_RATE_LIMITED',
  /** The message has more recipients (To, Cc and Bcc together) than allowed (`limit`). */
  'TOO_MANY_RECIPIENTS',
  /** An attachment exceeds the size limit (`limit`, octets); it was not kept. */
  'ATTACHMENT_TOO_LARGE',
  /** A draft or session holds as many attachments as allowed (`limit`). */
  'TOO_MANY_ATTACHMENTS',
  /** The draft is being sent (in the Undo window or on its way); cancel the send to change or delete it. */
  'DRAFT_LOCKED',
  // --- the API ---
  /** The frame or request body is not valid JSON or does not match the schema. */
  'BAD_REQUEST',
  /** The requested route, server id or resource does not exist. */
  'NOT_FOUND',
  /** No valid session cookie; sign in first. */
  'UNAUTHORIZED',
  /** Too many sign-in attempts from this client or for this username. */
  'RATE_LIMITED',
  /** The session ended (lifetime reached or signed out elsewhere); sign in again. */
  'SESSION_EXPIRED',
  /** The message is no longer on the server (deleted elsewhere or expired). */
  'MESSAGE_GONE',
  /** The key matches several identical-id messages and cannot be told apart safely; refresh and retry. */
  'AMBIGUOUS_MESSAGE',
  /** The WebSocket upgrade came from an origin that is not this app. */
  'FORBIDDEN_ORIGIN',
  /** The request's Host is not one this app answers to (DNS rebinding); set ALLOWED_HOSTS. */
  'FORBIDDEN_HOST',
  /** Too many live sessions (for this account, this client address, or in all); none was ended to make room. */
  'TOO_MANY_SESSIONS',
  /** Too many open WebSockets for this session or account (also the close reason, with code 4029). */
  'TOO_MANY_SOCKETS',
  /** A socket sent more requests at once than the server serves per socket; wait for the replies. */
  'TOO_MANY_REQUESTS',
  /** The frame exceeds the size limit. */
  'FRAME_TOO_LARGE',
  // --- added accounts ---
  /** The account is already in this inbox (the same server and user name, or the primary). */
  'ACCOUNT_EXISTS',
  /** This inbox holds as many accounts as allowed (`limit`, the primary included). */
  'TOO_MANY_ACCOUNTS',
  /** The primary account cannot be removed (sign out instead). */
  'ACCOUNT_IS_PRIMARY',
  /** The account is not signed in (signing in, needs its password, or failed); see its state. */
  'ACCOUNT_NOT_READY',
  /** Unexpected failure inside the bridge; the log has details. */
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * An error: a code and the facts the UI needs to say what happened. No
 * sentences: the words a person reads come from the web app, per code.
 */
export const ApiError = z.strictObject({
  code: ErrorCode,
  /** Seconds to wait before retrying (RATE_LIMITED, LOGIN_DELAY). */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  /** The mail server's own words (POP3 after -ERR, SMTP its reply), when it gave any: shown as its, never parsed. */
  serverText: z.string().max(512).optional(),
  /** The limit that was exceeded (FRAME_TOO_LARGE: octets of a frame; TOO_LARGE, SMTP_MESSAGE_TOO_LARGE, ATTACHMENT_TOO_LARGE: octets; SERVER_TOO_SLOW: seconds; SEND_RATE_LIMITED: messages per hour; TOO_MANY_RECIPIENTS, TOO_MANY_ATTACHMENTS: a count). */
  limit: z.number().int().nonnegative().optional(),
  /** The configured label of the mail server at fault (SERVER_TOO_SLOW), so the person knows which one. */
  serverLabel: z.string().max(100).optional(),
  /** The recipient address the error is about (SMTP_RECIPIENT_REFUSED, SMTP_TEMPORARY, INVALID_ADDRESS). */
  recipient: z.string().max(998).optional(),
  /** The header field the error is about (INVALID_ADDRESS, INVALID_HEADER): to, cc, bcc, subject... */
  field: z.string().max(64).optional(),
});
export type ApiError = z.infer<typeof ApiError>;
