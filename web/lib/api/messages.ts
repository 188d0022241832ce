import type { ErrorCode, ServerEvent } from '../../../shared/api/index.ts';
import { formatSize } from '../format.ts';
import type { AppError, ClientErrorCode, ErrorFacts } from './errors.ts';

type MailboxNoticeEvent = Extract<ServerEvent, { type: 'mailboxNotice' }>;

// What each error means for the person and what they can do about it: the
// only place such words live. The server sends codes and facts, no sentences.
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
  MESSAGE_INTERRUPTED: 'The mail server closed the connection while sending this message; try again.',
  SERVER_TOO_SLOW: 'The mail server is answering too slowly; the list shows what arrived. Try Refresh later.',
  SERVER_BUSY: 'Every connection the mail server allows Popbridge stayed in use by other mailboxes. Try again in a minute.',
  SEND_NOT_CONFIGURED: 'Sending mail is not set up for this server. Ask your administrator.',
  INVALID_ADDRESS: 'An address is not valid. Check the recipients and try again.',
  INVALID_HEADER: 'A field contains a line break or control character. Remove it and try again.',
  SMTP_CONNECT_FAILED: 'The outgoing mail server cannot be reached. The message was not sent; try again later.',
  SMTP_TLS: 'A secure connection to the outgoing mail server could not be made. The message was not sent; ask your administrator.',
  SMTP_TIMEOUT: 'The outgoing mail server did not answer in time. The message was not sent; try again in a moment.',
  SMTP_AUTH_FAILED: 'The outgoing mail server refused your username or password. The message was not sent; ask your administrator.',
  SMTP_SENDER_REFUSED: 'The outgoing mail server does not let you send from this address. The message was not sent.',
  SMTP_RECIPIENT_REFUSED: 'The outgoing mail server refused a recipient. The message was not sent to anyone; correct the address and send again.',
  SMTP_MESSAGE_TOO_LARGE: 'The message is too large for the outgoing mail server. Remove attachments and send again.',
  SMTP_MESSAGE_REFUSED: 'The outgoing mail server refused the message. It was not sent.',
  SMTP_TEMPORARY: 'The outgoing mail server reported a temporary problem. The message was not sent; try again in a few minutes.',
  SMTP_CONNECTION_CLOSED: 'The connection to the outgoing mail server was lost. The message was not sent; try again.',
  SMTP_OUTCOME_UNKNOWN: 'The connection was lost while sending: the message may have been sent. Popbridge does not retry it automatically; check with the recipients before sending it again.',
  SEND_RATE_LIMITED: 'You have sent as many messages as allowed for now. Wait a little, then send again.',
  TOO_MANY_RECIPIENTS: 'This message has too many recipients. Remove some and send again.',
  ATTACHMENT_TOO_LARGE: 'This file is too large to attach.',
  TOO_MANY_ATTACHMENTS: 'No more files can be attached to this message.',
  DRAFT_LOCKED: 'This message is being sent. Undo the send to change it.',
  ACCOUNT_EXISTS: 'This account is already in your inbox.',
  TOO_MANY_ACCOUNTS: 'No more accounts can be added to this inbox.',
  ACCOUNT_IS_PRIMARY: 'The account you signed in with cannot be removed. Sign out instead.',
  ACCOUNT_NOT_READY: 'This account is not signed in yet.',
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

/** The error's text, with the facts the server sent: how long to wait, the limit, the mail server's own words. */
export function errorText(error: { code: AppError['code']; facts?: ErrorFacts }): string {
  const { retryAfterSeconds, limit, serverText, serverLabel, recipient } = error.facts ?? {};
  let text = TEXT[error.code];
  if (serverLabel && error.code === 'SERVER_TOO_SLOW') {
    const took = limit ? ` (the list took more than ${limit < 120 ? `${limit} s` : `${minutes(limit)} min`})` : '';
    text = `The mail server “${serverLabel}” is answering too slowly${took}; the list shows what arrived. Try Refresh later.`;
  }
  if (error.code === 'SERVER_BUSY') {
    const server = serverLabel ? `the mail server “${serverLabel}”` : 'the mail server';
    const when = retryAfterSeconds ? `about ${minutes(retryAfterSeconds)} min` : 'a minute';
    text = `Every connection ${server} allows Popbridge stayed in use by other mailboxes. Try again in ${when}.`;
  }
  if (retryAfterSeconds && (error.code === 'RATE_LIMITED' || error.code === 'LOGIN_DELAY' || error.code === 'SEND_RATE_LIMITED')) {
    text += ` (about ${minutes(retryAfterSeconds)} min)`;
  }
  if (recipient) text += ` Address: ${recipient}.`;
  if (limit !== undefined && error.code === 'TOO_MANY_ACCOUNTS') text += ` The limit is ${limit} accounts, the one you signed in with included.`;
  if (limit !== undefined && (error.code === 'TOO_LARGE' || error.code === 'FRAME_TOO_LARGE' || error.code === 'SMTP_MESSAGE_TOO_LARGE')) {
    text += ` The limit is ${formatSize(limit)}.`;
  }
  text += sendLimitText(error.code, limit);
  // The server's words are shown as its own, after ours; they are never parsed.
  if (serverText) text += ` The mail server said: “${serverText}”`;
  return text;
}

/**
 * Why a sync waits (the mail server takes only so many connections from
 * Popbridge, and other mailboxes are using them), its place, and how long at most.
 */
export function queuedText(position?: number, waitAtMostSeconds?: number, server = 'the mail server'): string {
  let text = `Waiting for a free connection to ${server}: it takes only a few at once from Popbridge and other mailboxes are using them`;
  if (position) text += ` (you are number ${position} in line)`;
  if (waitAtMostSeconds !== undefined) {
    text += waitAtMostSeconds < 120 ? `; at most ${waitAtMostSeconds} s more` : `; at most ${minutes(waitAtMostSeconds)} min more`;
  }
  return `${text}…`;
}

/** What a mailbox notice means for the person. */
export function noticeText(event: MailboxNoticeEvent): string {
  switch (event.notice) {
    case 'EXPIRE_ON_READ':
      return 'This mail server deletes a message once it is opened. Download anything you want to keep before opening it.';
    case 'EXPIRE_DAYS':
      return `This mail server deletes messages after ${event.days ?? 'a few'} days.`;
    case 'LOGIN_DELAY':
      return `The mail server allows a refresh only every ${minutes(event.seconds ?? 60)} min.`;
    case 'REFRESH_LIMITED':
      return `Checked for new mail moments ago; Refresh again in ${event.seconds ?? 10} s.`;
  }
}

/** The limit a sending error names, in the unit of its code. */
function sendLimitText(code: AppError['code'], limit: number | undefined): string {
  if (limit === undefined) return '';
  switch (code) {
    case 'ATTACHMENT_TOO_LARGE':
      return ` The limit is ${formatSize(limit)}.`;
    case 'SEND_RATE_LIMITED':
      return ` The limit is ${limit} messages per hour.`;
    case 'TOO_MANY_RECIPIENTS':
      return ` The limit is ${limit} recipients.`;
    case 'TOO_MANY_ATTACHMENTS':
      return ` The limit is ${limit} files.`;
    default:
      return '';
  }
}

function minutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
