import type { BenchBrowser } from './popbridge.ts';

/**
 * The unified inbox as the browser builds it: every account syncs as soon
 * as the `accounts` event says it is ready, and the newest-first first 50
 * rows of all accounts together are known only once each account's own
 * newest 50 (rows 0..49, or all it has) have arrived.
 */

export interface AccountTiming {
  /** ms from t0: first seen `ready`, syncStarted, its newest 50 known, syncDone. */
  ready: number;
  started: number;
  first50: number;
  all: number;
  total: number;
  rows: number;
}

export interface UnifiedTiming {
  /** ms from t0 until every account's newest 50 are known. */
  first50: number;
  /** ms from t0 until every account's syncDone. */
  all: number;
  accounts: Map<string, AccountTiming>;
}

interface Progress extends AccountTiming { requested: boolean; indexes: Set<number>; top: number }

/**
 * Listens from now on (call before openTab, so the first `accounts` event is
 * seen) and resolves when `expected` accounts have all finished.
 */
export function unifiedSync(browser: BenchBrowser, t0: number, expected: number, timeoutMs = 300_000): Promise<UnifiedTiming> {
  const progress = new Map<string, Progress>();
  let first50 = -1;
  const now = () => performance.now() - t0;
  const of = (tag: string): Progress => {
    let p = progress.get(tag);
    if (!p) {
      p = { ready: -1, started: -1, first50: -1, all: -1, total: -1, rows: 0, requested: false, indexes: new Set(), top: 0 };
      progress.set(tag, p);
    }
    return p;
  };
  const every = (done: (p: Progress) => boolean) => progress.size === expected && [...progress.values()].every(done);
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => { clearTimeout(timer); off(); reject(e); };
    const timer = setTimeout(() => fail(new Error(`BENCH_SYNC_TIMEOUT: not all ${expected} accounts done in ${timeoutMs} ms`)), timeoutMs);
    const off = browser.on((m) => {
      if (m.type === 'accounts') {
        if (m.items.length !== expected) return fail(new Error(`BENCH_CHECK: ${m.items.length} accounts, expected ${expected}`));
        for (const a of m.items) {
          if (a.state === 'needsPassword' || a.state === 'error') return fail(new Error(`BENCH_ACCOUNT: ${a.username} ${a.state} ${a.error?.code ?? ''}`));
          const p = of(a.account);
          if (a.state !== 'ready' || p.requested) continue;
          p.ready = now();
          p.requested = true;
          browser.requestSync(a.account);
        }
      } else if (m.type === 'syncStarted') {
        const p = of(m.account);
        p.started = now();
        p.total = m.total;
      } else if (m.type === 'summaries') {
        const p = of(m.account);
        for (const s of m.items) p.indexes.add(s.index);
        p.rows = p.indexes.size;
        while (p.indexes.has(p.top)) p.top++;
        if (p.first50 < 0 && p.total >= 0 && p.top >= Math.min(50, p.total)) p.first50 = now();
        if (first50 < 0 && every((q) => q.first50 >= 0)) first50 = now();
      } else if (m.type === 'syncDone') {
        const p = of(m.account);
        p.all = now();
        p.total = m.total;
        if (p.first50 < 0) p.first50 = p.all;
        if (first50 < 0 && every((q) => q.first50 >= 0)) first50 = now();
        if (every((q) => q.all >= 0)) {
          clearTimeout(timer);
          off();
          const accounts = new Map([...progress].map(([tag, { requested: _r, indexes: _i, top: _t, ...t }]) => [tag, t]));
          resolve({ first50, all: now(), accounts });
        }
      } else if (m.type === 'syncFailed') {
        fail(new Error(`BENCH_SYNC_FAILED: ${m.account} ${m.error.code}`));
      } else if (m.type === 'reply' && m.error) {
        fail(new Error(`BENCH_SYNC_REFUSED: ${m.error.code}`));
      }
    });
  });
}
