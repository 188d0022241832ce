import type { MailPart } from './types.ts';

function normalizeCid(cid: string): string {
  return cid.trim().replace(/^<|>$/g, '').toLowerCase();
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/**
 * Resolves cid: references to data: URLs of the message's own image parts.
 * data: rather than blob: because the frame has an opaque origin, and blob:
 * URLs belong to the app's origin. Only image types: a cid: pointing at HTML
 * or anything else resolves to nothing.
 */
export function cidResolver(parts: MailPart[]): (cid: string) => string | null {
  const byCid = new Map<string, MailPart>();
  for (const part of parts) if (part.contentId) byCid.set(normalizeCid(part.contentId), part);
  const cache = new Map<string, string | null>();
  return (raw) => {
    let cid = raw;
    try {
      cid = decodeURIComponent(raw);
    } catch {
      // Keep the undecoded form.
    }
    const key = normalizeCid(cid);
    if (cache.has(key)) return cache.get(key) ?? null;
    const part = byCid.get(key);
    const type = part?.mimeType.toLowerCase() ?? '';
    const url = part && /^image\/(png|gif|jpeg|jpg|webp|bmp|svg\+xml|avif)$/.test(type)
      ? `data:${type};base64,${toBase64(new Uint8Array(part.content))}`
      : null;
    cache.set(key, url);
    return url;
  };
}

export function isInlinePart(part: MailPart, referenced: Set<string>): boolean {
  return part.contentId !== null && referenced.has(normalizeCid(part.contentId));
}

/** Content-IDs the HTML body actually references, so those parts are not listed twice. */
export function referencedCids(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(/cid:([^"'\s)>]+)/gi)) {
    let cid = m[1] ?? '';
    try {
      cid = decodeURIComponent(cid);
    } catch {
      // Keep as written.
    }
    out.add(normalizeCid(cid));
  }
  return out;
}
