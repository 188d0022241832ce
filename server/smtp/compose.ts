import MailComposer from 'nodemailer/lib/mail-composer';
import type MimeNode from 'nodemailer/lib/mime-node';
import type { Mailbox } from './addresses.ts';
import { toFlowed } from './flowed.ts';

export interface OutgoingAttachment {
  /** Any Unicode name; written as an RFC 2231 filename* parameter. */
  filename: string;
  contentType: string;
  content: Buffer;
}

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
  bytes: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
}

/**
 * The RFC 5322 message as nodemailer's MailComposer writes it: UTF-8 text as
 * format=flowed, encoded-words for non-ASCII names and subject, RFC 2231
 * attachment names, In-Reply-To/References for threading. Bcc is left out
 * of the header and only put on the envelope.
 */
export async function composeMessage(message: OutgoingMessage): Promise<ComposedMessage> {
  const composer = new MailComposer({
    from: message.from,
    to: message.to,
    cc: message.cc,
    subject: message.subject,
    text: toFlowed(message.text),
    // Keeps trailing spaces (the soft breaks) intact whatever the relays do with 8-bit text.
    textEncoding: 'quoted-printable',
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    ...(message.references?.length ? { references: message.references } : {}),
    attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const root = composer.compile();
  markFlowed(root);
  const bytes = await root.build();
  const envelope = {
    from: message.from.address,
    to: [...message.to, ...message.cc, ...message.bcc].map((m) => m.address),
  };
  return { bytes, messageId: root.messageId(), envelope };
}

/** MailComposer always labels the body text/plain; charset=utf-8; add format=flowed to that one part. */
function markFlowed(root: MimeNode): void {
  const text = root.childNodes.length ? root.childNodes[0] : root;
  // An empty body has no text part; an attachment is never the body.
  if (text && !text.getHeader('Content-Disposition') && /^text\/plain\b/i.test(String(text.getHeader('Content-Type') ?? ''))) {
    text.setHeader('Content-Type', 'text/plain; charset=utf-8; format=flowed');
  }
}
