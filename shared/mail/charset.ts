/**
 * Charset labels resolved as the WHATWG Encoding Standard says (what
 * browsers do): "iso-8859-1", "latin1" and "us-ascii" all mean
 * windows-1252, "gb2312" means GBK, "ks_c_5601-1987" means EUC-KR.
 * TextDecoder knows every WHATWG label; UTF-7 (RFC 2152) is added here.
 * No Node or DOM API: the server's list rows and the browser's message view
 * decode with this same code.
 */
import { decodeUtf7 } from './utf7.ts';

export type Decode = (bytes: Uint8Array) => string;

// windows-1252 0x80-0x9F. Node 20 decodes "windows-1252" as ISO-8859-1
// (C1 controls there); browsers do not. Used only when the runtime is wrong.
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function windows1252(): Decode {
  const decoder = new TextDecoder('windows-1252');
  if (decoder.decode(new Uint8Array([0x80])) === '€') return (bytes) => decoder.decode(bytes);
  return (bytes) => decoder.decode(bytes).replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!);
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextDecoder('utf-8');
const utf8Decode: Decode = (bytes) => utf8.decode(bytes);
const cp1252 = windows1252();

/** Labels seen in mail that TextDecoder does not list, and what they mean. */
const ALIASES: Record<string, string> = {
  'utf-7': 'utf-7', utf7: 'utf-7', 'unicode-1-1-utf-7': 'utf-7', 'x-unicode-2-0-utf-7': 'utf-7',
  cp932: 'shift_jis', 'windows-932': 'shift_jis', cp936: 'gbk', 'windows-936': 'gbk', cp949: 'euc-kr', cp950: 'big5',
  'iso-2022-jp-1': 'iso-2022-jp', 'iso-2022-jp-2': 'iso-2022-jp', 'tis620': 'windows-874', 'ansi_x3.4-1986': 'windows-1252',
  utf16: 'utf-16le',
};

/** Decoders by label, and null for labels nobody knows; bounded, as labels come from mail. */
const cache = new Map<string, Decode | null>();
const MAX_CACHED_LABELS = 512;

function build(label: string): Decode | null {
  if (label === 'utf-7') return decodeUtf7;
  try {
    const decoder = new TextDecoder(label);
    if (decoder.encoding === 'windows-1252') return cp1252;
    if (decoder.encoding === 'utf-8') return utf8Decode;
    return (bytes) => decoder.decode(bytes);
  } catch {
    return null; // unknown, or the "replacement" encoding (ISO-2022-KR and friends)
  }
}

/** The decoder a charset label names, or null when it names none. */
export function decoderFor(rawLabel: string | null | undefined): Decode | null {
  if (!rawLabel) return null;
  // RFC 2231 section 5: "utf-8*de" carries a language after the star.
  const label = rawLabel.trim().toLowerCase().replace(/\*.*$/, '');
  let decode = cache.get(label);
  if (decode !== undefined) return decode;
  decode = build(ALIASES[label] ?? label) ?? build(ALIASES[label.replace(/^x-/, '')] ?? label.replace(/^x-/, ''));
  if (cache.size < MAX_CACHED_LABELS) cache.set(label, decode);
  return decode;
}

/** The bytes as UTF-8, or null when they are not valid UTF-8. */
function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return null;
  }
}

export function isUtf8(bytes: Uint8Array): boolean {
  return !hasEightBit(bytes) || strictUtf8(bytes) !== null;
}

/** Whether the bytes hold anything above 0x7F. */
export function hasEightBit(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return true;
  return false;
}

/**
 * Bytes with no usable label: UTF-8 when they are valid UTF-8 (RFC 6532;
 * legacy text is almost never valid UTF-8 by chance), otherwise the
 * fallback decoder (windows-1252 unless the caller knows better).
 */
export function decodeUnlabelled(bytes: Uint8Array, fallback: Decode = cp1252): string {
  if (!hasEightBit(bytes)) return utf8.decode(bytes);
  return strictUtf8(bytes) ?? fallback(bytes);
}

/**
 * Bytes in the charset a label names. A label nobody knows is no label; a
 * UTF-8 label on bytes that are not UTF-8 is plainly wrong, so the fallback
 * reads them instead of turning them into U+FFFD.
 */
export function decodeLabelled(bytes: Uint8Array, label: string | null | undefined, fallback: Decode = cp1252): string {
  const decode = decoderFor(label);
  if (!decode) return decodeUnlabelled(bytes, fallback);
  if (decode === utf8Decode && !isUtf8(bytes)) return fallback(bytes);
  return decode(bytes);
}

export const decodeWindows1252: Decode = cp1252;
