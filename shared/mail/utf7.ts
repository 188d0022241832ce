/**
 * UTF-7 (RFC 2152): ASCII as is, other characters as "+" then modified
 * base64 of their UTF-16BE code units, ended by "-" or by any character
 * outside the base64 alphabet; "+-" is a literal "+". TextDecoder has no
 * UTF-7 and iconv-lite's needs Node's Buffer, so the browser could not run it.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const utf16 = new TextDecoder('utf-16be');
const ascii = new TextDecoder('utf-8');

function base64Units(run: string): string {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of run) {
    value = (value << 6) | ALPHABET.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  // Leftover bits (fewer than 16 of a code unit) are padding, as the RFC says.
  return utf16.decode(new Uint8Array(bytes.length % 2 ? bytes.slice(0, -1) : bytes));
}

export function decodeUtf7(bytes: Uint8Array): string {
  // UTF-7 is 7-bit; a stray 8-bit byte is read as UTF-8 rather than dropped.
  const text = ascii.decode(bytes);
  return text.replace(/\+([A-Za-z0-9+/]*)-?/g, (_match, run: string) => (run === '' ? '+' : base64Units(run)));
}

