import type { ErrorCode } from '../../../shared/api/index.ts';
import type { AppError, ClientErrorCode } from './errors.ts';

// What each error means for the person and what they can do about it. The
// UI maps codes to this text and never shows or parses server messages.
const TEXT: Record<ErrorCode | ClientErrorCode, string> = {
  AUTH_FAILED: 'Wrong username or password. Check them and sign in again.',
  MAILDROP_IN_USE: 'The mailbox is in use by another mail program. Close it or wait a minute, then try again.',
  LOGIN_DELAY: 'The mail server allows signing in only every few minutes. Wait a little and try again.',
  TIMEOUT: 'The mail server did not answer in time. Try again in a moment.',
  TLS: 'A secure connection to the mail server could not be made. Ask your administrator to check its certificate.',
  CONNECT_FAILED: 'The mail server cannot be reached. Check that it is running, or try again later.',
  CONNECTION_CLOSED: 'The connection to the mail server was lost. Press Refresh to try again.',
  STLS_UNAVAILABLE: 'The mail server does not offer a secure connection. Ask your administrator to check the server settings.',
  NO_SAFE_MECHANISM: 'The mail server offers no safe way to sign in. Ask your administrator to enable TLS.',
  TEMPORARY: 'The mail server reported a temporary problem. Try again in a few minutes.',
  PERMANENT: 'The mail server refused this mailbox. Ask your administrator.',
  PROTOCOL: 'The mail server sent a reply Popbridge does not understand. Try again; if it persists, tell your administrator.',
  TOO_LARGE: 'This message is too large to open here. Download it instead.',
  NOT_SUPPORTED: 'The mail server does not support this action.',
  COMMAND_FAILED: 'The mail server refused the request. Press Refresh and try again.',
  BAD_REQUEST: 'The request was not understood. Reload the page and try again.',
  NOT_FOUND: 'That was not found. Press Refresh to update the list.',
  UNAUTHORIZED: 'You are signed out. Sign in again.',
  RATE_LIMITED: 'Too many sign-in attempts. Wait a minute, then try again.',
  SESSION_EXPIRED: 'Your session has expired. Sign in again.',
  MESSAGE_GONE: 'This message is no longer on the server. It was probably deleted elsewhere; press Refresh.',
  AMBIGUOUS_MESSAGE: 'This message cannot be told apart from an identical copy. Press Refresh and try again.',
  FORBIDDEN_ORIGIN: 'This page is not allowed to connect. Open Popbridge from its own address.',
  FORBIDDEN_HOST: 'Popbridge is not served under this address. Open it from the address your administrator gave you.',
  TOO_MANY_SESSIONS: 'Too many open sign-ins for this account or network. Sign out elsewhere or wait a while, then try again.',
  TOO_MANY_SOCKETS: 'Too many Popbridge tabs are open. Close some tabs and reload this one.',
  TOO_MANY_REQUESTS: 'Popbridge is busy with this tab\'s earlier requests. Wait a moment and try again.',
  FRAME_TOO_LARGE: 'The request was too large. Select fewer messages and try again.',
  INTERNAL: 'Something went wrong in Popbridge. Try again; if it persists, tell your administrator.',
  NETWORK: 'Popbridge cannot be reached. Check your network connection and try again.',
  BAD_RESPONSE: 'Popbridge sent an unexpected answer. Reload the page and try again.',
  PARSE_FAILED: 'This message could not be read. Use View source or Download to see it.',
};

export function errorText(error: Pick<AppError, 'code' | 'retryAfterSeconds'>): string {
  const base = TEXT[error.code];
  if (error.retryAfterSeconds && (error.code === 'RATE_LIMITED' || error.code === 'LOGIN_DELAY')) {
    return `${base} (about ${Math.max(1, Math.ceil(error.retryAfterSeconds / 60))} min)`;
  }
  return base;
}
