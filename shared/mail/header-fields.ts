/**
 * Reads the few header fields a summary needs straight from the bytes of a
 * header block, without a full MIME parse: for a 10,000-message mailbox this
 * is most of the work of a first listing. Only the wanted fields are decoded;
 * Received chains and signatures, the bulk of real headers, are skipped
 * unread. Field names are lower-cased; folded lines are unfolded (RFC 5322
 * section 2.2.3) by the caller, who decodes the raw bytes of each value
 * (RFC 6532 UTF-8, or a legacy charset) before reading its encoded words.
 */

/** Most fields read from one block: a header of a million tiny fields costs no more than this many. */
const MAX_FIELDS = 1000;
/** Longest field name looked at; longer ones are not fields a summary needs. */
const MAX_NAME = 64;

const LF = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const COLON = 58;

const lower = (byte: number): number => (byte >= 65 && byte <= 90 ? byte + 32 : byte);

/** Header blocks beyond this are cut: a summary needs only the first headers (stops memory abuse by huge headers). */
export const MAX_HEADER_BYTES = 256 * 1024;

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

export function readHeaderFields(block: Uint8Array, wanted: ReadonlySet<string>): Map<string, Uint8Array[]> {
  const fields = new Map<string, Uint8Array[]>();
  const firstLetters = new Set([...wanted].map((name) => name.charCodeAt(0)));
  const end = block.length;
  let pos = 0;
  let count = 0;
  while (pos < end && count++ < MAX_FIELDS) {
    // The field runs to the first line end not followed by a space or tab.
    let next = pos;
    do {
      const lf = block.indexOf(LF, next);
      next = lf < 0 ? end : lf + 1;
    } while (next < end && (block[next] === SP || block[next] === TAB));
    const first = block[pos]!;
    if (first === LF || (first === CR && block[pos + 1] === LF)) break; // the empty line ends the header
    if (firstLetters.has(lower(first))) {
      const limit = Math.min(next, pos + MAX_NAME);
      let colon = pos;
      while (colon < limit && block[colon] !== COLON) colon++;
      if (colon < limit) {
        let name = '';
        for (let i = pos; i < colon; i++) name += String.fromCharCode(lower(block[i]!));
        name = name.trimEnd();
        if (wanted.has(name)) {
          const value = block.subarray(colon + 1, next);
          const list = fields.get(name);
          if (list) list.push(value);
          else fields.set(name, [value]);
        }
      }
    }
    pos = next;
  }
  return fields;
}
