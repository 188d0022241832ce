import type { Summary } from '../../../shared/api/index.ts';
import { rowId, type RowId } from './row-id.ts';

/** A list row: the summary plus what sorting and filtering need, computed once. */
export interface Row {
  /** Account and key together: keys are unique only within one account. */
  id: RowId;
  account: string;
  key: string;
  index: number;
  sender: string;
  senderAddress: string;
  subject: string;
  dateMs: number | null;
  size: number;
  hasAttachment: boolean;
  seen: boolean;
  /** Lower-cased sender and subject, for the filter box. */
  haystack: string;
  senderSort: string;
  subjectSort: string;
}

export type SortKey = 'date' | 'sender' | 'subject' | 'size';

export function toRow(s: Summary, account: string): Row {
  const sender = s.from ? s.from.name || s.from.address : '';
  const parsed = s.date ? Date.parse(s.date) : NaN;
  const subjectSort = s.subject.toLowerCase().replace(/^((re|fwd?|aw|wg)\s*:\s*)+/i, '');
  return {
    id: rowId(account, s.key),
    account,
    key: s.key,
    index: s.index,
    sender,
    senderAddress: s.from?.address ?? '',
    subject: s.subject,
    dateMs: Number.isNaN(parsed) ? null : parsed,
    size: s.size,
    hasAttachment: s.hasAttachment,
    seen: s.seen,
    haystack: `${sender}\n${s.from?.address ?? ''}\n${s.subject}`.toLowerCase(),
    senderSort: sender.toLowerCase(),
    subjectSort,
  };
}

// Plain comparisons on precomputed keys: localeCompare over 50,000 rows is
// too slow to re-run on every batch. Ties fall back to the server's order
// (index 0 = newest), so equal rows never jump around; rows of different
// accounts that tie go by account order (the primary first).
function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function comparator(
  key: SortKey,
  descending: boolean,
  accountRank: (account: string) => number = () => 0,
): (a: Row, b: Row) => number {
  const dir = descending ? -1 : 1;
  const byIndex = (a: Row, b: Row) => accountRank(a.account) - accountRank(b.account) || a.index - b.index;
  switch (key) {
    case 'date':
      return (a, b) =>
        dir * ((a.dateMs ?? 0) - (b.dateMs ?? 0)) ||
        accountRank(a.account) - accountRank(b.account) ||
        dir * (b.index - a.index);
    case 'size':
      return (a, b) => dir * (a.size - b.size) || byIndex(a, b);
    case 'sender':
      return (a, b) => dir * cmpStr(a.senderSort, b.senderSort) || byIndex(a, b);
    case 'subject':
      return (a, b) => dir * cmpStr(a.subjectSort, b.subjectSort) || byIndex(a, b);
  }
}
