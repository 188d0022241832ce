/**
 * Reads the few header fields a summary needs straight from the bytes of a
 * header block, without a full MIME parse: for a 10,000-message mailbox this
 * is most of the work of a first listing. Only the wanted fields are decoded;
 * Received chains and signatures, the bulk of real headers, are skipped
 * unread. Field names are lower-cased; folded lines are unfolded (RFC 5322
 * section 2.2.3); values keep their encoded words.
 */

// Header bytes are decoded as UTF-8 (RFC 6532); a stray 8-bit byte becomes U+FFFD, never an error.
const decoder = new TextDecoder('utf-8', { fatal: false });

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

export function readHeaderFields(block: Uint8Array, wanted: ReadonlySet<string>): Map<string, string[]> {
  const fields = new Map<string, string[]>();
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
          const value = decoder.decode(block.subarray(colon + 1, next)).replace(/\r?\n/g, '').trim();
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
