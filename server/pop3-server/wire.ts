// Byte-level helpers for message data: line-end normalisation, the TOP
// slice, and RFC 1939 §3 byte-stuffing of multi-line replies.

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const EXTRA_DOT = Buffer.from('.');
const LF_DOT = Buffer.from('\n.');
const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** Every line ends in CRLF (bare LF and bare CR become CRLF), and a non-empty
 * message ends with CRLF, so the size we announce is the size on the wire
 * before byte-stuffing and the terminator always starts a fresh line. */
export function normaliseCrlf(input: Uint8Array): Buffer {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b === LF && bytes[i - 1] !== CR) || (b === CR && bytes[i + 1] !== LF)) extra++;
  }
  const last = bytes[bytes.length - 1];
  const finalCrlf = bytes.length > 0 && last !== LF && last !== CR ? 2 : 0;
  if (extra === 0 && finalCrlf === 0) return Buffer.from(bytes);
  const out = Buffer.allocUnsafe(bytes.length + extra + finalCrlf);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === LF && bytes[i - 1] !== CR) {
      out[o++] = CR;
      out[o++] = LF;
    } else if (b === CR && bytes[i + 1] !== LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else {
      out[o++] = b;
    }
  }
  if (finalCrlf) {
    out[o++] = CR;
    out[o++] = LF;
  }
  return out;
}

/** RFC 1939 §7 TOP: the header, the blank line, then `lines` body lines. A
 * message without a blank line is all header. */
export function topOf(message: Buffer, lines: number): Buffer {
  const blank = message.indexOf(CRLF_CRLF);
  if (blank === -1) return message;
  let end = blank + CRLF_CRLF.length;
  for (let n = 0; n < lines && end < message.length; n++) {
    const lf = message.indexOf(LF, end);
    end = lf === -1 ? message.length : lf + 1;
  }
  return message.subarray(0, end);
}

/** The pieces of a byte-stuffed body: every line that starts with "." gets
 * one more. Pieces are views into `body` (plus one-octet dots) of at most
 * `maxPiece` octets, so a large message is never copied whole and can be
 * written with back-pressure. The caller appends the terminator. */
export function* dotStuffed(body: Buffer, maxPiece = 64 * 1024): Generator<Buffer> {
  if (body.length === 0) return;
  if (body[0] === DOT) yield EXTRA_DOT;
  let pos = 0;
  while (pos < body.length) {
    const at = body.indexOf(LF_DOT, pos);
    const end = at === -1 ? body.length : at + 1;
    for (let from = pos; from < end; from += maxPiece) yield body.subarray(from, Math.min(end, from + maxPiece));
    if (at !== -1) yield EXTRA_DOT;
    pos = end;
  }
}

export const TERMINATOR = Buffer.from('.\r\n');
