/**
 * The fields a person sees at the top of a mail (From, To, Cc, Subject,
 * Date) read from the raw header block with one set of rules, shared by the
 * server's list rows and the browser's message view so both always show the
 * same strings. Raw 8-bit header bytes are UTF-8 when valid (RFC 6532),
 * otherwise the charset of a text/* body, otherwise windows-1252.
 */
import { addressParser } from 'postal-mime';
import { decodeUnlabelled, decoderFor, type Decode } from './charset.ts';
import { decodeWords } from './encoded-words.ts';
import { readHeaderFields } from './header-fields.ts';

export interface EnvelopeAddress {
  name: string;
  address: string;
}

export interface Envelope {
  from: EnvelopeAddress | null;
  to: EnvelopeAddress[];
  cc: EnvelopeAddress[];
  subject: string;
  /** ISO 8601, or null when missing or unreadable. */
  date: string | null;
  messageId: string | null;
  /** The top-level type suggests attachments (multipart/mixed, a bare file...). */
  hasAttachment: boolean;
}

const ROW_FIELDS = ['from', 'to', 'subject', 'date', 'message-id', 'content-type', 'content-disposition'];
const ROW: ReadonlySet<string> = new Set(ROW_FIELDS);
const VIEW: ReadonlySet<string> = new Set([...ROW_FIELDS, 'cc']);
const ATTACHMENT_TYPES = /^\s*(multipart\/(mixed|related|report)|application\/|image\/|audio\/|video\/)/i;
const CHARSET_PARAM = /;\s*charset\s*=\s*"?([^";\s]+)/i;
// Encoded words are hidden from the address parser, which would decode them with its own rules.
const MASK = '\uE000';

/** A text/* body names the charset its sender's mailer used for the header too. */
function rawFallback(contentType: Uint8Array | undefined): Decode | undefined {
  if (!contentType) return undefined;
  const value = decodeUnlabelled(contentType);
  if (!/^\s*text\//i.test(value)) return undefined;
  const decode = decoderFor(CHARSET_PARAM.exec(value)?.[1]);
  // UTF-8 has been tried first already; its fallback is the legacy default.
  return decode && decode !== decoderFor('utf-8') ? decode : undefined;
}

function addresses(value: string | undefined, fallback: Decode | undefined): EnvelopeAddress[] {
  if (!value) return [];
  const hasWords = value.includes('=?');
  const masked = hasWords ? value.replaceAll(MASK, '').replaceAll('=?', MASK) : value;
  const unmask = (text: string | undefined) => (hasWords ? decodeWords((text ?? '').replaceAll(MASK, '=?'), fallback).trim() : (text ?? '').trim());
  return addressParser(masked)
    .flatMap((a) => ('group' in a && a.group ? a.group : [a]))
    .map((a) => ({ name: unmask(a.name), address: unmask(a.address) }));
}

/** RFC 5322 dates, and the obsolete forms Date.parse also reads; anything else is no date. */
function isoDate(value: string | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** The envelope of a header block; Cc only when asked, as list rows do not show it. */
export function readEnvelope(block: Uint8Array, { cc = true } = {}): Envelope {
  const fields = readHeaderFields(block, cc ? VIEW : ROW);
  const fallback = rawFallback(fields.get('content-type')?.[0]);
  const text = (bytes: Uint8Array) => decodeUnlabelled(bytes, fallback).replace(/\r?\n/g, '').trim();
  const first = (name: string): string | undefined => {
    const bytes = fields.get(name)?.[0];
    return bytes ? text(bytes) : undefined;
  };
  const all = (name: string) => (fields.get(name) ?? []).flatMap((bytes) => addresses(text(bytes), fallback));
  const messageId = first('message-id');
  return {
    from: addresses(first('from'), fallback)[0] ?? null,
    to: all('to'),
    cc: all('cc'),
    subject: decodeWords(first('subject') ?? '', fallback).trim(),
    date: isoDate(first('date')),
    messageId: messageId ? decodeWords(messageId) : null,
    hasAttachment: ATTACHMENT_TYPES.test(first('content-type') ?? '') || /^\s*attachment/i.test(first('content-disposition') ?? ''),
  };
}
