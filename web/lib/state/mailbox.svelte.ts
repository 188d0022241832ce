import type { ServerEvent, Summary } from '../../../shared/api/index.ts';
import { comparator, toRow, type Row, type SortKey } from './rows.ts';

export interface SyncProgress {
  phase: 'queued' | 'connecting' | 'listing' | 'summaries' | 'done';
  loaded: number;
  total: number;
  queuePosition?: number;
  waitAtMostSeconds?: number;
}

// Batches arriving faster than this are merged, so 50,000 summaries cost a
// few dozen list rebuilds rather than hundreds.
const FLUSH_INTERVAL_MS = 150;

/** The mailbox list: rows by key, the view over them, selection and deletes. */
export class MailboxState {
  #byKey = new Map<string, Row>();
  #incoming: Summary[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #syncKeys: Set<string> | null = null;
  #syncTotal = 0;
  /** Keys deleted and committed this session: never shown again. */
  #gone = new Set<string>();

  rows = $state.raw<Row[]>([]);
  sortKey = $state<SortKey>('date');
  descending = $state(true);
  filter = $state('');
  /** Keys waiting for the server to commit their deletion; hidden, undoable. */
  pendingDelete = $state.raw<ReadonlySet<string>>(new Set());
  selected = $state.raw<ReadonlySet<string>>(new Set());
  activeKey = $state<string | null>(null);
  progress = $state<SyncProgress | null>(null);
  newMail = $state(0);
  loadedOnce = $state(false);

  sorted = $derived.by(() => [...this.rows].sort(comparator(this.sortKey, this.descending)));

  visible = $derived.by(() => {
    const needle = this.filter.trim().toLowerCase();
    const pending = this.pendingDelete;
    return this.sorted.filter((r) => !pending.has(r.key) && (!needle || r.haystack.includes(needle)));
  });

  activeIndex = $derived(this.activeKey === null ? -1 : this.visible.findIndex((r) => r.key === this.activeKey));

  unread = $derived(this.rows.reduce((n, r) => (r.seen ? n : n + 1), 0));

  row(key: string): Row | undefined {
    return this.#byKey.get(key);
  }

  /** Applies the mailbox events of the socket; returns nothing, state changes. */
  apply(event: ServerEvent): void {
    switch (event.type) {
      case 'syncStarted':
        this.#syncKeys = new Set();
        this.#syncTotal = event.total;
        this.progress = { phase: 'summaries', loaded: 0, total: event.total };
        break;
      case 'syncProgress':
        this.progress = {
          phase: event.phase,
          loaded: event.loaded,
          total: event.total,
          ...(event.queuePosition ? { queuePosition: event.queuePosition } : {}),
          ...(event.waitAtMostSeconds !== undefined ? { waitAtMostSeconds: event.waitAtMostSeconds } : {}),
        };
        break;
      case 'summaries':
        this.#incoming.push(...event.items);
        for (const s of event.items) this.#syncKeys?.add(s.key);
        // The first batch shows at once; later ones are coalesced.
        if (!this.loadedOnce) this.#flush();
        else this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_INTERVAL_MS);
        break;
      case 'syncDone':
        this.#flush();
        // A complete listing is the truth: whatever it lacks is gone.
        if (this.#syncKeys && this.#syncKeys.size >= event.total) this.#drop((k) => !this.#syncKeys!.has(k));
        this.#syncKeys = null;
        this.progress = { phase: 'done', loaded: event.total, total: event.total };
        this.loadedOnce = true;
        this.newMail = 0;
        break;
      case 'syncFailed':
        this.#flush();
        this.progress = null;
        break;
      case 'removed':
        this.#forget(event.keys);
        break;
      case 'newMail':
        this.newMail = event.count;
        break;
      case 'seenChanged':
        this.#setSeen(event.keys, event.seen);
        break;
      case 'deletionPending':
        this.pendingDelete = new Set(event.keys.filter((k) => !this.#gone.has(k)));
        break;
      case 'deletionCommitted':
        this.#forget(event.keys);
        break;
      case 'deletionFailed':
        this.#unhide(event.keys);
        break;
      default:
        break;
    }
  }

  /** Hides keys at once when the person deletes; the server confirms later. */
  hide(keys: string[]): void {
    const next = new Set(this.pendingDelete);
    for (const k of keys) next.add(k);
    this.pendingDelete = next;
    if (this.selected.size) this.selected = new Set([...this.selected].filter((k) => !next.has(k)));
  }

  #unhide(keys: string[]): void {
    const next = new Set(this.pendingDelete);
    for (const k of keys) next.delete(k);
    this.pendingDelete = next;
  }

  unhide(keys: string[]): void {
    this.#unhide(keys);
  }

  setSeen(keys: string[], seen: boolean): void {
    this.#setSeen(keys, seen);
  }

  toggleSelected(key: string): void {
    const next = new Set(this.selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    this.selected = next;
  }

  clearSelection(): void {
    if (this.selected.size) this.selected = new Set();
  }

  /** Moves the cursor by `delta` visible rows, clamped to the list. */
  move(delta: number): void {
    const list = this.visible;
    if (!list.length) return;
    const from = this.activeIndex < 0 ? (delta > 0 ? -1 : list.length) : this.activeIndex;
    const to = Math.max(0, Math.min(list.length - 1, from + delta));
    this.activeKey = list[to]?.key ?? null;
  }

  setSort(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      // Newest and largest first; names from A.
      this.descending = key === 'date' || key === 'size';
    }
  }

  reset(): void {
    this.#byKey.clear();
    this.#incoming = [];
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#syncKeys = null;
    this.#gone.clear();
    this.rows = [];
    this.pendingDelete = new Set();
    this.selected = new Set();
    this.activeKey = null;
    this.progress = null;
    this.newMail = 0;
    this.loadedOnce = false;
    this.filter = '';
  }

  #flush(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    if (!this.#incoming.length) return;
    for (const s of this.#incoming.splice(0)) {
      if (!this.#gone.has(s.key)) this.#byKey.set(s.key, toRow(s));
    }
    this.rows = [...this.#byKey.values()];
    if (this.progress && this.#syncKeys) {
      this.progress = { ...this.progress, phase: 'summaries', loaded: this.#syncKeys.size, total: Math.max(this.#syncTotal, this.progress.total) };
    }
  }

  #forget(keys: string[]): void {
    for (const k of keys) this.#gone.add(k);
    this.#drop((k) => this.#gone.has(k));
    this.#unhide(keys);
  }

  #drop(predicate: (key: string) => boolean): void {
    let changed = false;
    for (const k of [...this.#byKey.keys()]) {
      if (predicate(k)) {
        this.#byKey.delete(k);
        changed = true;
      }
    }
    if (changed) this.rows = [...this.#byKey.values()];
  }

  #setSeen(keys: string[], seen: boolean): void {
    let changed = false;
    for (const k of keys) {
      const row = this.#byKey.get(k);
      if (row && row.seen !== seen) {
        this.#byKey.set(k, { ...row, seen });
        changed = true;
      }
    }
    if (changed) this.rows = [...this.#byKey.values()];
  }
}
