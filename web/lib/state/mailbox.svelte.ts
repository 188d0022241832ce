import type { ServerEvent, Summary } from '../../../shared/api/index.ts';
import { rowId, type RowId } from './row-id.ts';
import { comparator, toRow, type Row, type SortKey } from './rows.ts';

export interface SyncProgress {
  phase: 'queued' | 'connecting' | 'listing' | 'summaries' | 'done';
  loaded: number;
  total: number;
  queuePosition?: number;
  /** Queued: the longest the wait for a free connection can take. */
  waitAtMostSeconds?: number;
}

// Batches arriving faster than this are merged, so 50,000 summaries cost a
// few dozen list rebuilds rather than hundreds.
const FLUSH_INTERVAL_MS = 150;

/**
 * The mailbox list of every account: rows by (account, key), the view over
 * them (all accounts merged, or one), selection and deletes. Events are
 * applied per account, so one account's sync never touches another's rows.
 */
export class MailboxState {
  #byId = new Map<RowId, Row>();
  #incoming: Row[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Per account: the keys of its running sync, and the total it announced. */
  #syncs = new Map<string, { keys: Set<string>; total: number }>();
  #loaded = new Set<string>();
  /** Rows deleted and committed this session: never shown again. */
  #gone = new Set<RowId>();

  rows = $state.raw<Row[]>([]);
  /** Account tags in the person's order, the primary first: ties on date go by it. */
  order = $state.raw<string[]>([]);
  /** The account whose rows alone are shown; null shows every account merged. */
  view = $state<string | null>(null);
  sortKey = $state<SortKey>('date');
  descending = $state(true);
  filter = $state('');
  /** Rows waiting for the server to commit their deletion; hidden, undoable. */
  pendingDelete = $state.raw<ReadonlySet<RowId>>(new Set());
  selected = $state.raw<ReadonlySet<RowId>>(new Set());
  activeId = $state<RowId | null>(null);
  progressOf = $state.raw<Readonly<Record<string, SyncProgress>>>({});
  newMailOf = $state.raw<Readonly<Record<string, number>>>({});
  loadedOnce = $state(false);

  sorted = $derived.by(() => {
    const rank = new Map(this.order.map((a, i) => [a, i]));
    const accountRank = (a: string) => rank.get(a) ?? rank.size;
    return [...this.rows].sort(comparator(this.sortKey, this.descending, accountRank));
  });

  visible = $derived.by(() => {
    const needle = this.filter.trim().toLowerCase();
    const pending = this.pendingDelete;
    const view = this.view;
    return this.sorted.filter(
      (r) => (view === null || r.account === view) && !pending.has(r.id) && (!needle || r.haystack.includes(needle)),
    );
  });

  activeIndex = $derived(this.activeId === null ? -1 : this.visible.findIndex((r) => r.id === this.activeId));

  unread = $derived(this.rows.reduce((n, r) => (r.seen || (this.view !== null && r.account !== this.view) ? n : n + 1), 0));

  newMail = $derived(Object.values(this.newMailOf).reduce((n, c) => n + c, 0));

  /** The sync shown in the status line: the one account's, when a single account is in view. */
  progress = $derived.by(() => {
    const account = this.view ?? (this.order.length <= 1 ? this.order[0] : undefined);
    return account === undefined ? null : (this.progressOf[account] ?? null);
  });

  row(id: RowId): Row | undefined {
    return this.#byId.get(id);
  }

  /** Applies one mailbox event of `account`; state changes, nothing is returned. */
  apply(event: ServerEvent, account: string): void {
    const ids = (keys: string[]) => keys.map((k) => rowId(account, k));
    switch (event.type) {
      case 'syncStarted':
        this.#syncs.set(account, { keys: new Set(), total: event.total });
        this.#setProgress(account, { phase: 'summaries', loaded: 0, total: event.total });
        break;
      case 'syncProgress': {
        const { phase, loaded, total, queuePosition, waitAtMostSeconds } = event;
        this.#setProgress(account, {
          phase, loaded, total,
          ...(queuePosition ? { queuePosition } : {}),
          ...(waitAtMostSeconds !== undefined ? { waitAtMostSeconds } : {}),
        });
        break;
      }
      case 'summaries':
        this.#receive(account, event.items);
        break;
      case 'syncDone': {
        this.#flush();
        const sync = this.#syncs.get(account);
        // A complete listing is the truth for its account: whatever it lacks is gone.
        if (sync && sync.keys.size >= event.total) this.#drop((r) => r.account === account && !sync.keys.has(r.key));
        this.#syncs.delete(account);
        this.#setProgress(account, { phase: 'done', loaded: event.total, total: event.total });
        this.#loaded.add(account);
        this.loadedOnce = true;
        this.#setNewMail(account, 0);
        break;
      }
      case 'syncFailed':
        this.#flush();
        this.#setProgress(account, null);
        break;
      case 'removed':
      case 'deletionCommitted':
        this.#forget(ids(event.keys));
        break;
      case 'newMail':
        this.#setNewMail(account, event.count);
        break;
      case 'seenChanged':
        this.setSeen(ids(event.keys), event.seen);
        break;
      case 'deletionPending': {
        // The full pending set of this account; other accounts' pending rows stay.
        const next = new Set([...this.pendingDelete].filter((id) => !id.startsWith(`${account}:`)));
        for (const id of ids(event.keys)) if (!this.#gone.has(id)) next.add(id);
        this.pendingDelete = next;
        break;
      }
      case 'deletionFailed':
        this.unhide(ids(event.keys));
        break;
      default:
        break;
    }
  }

  /** Hides rows at once when the person deletes; the server confirms later. */
  hide(ids: RowId[]): void {
    const next = new Set(this.pendingDelete);
    for (const id of ids) next.add(id);
    this.pendingDelete = next;
    if (this.selected.size) this.selected = new Set([...this.selected].filter((id) => !next.has(id)));
  }

  unhide(ids: RowId[]): void {
    const next = new Set(this.pendingDelete);
    for (const id of ids) next.delete(id);
    this.pendingDelete = next;
  }

  setSeen(ids: RowId[], seen: boolean): void {
    let changed = false;
    for (const id of ids) {
      const row = this.#byId.get(id);
      if (row && row.seen !== seen) {
        this.#byId.set(id, { ...row, seen });
        changed = true;
      }
    }
    if (changed) this.rows = [...this.#byId.values()];
  }

  clearNewMail(account?: string): void {
    if (account === undefined) this.newMailOf = {};
    else this.#setNewMail(account, 0);
  }

  toggleSelected(id: RowId): void {
    const next = new Set(this.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.selected = next;
  }

  clearSelection(): void {
    if (this.selected.size) this.selected = new Set();
  }

  /** Shows one account's rows (or all with null); the selection does not carry over. */
  setView(account: string | null): void {
    this.view = account;
    this.clearSelection();
    this.activeId = null;
  }

  /** Moves the cursor by `delta` visible rows, clamped to the list. */
  move(delta: number): void {
    const list = this.visible;
    if (!list.length) return;
    const from = this.activeIndex < 0 ? (delta > 0 ? -1 : list.length) : this.activeIndex;
    const to = Math.max(0, Math.min(list.length - 1, from + delta));
    this.activeId = list[to]?.id ?? null;
  }

  setSort(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      // Newest and largest first; names from A.
      this.descending = key === 'date' || key === 'size';
    }
  }

  /** Drops every row and the state of an account that was removed. */
  forgetAccount(account: string): void {
    this.#flush();
    this.#drop((r) => r.account === account);
    this.#syncs.delete(account);
    this.#setProgress(account, null);
    this.#setNewMail(account, 0);
    if (this.view === account) this.setView(null);
  }

  reset(): void {
    this.#byId.clear();
    this.#incoming = [];
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#syncs.clear();
    this.#loaded.clear();
    this.#gone.clear();
    this.rows = [];
    this.order = [];
    this.view = null;
    this.pendingDelete = new Set();
    this.selected = new Set();
    this.activeId = null;
    this.progressOf = {};
    this.newMailOf = {};
    this.loadedOnce = false;
    this.filter = '';
  }

  #receive(account: string, items: Summary[]): void {
    const sync = this.#syncs.get(account);
    for (const s of items) {
      this.#incoming.push(toRow(s, account));
      sync?.keys.add(s.key);
    }
    // An account's first batch shows at once; later ones are coalesced.
    if (!this.#loaded.has(account)) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_INTERVAL_MS);
  }

  #flush(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    if (!this.#incoming.length) return;
    for (const row of this.#incoming.splice(0)) {
      if (!this.#gone.has(row.id)) this.#byId.set(row.id, row);
    }
    this.rows = [...this.#byId.values()];
    let progress: Record<string, SyncProgress> | null = null;
    for (const [account, sync] of this.#syncs) {
      const p = this.progressOf[account];
      if (!p) continue;
      progress ??= { ...this.progressOf };
      progress[account] = { ...p, phase: 'summaries', loaded: sync.keys.size, total: Math.max(sync.total, p.total) };
    }
    if (progress) this.progressOf = progress;
  }

  #forget(ids: RowId[]): void {
    for (const id of ids) this.#gone.add(id);
    this.#drop((r) => this.#gone.has(r.id));
    this.unhide(ids);
  }

  #drop(predicate: (row: Row) => boolean): void {
    let changed = false;
    for (const [id, row] of this.#byId) {
      if (predicate(row)) {
        this.#byId.delete(id);
        changed = true;
      }
    }
    if (changed) this.rows = [...this.#byId.values()];
  }

  #setProgress(account: string, progress: SyncProgress | null): void {
    const next = { ...this.progressOf };
    if (progress) next[account] = progress;
    else delete next[account];
    this.progressOf = next;
  }

  #setNewMail(account: string, count: number): void {
    if ((this.newMailOf[account] ?? 0) === count) return;
    this.newMailOf = { ...this.newMailOf, [account]: count };
  }
}
