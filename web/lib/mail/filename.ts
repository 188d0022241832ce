// Characters that reorder or hide text: controls, format characters (bidi
// embeddings, overrides and isolates: U+202E turns "exe.pdf" into "fdp.exe";
// zero-width characters; soft hyphens; tags), line and paragraph separators,
// and whatever Unicode says may be ignored when shown (Hangul fillers and the like).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

function codePointLabel(ch: string): string {
  return `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** A file name as shown to the person: every hidden character made visible. */
export function visibleFileName(name: string | null): string {
  if (!name) return 'Unnamed attachment';
  return name.replace(INVISIBLE, codePointLabel);
}

/** A file name safe to hand to the browser's download: no hidden characters, no path. */
export function downloadFileName(name: string | null, fallback = 'attachment'): string {
  const cleaned = (name ?? '')
    .replace(INVISIBLE, '')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 180);
  return cleaned || fallback;
}
