import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import type MimeNode from 'nodemailer/lib/mime-node';
import type { Mailbox } from './addresses.ts';
import { toFlowed } from './flowed.ts';

/** Bytes at hand, or a file opened only while the message is written (never held whole). */
export type AttachmentContent = { content: Buffer } | { size: number; open(): Readable };

export type OutgoingAttachment = AttachmentContent & {
  /** Any Unicode name; written as an RFC 2231 filename* parameter. */
  filename: string;
  contentType: string;
};

/** A message ready to compose; fields already checked (see header-guard.ts and addresses.ts). */
export interface OutgoingMessage {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  /** Envelope recipients only: never written into the header. */
  bcc: Mailbox[];
  subject: string;
  text: string;
  /** Message-ID of the message replied to, with angle brackets. */
  inReplyTo?: string;
  references?: string[];
  attachments: OutgoingAttachment[];
}

export interface ComposedMessage {
  messageId: string;
  envelope: { from: string; to: string[] };
  /** Octets on the wire, known before anything is read: for the server's SIZE (RFC 1870). */
  size: number;
  /** The message as it is written, attachments read (and opened) only as it flows; call once. */
  stream(): Readable;
}

const attachmentSize = (a: OutgoingAttachment): number => ('content' in a ? a.content.length : a.size);

/** base64 as nodemailer writes it: 4 octets per 3, in lines of 76 joined by CRLF. */
export function base64Size(octets: number): number {
  const encoded = 4 * Math.ceil(octets / 3);
  return encoded + 2 * Math.max(0, Math.ceil(encoded / 76) - 1);
}

/**
 * The RFC 5322 message as nodemailer's MailComposer writes it: UTF-8 text as
 * format=flowed, encoded-words for non-ASCII names and subject, RFC 2231
 * attachment names, In-Reply-To/References for threading. Bcc is left out
 * of the header and only put on the envelope. Attachments stream from their
 * files into the SMTP connection, so a large one is never in memory whole.
 */
export async function composeMessage(message: OutgoingMessage): Promise<ComposedMessage> {
  // Fixed once, so the size measured below is that of the message written later.
  const messageId = `<${randomUUID()}@${message.from.address.split('@').pop()}>`;
  const date = new Date();
  // The message with empty attachments is small; each attachment then adds its encoded size.
  const skeleton = await composer(message, messageId, date, () => Buffer.alloc(0)).build();
  const size = skeleton.length + message.attachments.reduce((sum, a) =>
    sum + (/^message\//i.test(a.contentType) ? attachmentSize(a) : base64Size(attachmentSize(a))), 0);
  const envelope = {
    from: message.from.address,
    to: [...message.to, ...message.cc, ...message.bcc].map((m) => m.address),
  };
  return {
    messageId, envelope, size,
    stream: () => composer(message, messageId, date, (a) => ('content' in a ? a.content : a.open())).createReadStream(),
  };
}

function composer(message: OutgoingMessage, messageId: string, date: Date, content: (a: OutgoingAttachment) => Buffer | Readable): MimeNode {
  const root = new MailComposer({
    from: message.from,
    to: message.to,
    cc: message.cc,
    subject: message.subject,
    text: toFlowed(message.text),
    // Keeps trailing spaces (the soft breaks) intact whatever the relays do with 8-bit text.
    textEncoding: 'quoted-printable',
    messageId,
    date,
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    ...(message.references?.length ? { references: message.references } : {}),
    attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: content(a) })),
    // Streams and Buffers only: never a path or URL from outside.
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  markFlowed(root);
  return root;
}

/** MailComposer always labels the body text/plain; charset=utf-8; add format=flowed to that one part. */
function markFlowed(root: MimeNode): void {
  const text = root.childNodes.length ? root.childNodes[0] : root;
  // An empty body has no text part; an attachment is never the body.
  if (text && !text.getHeader('Content-Disposition') && /^text\/plain\b/i.test(String(text.getHeader('Content-Type') ?? ''))) {
    text.setHeader('Content-Type', 'text/plain; charset=utf-8; format=flowed');
  }
}
