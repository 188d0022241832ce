export type TextToken = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+|\bmailto:[^\s<>"'`]+/gi;

// Trailing punctuation usually ends the sentence, not the URL; a closing
// bracket stays when the URL opened one (Wikipedia-style links).
function trimTrailing(url: string): string {
  let out = url;
  for (;;) {
    const last = out.at(-1);
    if (last && '.,;:!?'.includes(last)) out = out.slice(0, -1);
    else if (last === ')' && (out.match(/\(/g)?.length ?? 0) < (out.match(/\)/g)?.length ?? 0)) out = out.slice(0, -1);
    else if (last === ']' && !out.includes('[')) out = out.slice(0, -1);
    else return out;
  }
}

/** Only http(s) and mailto become links; the URL parser has the last word. */
export function safeHref(candidate: string): string | null {
  const withScheme = /^www\./i.test(candidate) ? `https://${candidate}` : candidate;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Splits plain text into text and link tokens; rendering stays text-only. */
export function linkify(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let last = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    const start = m.index ?? 0;
    const raw = trimTrailing(m[0]);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) tokens.push({ kind: 'text', text: text.slice(last, start) });
    tokens.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) tokens.push({ kind: 'text', text: text.slice(last) });
  return tokens;
}
