import { addressParser, decodeWords } from 'postal-mime';
import type { Address } from '../../shared/api/index.ts';
import type { CachedSummary } from '../store/store.ts';
import { readHeaderFields } from './headers.ts';

/** Header blocks beyond this are cut: a summary needs only the first headers (stops memory abuse by huge headers). */
export const MAX_HEADER_BYTES = 256 * 1024;

const ATTACHMENT_TYPES = /^\s*(multipart\/(mixed|related|report)|application\/|image\/|audio\/|video\/)/i;

/** The header block (up to the first empty line) of raw message bytes. */
export function headerBlock(bytes: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, MAX_HEADER_BYTES);
  // Jump from line end to line end: a header block is a few dozen lines.
  for (let lf = bytes.indexOf(10); lf >= 0 && lf < end; lf = bytes.indexOf(10, lf + 1)) {
    if (bytes[lf + 1] === 10) return bytes.subarray(0, lf + 2);
    if (bytes[lf + 1] === 13 && bytes[lf + 2] === 10) return bytes.subarray(0, lf + 3);
  }
  return bytes.subarray(0, end);
}

function address(a: { name?: string; address?: string } | undefined): Address | null {
  if (!a) return null;
  return { name: (a.name ?? '').slice(0, 200), address: (a.address ?? '').slice(0, 320) };
}

/** At most `max` characters, never cutting a surrogate pair in half. */
function codePoints(text: string, max: number): string {
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}

const SUMMARY_FIELDS: ReadonlySet<string> = new Set(['from', 'to', 'subject', 'date', 'message-id', 'content-type']);
/** Recipients kept per summary; the message view shows them all. */
const MAX_RECIPIENTS = 50;

type Parsed = ReturnType<typeof addressParser>;

function mailboxes(list: Parsed): Array<{ name?: string; address?: string }> {
  return list.flatMap((a) => ('group' in a && a.group ? a.group : [a]));
}

/** RFC 5322 dates, and the obsolete forms Date.parse also reads; anything else is no date. */
function isoDate(value: string | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/**
 * Summary fields from a header block: the fields a row shows, read directly
 * (postal-mime's address parser and encoded-word decoder do the hard parts).
 * Never throws: a broken header gives empty fields.
 */
export function summarize(key: string, size: number, header: Uint8Array): { summary: CachedSummary; messageId: string | null } {
  try {
    // The reader stops at the empty line that ends the header block.
    const fields = readHeaderFields(header.subarray(0, MAX_HEADER_BYTES), SUMMARY_FIELDS);
    const first = (name: string): string | undefined => fields.get(name)?.[0];
    const fromValue = first('from');
    const from = fromValue ? mailboxes(addressParser(fromValue))[0] : undefined;
    const to = (fields.get('to') ?? []).flatMap((value) => mailboxes(addressParser(value))).slice(0, MAX_RECIPIENTS);
    const messageId = first('message-id');
    return {
      messageId: messageId ? codePoints(decodeWords(messageId), 998) : null,
      summary: {
        key,
        from: address(from),
        to: to.map((a) => address(a)).filter((a): a is Address => a !== null),
        subject: codePoints(decodeWords(first('subject') ?? '').trim(), 998),
        date: isoDate(first('date')),
        size,
        hasAttachment: ATTACHMENT_TYPES.test(first('content-type') ?? ''),
      },
    };
  } catch {
    return { messageId: null, summary: { key, from: null, to: [], subject: '', date: null, size, hasAttachment: false } };
  }
}
