import { detect } from 'chardet';
import { decodeWindows1252, decoderFor, isUtf8 } from '../../../shared/mail/charset.ts';

// The HTML prescan looks at the first 1024 bytes (WHATWG HTML, "prescan a byte stream").
const PRESCAN_BYTES = 1024;
const DETECT_SAMPLE_BYTES = 64 * 1024;
// Matches <meta charset=x> and <meta http-equiv="Content-Type" content="...; charset=x">.
const META_CHARSET = /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i;

/** The charset an HTML document names in a <meta> tag, as a browser would find it. */
export function metaCharset(bytes: Uint8Array): string | null {
  const head = String.fromCharCode(...bytes.subarray(0, PRESCAN_BYTES));
  const label = META_CHARSET.exec(head)?.[1]?.toLowerCase() ?? null;
  // A document that reached us as bytes cannot be UTF-16; browsers read that label as UTF-8.
  return label && /^utf-?16/.test(label) ? 'utf-8' : label;
}

/**
 * A text part's bytes, decoded as mail clients do: the label when it names
 * a charset and is not plainly wrong; otherwise UTF-8 when the bytes are
 * valid UTF-8, otherwise the legacy charset detection finds most likely.
 */
export function decodeBody(bytes: Uint8Array, label: string | null | undefined): string {
  const labelled = decoderFor(label);
  const utf8 = decoderFor('utf-8')!;
  if (labelled && (labelled !== utf8 || isUtf8(bytes))) return labelled(bytes);
  if (isUtf8(bytes)) return utf8(bytes);
  // Detection reads a sample: enough for a verdict, bounded for a large body.
  const guessed = decoderFor(detect(bytes.subarray(0, DETECT_SAMPLE_BYTES)));
  return guessed && guessed !== utf8 ? guessed(bytes) : decodeWindows1252(bytes);
}
