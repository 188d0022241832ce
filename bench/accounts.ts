import { scrypt } from 'node:crypto';
import { BIG_COUNT, type BenchUser } from './mailboxes.ts';
import { BENCH_SERVER, BenchBrowser, startBridgeServer, visit, type BridgeServer } from './popbridge.ts';
import { rawListing, type RawEndpoint } from './raw-client.ts';
import { median, type Row } from './table.ts';
import { unifiedSync, type UnifiedTiming } from './unified.ts';

/**
 * W8: five accounts (a primary and four added) of 10,000 messages each, on a
 * return visit: everything cached, timed from POST /api/session until the
 * unified inbox's first 50 rows are known and until every account is done.
 * Compared with L (one account's raw POP3 listing) and with Popbridge's
 * return visit of one account alone, measured in the same run.
 */

export interface AccountsSamples {
  /** L: raw TOP of the newest 50 / the full listing, one account. */
  Lfirst: number[];
  Lall: number[];
  /** The same for all five accounts at once: what Dovecot and TLS alone need on this machine. */
  L5first: number[];
  L5all: number[];
  /** LIST and UIDL alone (what a cached return visit must still ask), one account and all five at once. */
  Lids: number[];
  L5ids: number[];
  /** B, one account alone (cached): its first 50 and syncDone. */
  singleFirst: number[];
  single: number[];
  /** B, five accounts (cached): the unified first 50 and every syncDone. */
  first50: number[];
  all: number[];
  /** The vault key derivation alone (scrypt as server/accounts/vault.ts runs it), in the bench process. */
  scrypt: number[];
  peak: number;
}

export const newAccountsSamples = (): AccountsSamples =>
  ({ Lfirst: [], Lall: [], L5first: [], L5all: [], Lids: [], L5ids: [], singleFirst: [], single: [], first50: [], all: [], scrypt: [], peak: 0 });

/** One configured server entry per account, all for the same Dovecot: each has its own connection cap, as five providers would. */
export const serverIds = (count: number): string[] => Array.from({ length: count }, (_, i) => (i === 0 ? BENCH_SERVER : `${BENCH_SERVER}-${i + 1}`));

function scryptMs(): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    scrypt('bench password', Buffer.alloc(16, 1), 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err) => {
      if (err) reject(err); else resolve(performance.now() - t0);
    });
  });
}

/** Dovecot builds each maildrop's index and uidlist on its first open: not any client's time. */
export async function warmAccounts(direct: RawEndpoint, users: BenchUser[]): Promise<void> {
  await Promise.all(users.map((u) => rawListing({ endpoint: direct, ...u, tops: 0 })));
}

/** The primary signs in, its added accounts come back: until all of them are listed. */
async function fiveVisit(url: string, users: BenchUser[]): Promise<{ browser: BenchBrowser; timing: UnifiedTiming; signedIn: number; tabOpen: number }> {
  const t0 = performance.now();
  const browser = new BenchBrowser(url);
  await browser.signIn(users[0]!.username, users[0]!.password);
  const signedIn = performance.now() - t0;
  const done = unifiedSync(browser, t0, users.length);
  await browser.openTab();
  const tabOpen = performance.now() - t0;
  const timing = await done;
  for (const [tag, a] of timing.accounts) {
    if (a.total !== BIG_COUNT || a.rows !== BIG_COUNT) throw new Error(`BENCH_CHECK: account ${tag} listed ${a.rows} of ${a.total}`);
  }
  return { browser, timing, signedIn, tabOpen };
}

function describe(v: Awaited<ReturnType<typeof fiveVisit>>): string {
  const r = Math.round;
  const each = [...v.timing.accounts.values()].map((a, i) => `#${i + 1} ready ${r(a.ready)} started ${r(a.started)} first50 ${r(a.first50)} done ${r(a.all)}`);
  return `signedIn ${r(v.signedIn)}, tabOpen ${r(v.tabOpen)}; ${each.join('; ')}; unified first50 ${r(v.timing.first50)}, all ${r(v.timing.all)} ms; ` +
    `client parsing frames ${r(v.browser.parseMs)} ms`;
}

export async function accountsRun(o: {
  pop3Port: number; caPem: string; maxConnections: number; direct: RawEndpoint;
  users: BenchUser[]; single: BenchUser; warmUser: BenchUser | undefined; run: number;
  stops: Array<() => Promise<void>>; log: (s: string) => void;
}, s: AccountsSamples): Promise<void> {
  const { users, single, log } = o;
  s.Lfirst.push((await timed(() => rawListing({ endpoint: o.direct, ...single, tops: 50 }))));
  s.Lall.push((await timed(() => rawListing({ endpoint: o.direct, ...single }))));
  s.L5first.push((await timed(() => Promise.all(users.map((u) => rawListing({ endpoint: o.direct, ...u, tops: 50 }))))));
  s.L5all.push((await timed(() => Promise.all(users.map((u) => rawListing({ endpoint: o.direct, ...u }))))));
  s.Lids.push((await timed(() => rawListing({ endpoint: o.direct, ...single, tops: 0 }))));
  s.L5ids.push((await timed(() => Promise.all(users.map((u) => rawListing({ endpoint: o.direct, ...u, tops: 0 }))))));
  s.scrypt.push(await scryptMs());
  const ids = serverIds(users.length);
  const server = await startBridgeServer({ pop3Port: o.pop3Port, caPem: o.caPem, maxConnections: o.maxConnections, serverIds: ids });
  const stop = () => server.stop();
  o.stops.push(stop);
  try {
    await setUp(server, o.warmUser, single, users, ids, log);
    // Alternated, so neither always runs on the machine the other just warmed.
    const order = o.run % 2 === 0 ? ['single', 'five'] : ['five', 'single'];
    for (const which of order) {
      if (which === 'single') {
        const v = await visit(server.url, single);
        if (v.timing.summaries.size !== BIG_COUNT) throw new Error(`BENCH_CHECK: single listed ${v.timing.summaries.size}`);
        s.singleFirst.push(v.timing.first50);
        s.single.push(v.timing.all);
        log(`W8 one account (cached): ${Object.entries(v.timing.phases).map(([k, x]) => `${k} ${Math.round(x)}`).join(', ')}, ` +
          `first50 ${Math.round(v.timing.first50)}, all ${Math.round(v.timing.all)} ms; client parsing frames ${Math.round(v.browser.parseMs)} ms`);
        await v.browser.signOut();
      } else {
        await server.resetPeak();
        const v = await fiveVisit(server.url, users);
        s.first50.push(v.timing.first50);
        s.all.push(v.timing.all);
        s.peak = Math.max(s.peak, await server.peak());
        log(`W8 five accounts (cached): ${describe(v)}`);
        await v.browser.signOut();
      }
    }
  } finally {
    o.stops.splice(o.stops.indexOf(stop), 1);
    await server.stop();
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Not timed: V8 warmed on another mailbox, then every cache filled (one account alone; the five with the four added). */
async function setUp(server: BridgeServer, warmUser: BenchUser | undefined, single: BenchUser, users: BenchUser[], ids: string[], log: (s: string) => void): Promise<void> {
  if (warmUser) await (await visit(server.url, warmUser)).browser.signOut();
  await (await visit(server.url, single)).browser.signOut();
  const t0 = performance.now();
  const browser = new BenchBrowser(server.url);
  await browser.signIn(users[0]!.username, users[0]!.password);
  for (const [i, u] of users.entries()) if (i > 0) await browser.addAccount(ids[i]!, u.username, u.password);
  const done = unifiedSync(browser, t0, users.length);
  await browser.openTab();
  const cold = await done;
  log(`W8 set-up: ${users.length} accounts added and listed cold in ${Math.round(cold.all)} ms`);
  await browser.signOut();
}

export function accountsRows(s: AccountsSamples): Row[] {
  const first = median(s.first50);
  const ratio = median(s.all) / median(s.single);
  const n = s.all.length;
  return [
    { item: 'W8', what: 'one account of 10,000, return visit', L: s.Lall, B: s.single, target: '(the reference below)', met: null,
      note: `one account alone, cached: first 50 in ${Math.round(median(s.singleFirst))} ms (L for 50: ${Math.round(median(s.Lfirst))} ms), all in ${Math.round(median(s.single))} ms. ` +
        `LIST + UIDL alone (the least a return visit asks): ${Math.round(median(s.Lids))} ms for one, ${Math.round(median(s.L5ids))} ms for all five at once.` },
    { item: 'W8', what: 'first 50 of 5 x 10,000, return visit', L: s.Lfirst, B: s.first50, peak: s.peak, target: '< 300 ms first 50', met: first < 300,
      note: `unified first 50 rows: every account's newest 50 known; L is one account's raw TOP of 50 ` +
        `(all five at once: ${Math.round(median(s.L5first))} ms). ` +
        `The vault key derivation (scrypt N=2^15, r=8) alone took ${Math.round(median(s.scrypt))} ms here (median of ${s.scrypt.length}).` },
    { item: 'W8', what: 'all of 5 x 10,000, return visit', L: s.Lall, B: s.all, peak: s.peak, target: 'all <= slowest alone', met: ratio <= 1,
      note: `all five / one alone = ${ratio.toFixed(2)} (medians of ${n} runs); L is one account's raw full listing ` +
        `(all five at once: ${Math.round(median(s.L5all))} ms, ${(median(s.L5all) / median(s.Lall)).toFixed(2)} x one).` },
  ];
}
