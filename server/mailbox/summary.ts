import type { Address, Summary } from '../../shared/api/index.ts';
import { readEnvelope, type EnvelopeAddress } from '../../shared/mail/envelope.ts';
import { MAX_HEADER_BYTES } from '../../shared/mail/header-fields.ts';
import type { CachedSummary } from '../store/store.ts';

export { headerBlock, MAX_HEADER_BYTES } from '../../shared/mail/header-fields.ts';

/** Recipients kept per summary; the message view shows them all. */
const MAX_RECIPIENTS = 50;

function address(a: EnvelopeAddress): Address {
  return { name: a.name.slice(0, 200), address: a.address.slice(0, 320) };
}

/** At most `max` characters, never cutting a surrogate pair in half. */
function codePoints(text: string, max: number): string {
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}

/**
 * Summary fields from a header block, read with the same rules the message
 * view uses (shared/mail/envelope.ts), so a row and its message agree.
 * Never throws: a broken header gives empty fields.
 */
export function summarize(key: string, size: number, header: Uint8Array): { summary: CachedSummary; messageId: string | null } {
  try {
    // The reader stops at the empty line that ends the header block.
    const envelope = readEnvelope(header.subarray(0, MAX_HEADER_BYTES), { cc: false });
    return {
      messageId: envelope.messageId ? codePoints(envelope.messageId, 998) : null,
      summary: {
        key,
        from: envelope.from ? address(envelope.from) : null,
        to: envelope.to.slice(0, MAX_RECIPIENTS).map(address),
        subject: codePoints(envelope.subject, 998),
        date: envelope.date,
        size,
        hasAttachment: envelope.hasAttachment,
      },
    };
  } catch {
    return { messageId: null, summary: { key, from: null, to: [], subject: '', date: null, size, hasAttachment: false } };
  }
}

/**
 * A cached summary as a list row at `index`. Not `{ ...summary, index, seen }`:
 * on Node 20 (V8 11.3) properties added after a spread give each object a hidden
 * class of its own, about 20 times slower over a 10,000-row listing.
 */
export function listItem(summary: CachedSummary, index: number, seen: boolean): Summary {
  return Object.assign({}, summary, { index, seen });
}
