/** Statistics and the printed table: medians of runs, ratios within one run. */

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface Row {
  item: string;
  what: string;
  /** Samples in ms (or a derived figure), one per run. */
  L?: number[];
  P?: number[];
  P2?: number[];
  /** Python's poplib. */
  Pp?: number[];
  B: number[];
  /** Peak RSS of the server during the item, bytes (max over runs). */
  peak?: number;
  /** Free text: target and whether it was met. */
  target: string;
  met: boolean | null;
  note?: string;
}

const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
const ratio = (a: number, b: number | undefined) => (b === undefined || Number.isNaN(b) || b === 0 ? '-' : (a / b).toFixed(2));
const mb = (x: number | undefined) => (x === undefined ? '-' : `${Math.round(x / 1048576)} MB`);

export function renderTable(rows: Row[]): string {
  const header = ['item', 'what', 'L (limit)', 'P node-pop3', 'P poplib', 'P mpop', 'B Popbridge', 'B/L', 'B/P (node-pop3 / poplib / mpop)', 'server peak', 'target', 'met'];
  const lines = rows.map((r) => {
    const L = r.L ? median(r.L) : undefined;
    const P = r.P ? median(r.P) : undefined;
    const P2 = r.P2 ? median(r.P2) : undefined;
    const Pp = r.Pp ? median(r.Pp) : undefined;
    const B = median(r.B);
    const bp = [P, Pp, P2].map((x) => ratio(B, x)).join(' / ');
    return [r.item, r.what, ms(L), ms(P), ms(Pp), ms(P2), ms(B), ratio(B, L), bp, mb(r.peak), r.target, r.met === null ? '-' : r.met ? 'yes' : 'NO'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)];
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.item}: ${r.note}`);
  return out.join('\n') + (notes.length ? '\n\n' + notes.join('\n') : '');
}
