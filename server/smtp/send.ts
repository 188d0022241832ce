import { Readable } from 'node:stream';
import type { SmtpConfig } from '../config.ts';
import { BridgeError } from '../errors.ts';
import { parseAddressList } from './addresses.ts';
import { composeMessage, type OutgoingAttachment } from './compose.ts';
import { assertHeaderSafe } from './header-guard.ts';
import { senderAddress } from './identity.ts';
import { DEFAULT_SMTP_TIMEOUTS, submit, type SmtpTimeouts, type SubmitResult } from './submit.ts';

/** A message as the person wrote it: address fields as typed, text as plain text. */
export interface SendRequest {
  to: string;
  cc?: string;
  bcc?: string;
  subject: string;
  text: string;
  /** The sender's display name; the address comes from the sign-in (identity.ts). */
  fromName?: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: OutgoingAttachment[];
}

/** The raw message is kept for the Sent folder up to this size; larger ones keep headers and text only. */
export const MAX_RAW_KEPT = 2 * 1024 * 1024;

export interface SendResult extends SubmitResult {
  messageId: string;
  /** Octets submitted. */
  size: number;
  /** The message as submitted (for the Sent folder); null when over MAX_RAW_KEPT. */
  raw: Buffer | null;
}

const MESSAGE_ID = /^<[^<>\s]+@[^<>\s]+>$/;

/**
 * Checks every header field, composes the message and submits it through
 * the server's SMTP submission server as the signed-in user. Throws a
 * BridgeError with the API code of whatever went wrong; nothing is retried.
 */
export async function sendMessage(
  smtp: SmtpConfig | undefined,
  credentials: { username: string; password: string },
  request: SendRequest,
  timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS,
): Promise<SendResult> {
  if (!smtp) throw new BridgeError('SEND_NOT_CONFIGURED');
  const attachments = request.attachments ?? [];
  for (const [field, value] of Object.entries({
    to: request.to, cc: request.cc, bcc: request.bcc, subject: request.subject, from: request.fromName,
    'in-reply-to': request.inReplyTo, references: request.references,
  })) assertHeaderSafe(field, value);
  attachments.forEach((a) => assertHeaderSafe('attachment', [a.filename, a.contentType]));
  const threading = [request.inReplyTo, ...(request.references ?? [])].filter((id) => id !== undefined);
  if (threading.some((id) => !MESSAGE_ID.test(id))) throw new BridgeError('INVALID_HEADER', { field: 'references' });

  const to = parseAddressList('to', request.to);
  const cc = parseAddressList('cc', request.cc ?? '');
  const bcc = parseAddressList('bcc', request.bcc ?? '');
  if (to.length + cc.length + bcc.length === 0) throw new BridgeError('INVALID_ADDRESS', { field: 'to' });
  const from = senderAddress(smtp, credentials.username, request.fromName ?? '');

  const composed = await composeMessage({
    from, to, cc, bcc, subject: request.subject, text: request.text, attachments,
    ...(request.inReplyTo ? { inReplyTo: request.inReplyTo } : {}),
    ...(request.references ? { references: request.references } : {}),
  });
  // A copy of what goes out, for the Sent folder, up to MAX_RAW_KEPT: a large message is never held whole.
  const kept: Buffer[] = [];
  let size = 0;
  const result = await submit(smtp, credentials, composed.envelope, {
    size: composed.size,
    stream: () => Readable.from((async function* () {
      for await (const chunk of composed.stream() as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size <= MAX_RAW_KEPT) kept.push(chunk);
        yield chunk;
      }
    })(), { objectMode: false }),
  }, timeouts);
  return { ...result, messageId: composed.messageId, size, raw: size <= MAX_RAW_KEPT ? Buffer.concat(kept) : null };
}
