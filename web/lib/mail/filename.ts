// Characters that reorder or hide text: bidi embeddings, overrides and
// isolates (U+202E turns "exe.pdf" into "fdp.exe"), marks, zero-width
// characters and C0/C1 controls.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;

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
