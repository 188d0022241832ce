import type { NodemailerError } from 'nodemailer/lib/errors';
import { BridgeError } from '../errors.ts';

/** Where the submission was when it failed: only this decides "not sent" against "outcome unknown". */
export interface SubmitProgress {
  /** The server took DATA (354) and the message bytes began to flow. */
  uploadStarted: boolean;
  /** The SIZE the server announced, if any. */
  sizeLimit: number | null;
}

/** Longest server text passed on (the API schema's bound). */
const MAX_SERVER_TEXT = 512;

// Socket error codes of certificate and handshake failures (Node's TLS and OpenSSL names).
const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ALTNAME|EPROTO/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function serverText(error: NodemailerError): { serverText?: string } {
  const text = error.response?.trim();
  return text ? { serverText: text.slice(0, MAX_SERVER_TEXT) } : {};
}

/** 552 (RFC 5321) or the enhanced status 5.3.4 "message too big for system" (RFC 3463). */
function isTooLarge(reply: string | undefined, code: number): boolean {
  return code === 552 || /^\d{3}[ -]5\.3\.4\b/.test(reply ?? '');
}

function refusedRecipient(error: NodemailerError): NodemailerError {
  return error.rejectedErrors?.[0] ?? error;
}

/**
 * A nodemailer SMTP error as the API's code and facts. Anything after the
 * upload began that is not a server reply is SMTP_OUTCOME_UNKNOWN: the
 * message may have been queued, so nobody may send it again blindly.
 */
export function toSendError(error: NodemailerError, progress: SubmitProgress): BridgeError {
  const code = error.responseCode ?? 0;
  const limit = progress.sizeLimit === null ? {} : { limit: progress.sizeLimit };
  if (progress.uploadStarted && code === 0) return new BridgeError('SMTP_OUTCOME_UNKNOWN');
  if (error.code === 'ETLS' || error.command === 'STARTTLS') return new BridgeError('SMTP_TLS', serverText(error));
  if (code >= 400 && code < 500) {
    const rejected = error.command === 'RCPT TO' ? refusedRecipient(error) : undefined;
    return new BridgeError('SMTP_TEMPORARY', {
      ...serverText(rejected ?? error),
      ...(rejected?.recipient ? { recipient: rejected.recipient } : {}),
    });
  }
  if (code >= 500) {
    if (error.code === 'EAUTH' || error.command?.startsWith('AUTH')) return new BridgeError('SMTP_AUTH_FAILED', serverText(error));
    switch (error.command) {
      case 'MAIL FROM':
        if (isTooLarge(error.response, code)) return new BridgeError('SMTP_MESSAGE_TOO_LARGE', { ...limit, ...serverText(error) });
        return new BridgeError('SMTP_SENDER_REFUSED', serverText(error));
      case 'RCPT TO': {
        const rejected = refusedRecipient(error);
        return new BridgeError('SMTP_RECIPIENT_REFUSED', {
          ...serverText(rejected), ...(rejected.recipient ? { recipient: rejected.recipient } : {}),
        });
      }
      case 'DATA':
        if (isTooLarge(error.response, code)) return new BridgeError('SMTP_MESSAGE_TOO_LARGE', { ...limit, ...serverText(error) });
        return new BridgeError('SMTP_MESSAGE_REFUSED', serverText(error));
      default:
        // A refusal at the greeting or EHLO: the server will not talk to us.
        return new BridgeError('SMTP_CONNECT_FAILED', serverText(error));
    }
  }
  if (TLS_CODES.test(error.originalCode ?? '') || TLS_CODES.test(String(error.code ?? ''))) return new BridgeError('SMTP_TLS');
  switch (error.code) {
    case 'ETIMEDOUT':
      return new BridgeError('SMTP_TIMEOUT');
    case 'EDNS':
      return new BridgeError('SMTP_CONNECT_FAILED');
    case 'ESOCKET':
      return new BridgeError(UNREACHABLE.has(error.originalCode ?? '') ? 'SMTP_CONNECT_FAILED' : 'SMTP_CONNECTION_CLOSED');
    case 'EAUTH':
      return new BridgeError('SMTP_AUTH_FAILED', serverText(error));
    // nodemailer's own check against the announced SIZE (submit.ts checks first).
    case 'EMESSAGE':
      return new BridgeError('SMTP_MESSAGE_TOO_LARGE', limit);
    case 'ECONNECTION':
    case 'EPROTOCOL':
      return new BridgeError('SMTP_CONNECTION_CLOSED', serverText(error));
    default:
      return new BridgeError('INTERNAL');
  }
}
