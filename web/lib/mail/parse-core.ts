import type { Email } from 'postal-mime';
import { readEnvelope } from '../../../shared/mail/envelope.ts';
import { headerBlock } from '../../../shared/mail/header-fields.ts';
import { decodeBody } from './body-charset.ts';
import { parseWithTree } from './postal-text.ts';
import { repairHeaderEnd, treeNotices } from './structure.ts';
import type { MailNotice, MailPart, ParsedMail } from './types.ts';

// postal-mime finds the MIME structure, decodes transfer encodings, RFC 2231
// parameters and format=flowed. The header fields shown come from the same
// rules as the list rows (shared/mail/envelope.ts), and text parts are
// decoded as mail clients do (postal-text.ts).
export async function parseMail(raw: ArrayBuffer): Promise<ParsedMail> {
  const repaired = repairHeaderEnd(new Uint8Array(raw));
  const bytes = repaired ?? new Uint8Array(raw);
  const header = headerBlock(bytes);
  const envelope = readEnvelope(header);
  const { email, root } = await parseWithTree(repaired ? (repaired.buffer as ArrayBuffer) : raw);
  const notices: MailNotice[] = repaired ? ['HEADER_NOT_ENDED'] : [];
  notices.push(...treeNotices(root, bytes));
  let text = email.text ?? null;
  if (notices.includes('NO_PARTS')) {
    // No part was found, so the whole body is the preamble: show it as it is.
    text = decodeBody(bytes.subarray(header.length), null);
  }
  const parts = email.attachments.map(toPart);
  if (!text?.trim() && !email.html?.trim() && parts.length === 0) notices.push('NO_CONTENT');
  return {
    from: envelope.from ? [envelope.from] : [],
    to: envelope.to,
    cc: envelope.cc,
    subject: envelope.subject,
    date: envelope.date,
    html: email.html ?? null,
    text: text?.trim() ? text : null,
    parts,
    notices,
  };
}

function toPart(a: Email['attachments'][number]): MailPart {
  return {
    filename: a.filename,
    mimeType: a.mimeType,
    disposition: a.disposition,
    contentId: a.contentId ?? null,
    related: a.related === true,
    content: toArrayBuffer(a.content),
  };
}

function toArrayBuffer(content: ArrayBuffer | Uint8Array | string): ArrayBuffer {
  if (content instanceof ArrayBuffer) return content;
  if (typeof content === 'string') return new TextEncoder().encode(content).buffer as ArrayBuffer;
  return content.slice().buffer as ArrayBuffer;
}
