const UNITS = ['B', 'KB', 'MB', 'GB'];

export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

const sameDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const sameYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const older = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** Compact date for a list row: time today, day and month this year, else with year. */
export function formatListDate(ms: number | null, now = Date.now()): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const n = new Date(now);
  if (d.toDateString() === n.toDateString()) return sameDay.format(d);
  if (d.getFullYear() === n.getFullYear()) return sameYear.format(d);
  return older.format(d);
}

export function formatFullDate(value: string | number | null): string {
  if (value === null) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : full.format(d);
}
