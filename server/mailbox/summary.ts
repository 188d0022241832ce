import PostalMime from 'postal-mime';
import type { Address } from '../../shared/api/index.ts';
import type { CachedSummary } from '../store/store.ts';

/** Header blocks beyond this are cut: a summary needs only the first headers (stops memory abuse by huge headers). */
export const MAX_HEADER_BYTES = 256 * 1024;

const ATTACHMENT_TYPES = /^\s*(multipart\/(mixed|related|report)|application\/|image\/|audio\/|video\/)/i;

/** The header block (up to the first empty line) of raw message bytes. */
export function headerBlock(bytes: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, MAX_HEADER_BYTES);
  for (let i = 0; i < end; i++) {
    if (bytes[i] !== 10) continue;
    if (bytes[i + 1] === 10) return bytes.subarray(0, i + 2);
    if (bytes[i + 1] === 13 && bytes[i + 2] === 10) return bytes.subarray(0, i + 3);
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

/** Summary fields from a header block. Never throws: a broken header gives empty fields. */
export async function summarize(key: string, size: number, header: Uint8Array): Promise<{ summary: CachedSummary; messageId: string | null }> {
  try {
    const email = await PostalMime.parse(headerBlock(header));
    const contentType = email.headers.find((h) => h.key === 'content-type')?.value ?? '';
    const date = email.date && !Number.isNaN(Date.parse(email.date)) ? new Date(email.date).toISOString() : null;
    const to = (email.to ?? []).flatMap((a) => ('group' in a && a.group ? a.group : [a])).slice(0, 50);
    return {
      messageId: email.messageId ? codePoints(email.messageId, 998) : null,
      summary: {
        key,
        from: address(email.from && !('group' in email.from && email.from.group) ? email.from : undefined),
        to: to.map((a) => address(a)).filter((a): a is Address => a !== null),
        subject: codePoints(email.subject ?? '', 998),
        date,
        size,
        hasAttachment: ATTACHMENT_TYPES.test(contentType),
      },
    };
  } catch {
    return { messageId: null, summary: { key, from: null, to: [], subject: '', date: null, size, hasAttachment: false } };
  }
}
