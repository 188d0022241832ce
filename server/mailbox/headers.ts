/**
 * Reads the few header fields a summary needs straight from a header block,
 * without a full MIME parse: for a 10,000-message mailbox this is most of
 * the work of a first listing. Field names are lower-cased; folded lines are
 * unfolded (RFC 5322 section 2.2.3); values keep their encoded words.
 */

// Header bytes are decoded as UTF-8 (RFC 6532); a stray 8-bit byte becomes U+FFFD, never an error.
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Most fields read from one block: stops a header block of a million tiny fields from costing more than it should. */
const MAX_FIELDS = 1000;

export function readHeaderFields(block: Uint8Array, wanted: ReadonlySet<string>): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  const lines = decoder.decode(block).split(/\r?\n/);
  let name: string | null = null;
  let value = '';
  let count = 0;
  const flush = (): void => {
    if (name !== null && wanted.has(name)) {
      const list = fields.get(name);
      if (list) list.push(value.trim());
      else fields.set(name, [value.trim()]);
    }
    name = null;
  };
  for (const line of lines) {
    if (line === '') break; // the end of the header block
    if (line[0] === ' ' || line[0] === '\t') {
      if (name !== null) value += line;
      continue;
    }
    flush();
    if (++count > MAX_FIELDS) break;
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a field: ignored, as mail readers do
    name = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return fields;
}
