import PostalMime from 'postal-mime';
import type { Address, Email } from 'postal-mime';
import type { MailAddress, MailPart, ParsedMail } from './types.ts';

// postal-mime decodes charsets, RFC 2047 encoded words, RFC 2231 parameters
// and format=flowed; this only reshapes its result for the view.
export async function parseMail(raw: ArrayBuffer): Promise<ParsedMail> {
  const email: Email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  return {
    from: flatten(email.from ? [email.from] : []),
    to: flatten(email.to ?? []),
    cc: flatten(email.cc ?? []),
    subject: email.subject ?? '',
    date: email.date ?? null,
    html: email.html ?? null,
    text: email.text ?? null,
    parts: email.attachments.map((a): MailPart => ({
      filename: a.filename,
      mimeType: a.mimeType,
      disposition: a.disposition,
      contentId: a.contentId ?? null,
      related: a.related === true,
      content: toArrayBuffer(a.content),
    })),
  };
}

function flatten(list: Address[]): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of list) {
    if (a.group) out.push(...a.group.map((m) => ({ name: m.name, address: m.address })));
    else out.push({ name: a.name, address: a.address ?? '' });
  }
  return out;
}

function toArrayBuffer(content: ArrayBuffer | Uint8Array | string): ArrayBuffer {
  if (content instanceof ArrayBuffer) return content;
  if (typeof content === 'string') return new TextEncoder().encode(content).buffer as ArrayBuffer;
  return content.slice().buffer as ArrayBuffer;
}
