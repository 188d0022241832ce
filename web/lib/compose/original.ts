import { addressParser } from 'postal-mime';
import { decodeUnlabelled } from '../../../shared/mail/charset.ts';
import { decodeWords } from '../../../shared/mail/encoded-words.ts';
import { headerBlock, readHeaderFields } from '../../../shared/mail/header-fields.ts';
import type { ParsedMail } from '../mail/types.ts';
import type { Address } from './address.ts';

/** What replying to or forwarding a message needs from it. */
export interface Original {
  from: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  /** ISO 8601, or null. */
  date: string | null;
  /** With angle brackets, or null when the message has none. */
  messageId: string | null;
  references: string[];
  text: string;
}

const THREAD_FIELDS: ReadonlySet<string> = new Set(['message-id', 'references', 'reply-to']);
const MSG_ID = /<[^<>\s]+>/g;

/** The threading fields the message view does not show, read from the raw header block. */
export function readOriginal(raw: ArrayBuffer, mail: ParsedMail): Original {
  const fields = readHeaderFields(headerBlock(new Uint8Array(raw)), THREAD_FIELDS);
  const first = (name: string) => {
    const bytes = fields.get(name)?.[0];
    return bytes ? decodeUnlabelled(bytes).replace(/\r?\n/g, ' ').trim() : '';
  };
  const replyTo = addressParser(first('reply-to'))
    .flatMap((a) => ('group' in a && a.group ? a.group : [a]))
    .map((a) => ({ name: decodeWords(a.name ?? '').trim(), address: (a.address ?? '').trim() }))
    .filter((a) => a.address.includes('@'));
  return {
    from: mail.from[0] ?? null,
    replyTo,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    date: mail.date,
    messageId: first('message-id').match(MSG_ID)?.[0] ?? null,
    references: first('references').match(MSG_ID) ?? [],
    text: mail.text ?? '',
  };
}
