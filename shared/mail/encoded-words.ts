/**
 * RFC 2047 encoded words, decoded the way mail clients do: the bytes of
 * adjacent words in the same charset are joined before decoding, so a
 * character split across two words (B or Q, UTF-8, Shift_JIS, or an
 * ISO-2022-JP shift state that spans words) comes out whole; whitespace
 * between adjacent encoded words is folding, not text (section 6.2).
 */
import { decodeLabelled, type Decode } from './charset.ts';

// Whitespace is kept out of the charset so "=?" in running text cannot swallow a line.
const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?]*)\?=/g;
const FOLDING = /^[ \t\r\n]*$/;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Bytes(text: string): number[] {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const digit = BASE64.indexOf(ch);
    if (digit < 0) continue; // padding, or junk a mailer left in
    value = ((value << 6) | digit) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return bytes;
}

function qBytes(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const hex = ch === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(ch === '_' ? 0x20 : ch.charCodeAt(0) & 0xff);
  }
  return bytes;
}

export function decodeWords(value: string, fallback?: Decode): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let pos = 0;
  let run: { label: string; bytes: number[] } | null = null;
  const flush = () => {
    if (run) out += decodeLabelled(new Uint8Array(run.bytes), run.label, fallback);
    run = null;
  };
  for (const match of value.matchAll(WORD)) {
    const between = value.slice(pos, match.index);
    if (!run || !FOLDING.test(between)) {
      flush();
      out += between;
    }
    // RFC 2231 section 5: "charset*language".
    const label = match[1]!.toLowerCase().replace(/\*.*$/, '');
    const bytes = match[2] === 'B' || match[2] === 'b' ? base64Bytes(match[3]!) : qBytes(match[3]!);
    if (run && run.label === label) for (const byte of bytes) run.bytes.push(byte);
    else {
      flush();
      run = { label, bytes };
    }
    pos = match.index + match[0].length;
  }
  flush();
  return out + value.slice(pos);
}
