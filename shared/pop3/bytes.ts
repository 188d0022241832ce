/** Byte helpers for the protocol core: Uint8Array only, no Buffer. */

export const CR = 0x0d;
export const LF = 0x0a;
export const DOT = 0x2e;
export const PLUS = 0x2b;

const encoder = new TextEncoder();
// Server text is usually ASCII; anything else is shown, never trusted.
const decoder = new TextDecoder('utf-8', { fatal: false });

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The line without its terminator (CRLF or a bare LF). */
export function stripLineEnd(line: Uint8Array): Uint8Array {
  let end = line.length;
  if (end > 0 && line[end - 1] === LF) end--;
  if (end > 0 && line[end - 1] === CR) end--;
  return line.subarray(0, end);
}
