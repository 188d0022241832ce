import { startDelayProxy } from './delay-proxy.ts';
import { ACCOUNT_COUNT, BIG, BIG_COUNT, ensureDovecot, LARGE, LARGE_SIZE, NEW_MAIL, startBenchMail, type BenchMail } from './mailboxes.ts';
import { hasMpop, hasPython, mpopRetrieveAll, nodePop3Listing, nodePop3Retr, PeerStalled, poplib, type PeerEndpoint } from './peers.ts';
import { BenchBrowser, startBridgeServer, visit, type BridgeServer } from './popbridge.ts';
import { RawPop3, rawListing, rawUids, type RawEndpoint } from './raw-client.ts';
import { median, renderTable, type Row } from './table.ts';
import { browserFigure } from './browser.ts';
import { machine, runCommand } from './machine.ts';
import { sendRow, sendRun, type SendSamples } from './send.ts';
import { crowdRow, crowdRun, newCrowdSamples } from './crowd.ts';
import { accountsRows, accountsRun, newAccountsSamples, warmAccounts } from './accounts.ts';

/**
 * `npm run bench`: one private Dovecot, generated maildrops, and for each
 * work item the limit L, the peers P and Popbridge B measured in the same run,
 * interleaved run by run so that all three see the same machine.
 *
 * Environment: BENCH_RUNS (default 5), BENCH_CROWD (W5 users, default 50),
 * BENCH_MAX_CONNECTIONS (Popbridge's per-server POP3 cap, default 4 as shipped),
 * BENCH_W6_PEER (node-pop3 through the delay proxy: 1 = once, default 0; it
 * takes about two minutes), BENCH_BROWSER (0 skips the Chromium figure),
 * BENCH_ONLY (comma list of W1..W8, BROWSER).
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CROWD = Number(process.env.BENCH_CROWD ?? 50);
const MAX_CONNECTIONS = Number(process.env.BENCH_MAX_CONNECTIONS ?? 4);
const W6_PEER = process.env.BENCH_W6_PEER === '1';
const DELAY_MS = 5;
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim().toUpperCase())) : null;
const want = (item: string) => !ONLY || ONLY.has(item);

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 101) throw new Error('BENCH_RUNS: a whole number from 1 to 101');
  if (!Number.isInteger(CROWD) || CROWD < 1 || CROWD > 200) throw new Error('BENCH_CROWD: a whole number from 1 to 200');
  await ensureDovecot(runCommand);
  const started = Date.now();
  const mail = await startBenchMail({ crowdSize: CROWD, accounts: want('W8') ? ACCOUNT_COUNT : 0, log });
  const stops: Array<() => Promise<void>> = [() => mail.dovecot.stop()];
  const onSignal = () => { void Promise.allSettled(stops.map((s) => s())).then(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const rows = await measure(mail, stops);
    const env = await machine(mail);
    console.log(`\nPopbridge benchmark, ${new Date().toISOString().slice(0, 10)}: median of ${RUNS} runs, all traffic on loopback, POP3 over implicit TLS.`);
    console.log(`Machine: ${env}\n`);
    console.log(renderTable(rows));
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e) => log(`cleanup: ${(e as Error).message}`));
  }
}

async function measure(mail: BenchMail, stops: Array<() => Promise<void>>): Promise<Row[]> {
  const { dovecot } = mail;
  const direct: RawEndpoint = { host: '127.0.0.1', port: dovecot.tlsPort, tls: true, ca: dovecot.caPem };
  const peer: PeerEndpoint = { host: '127.0.0.1', port: dovecot.tlsPort, ca: dovecot.caPem };
  const mpop = await hasMpop();
  const python = await hasPython();
  const stalls: Record<string, string[]> = {};
  /** node-pop3 as users run it; a stalled attempt is recorded, not timed. */
  const nodePop3 = async (item: string, into: number[], fn: () => Promise<unknown>) => {
    try {
      into.push((await timed(fn)).ms);
    } catch (e) {
      if (!(e instanceof PeerStalled)) throw e;
      (stalls[item] ??= []).push(e.command);
      log(`${item}: ${e.message}`);
    }
  };
  const py = async (into: number[], fn: () => Promise<number>) => { if (python) into.push(await fn()); };

  // Warm-up: Dovecot builds its index and uidlist on a maildrop's first open,
  // and the page cache fills; neither belongs in any client's time.
  const warm = await timed(async () => {
    await rawListing({ endpoint: direct, ...BIG });
    for (let i = 0; i < mail.crowd.length; i += 10) {
      await Promise.all(mail.crowd.slice(i, i + 10).map((u) => rawListing({ endpoint: direct, ...u, tops: 0 })));
    }
    await rawListing({ endpoint: direct, ...LARGE });
    await warmAccounts(direct, mail.accounts);
  });
  log(`warm-up ${(warm.ms / 1000).toFixed(1)} s`);
  const knownBig = await rawUids(direct, BIG.username, BIG.password);

  const s = {
    w1: { L: [] as number[], P: [] as number[], Pp: [] as number[], B: [] as number[], peak: 0 },
    w2: { L: [] as number[], P: [] as number[], Pp: [] as number[], B: [] as number[], peak: 0 },
    w3: { L: [] as number[], P: [] as number[], Pp: [] as number[], B: [] as number[], peak: 0 },
    w4: { L: [] as number[], P: [] as number[], Pp: [] as number[], P2: [] as number[], B: [] as number[], peak: 0, growth: 0 },
    w5: newCrowdSamples(),
    w6: { L: [] as number[], P: [] as number[], Pp: [] as number[], B: [] as number[], peak: 0 },
    w7: { L: [], B: [], peak: 0, uploadGrowth: 0, growth: 0 } as SendSamples,
    w8: newAccountsSamples(),
  };

  const withServer = async <T>(pop3Port: number, fn: (server: BridgeServer) => Promise<T>): Promise<T> => {
    const server = await startBridgeServer({ pop3Port, caPem: dovecot.caPem, maxConnections: MAX_CONNECTIONS });
    const stop = () => server.stop();
    stops.push(stop);
    try {
      return await fn(server);
    } finally {
      stops.splice(stops.indexOf(stop), 1);
      await server.stop();
    }
  };

  /**
   * Like a production server, the one measured has served another mailbox
   * first, so V8 has compiled its hot paths; that first visit of a fresh
   * process is logged apart, not measured.
   */
  const warmUp = async (server: BridgeServer): Promise<void> => {
    const user = mail.crowd[0];
    if (!user) return;
    const warm = await visit(server.url, user);
    log(`B warm-up visit (${user.username}, ${warm.timing.total} messages, fresh process): ${Math.round(warm.timing.all)} ms`);
    await warm.browser.signOut();
  };

  for (let run = 0; run < RUNS; run++) {
    log(`run ${run + 1}/${RUNS}`);
    if (want('W1') || want('W2') || want('W3') || want('W4')) {
      if (want('W1')) {
        s.w1.L.push((await timed(() => rawListing({ endpoint: direct, ...BIG, tops: 50 }))).ms);
        await nodePop3('W1', s.w1.P, () => nodePop3Listing(peer, BIG, { tops: 50 }));
        await py(s.w1.Pp, () => poplib(peer, BIG, 'tops', { tops: 50 }));
      }
      if (want('W2')) {
        const l = await timed(() => rawListing({ endpoint: direct, ...BIG }));
        if (l.value.fetched !== BIG_COUNT) throw new Error(`BENCH_CHECK: L fetched ${l.value.fetched} headers`);
        s.w2.L.push(l.ms);
        await nodePop3('W2', s.w2.P, () => nodePop3Listing(peer, BIG));
        await py(s.w2.Pp, () => poplib(peer, BIG, 'all'));
      }
      await withServer(dovecot.tlsPort, async (server) => {
        // W1 + W2: a cold visit (this mailbox's cache empty) to a running server.
        await warmUp(server);
        await server.resetPeak();
        const first = await visit(server.url, BIG);
        if (first.timing.total !== BIG_COUNT || first.timing.summaries.size !== BIG_COUNT) {
          throw new Error(`BENCH_CHECK: B listed ${first.timing.summaries.size} of ${first.timing.total}`);
        }
        s.w1.B.push(first.timing.first50);
        log(`B cold visit: ${Object.entries({ ...first.timing.phases, first50: first.timing.first50, all: first.timing.all }).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')} ms`);
        s.w2.B.push(first.timing.all);
        const peak12 = await server.peak();
        s.w1.peak = Math.max(s.w1.peak, peak12);
        s.w2.peak = Math.max(s.w2.peak, peak12);
        await first.browser.signOut();

        if (want('W3')) {
          const removeNew = await mail.deliverNew(run);
          try {
            const l = await timed(() => rawListing({ endpoint: direct, ...BIG, known: knownBig }));
            if (l.value.fetched !== NEW_MAIL) throw new Error(`BENCH_CHECK: L found ${l.value.fetched} new messages`);
            s.w3.L.push(l.ms);
            await nodePop3('W3', s.w3.P, () => nodePop3Listing(peer, BIG, { known: knownBig }));
            await py(s.w3.Pp, () => poplib(peer, BIG, 'new', { known: knownBig }));
            await server.resetPeak();
            const second = await visit(server.url, BIG);
            if (second.timing.total !== BIG_COUNT + NEW_MAIL) throw new Error(`BENCH_CHECK: second visit listed ${second.timing.total}`);
            s.w3.B.push(second.timing.all);
            s.w3.peak = Math.max(s.w3.peak, await server.peak());
            await second.browser.signOut();
          } finally {
            await removeNew();
          }
        }

        if (want('W4')) {
          // L and P: RETR alone, on a connection already signed in (as Popbridge's is).
          const c = await RawPop3.connect(direct);
          await c.login(LARGE.username, LARGE.password);
          const l = await timed(() => c.pipeline(['RETR 1'], true));
          await c.quit();
          if (l.value[0]!.bytes !== LARGE_SIZE) throw new Error(`BENCH_CHECK: L got ${l.value[0]!.bytes} bytes`);
          s.w4.L.push(l.ms);
          await nodePop3Retr(peer, LARGE, 1).then((r) => s.w4.P.push(r.ms), (e) => {
            if (!(e instanceof PeerStalled)) throw e;
            (stalls.W4 ??= []).push(e.command);
          });
          await py(s.w4.Pp, () => poplib(peer, LARGE, 'retr'));
          if (mpop) s.w4.P2.push(await mpopRetrieveAll(peer, LARGE));
          const browser = new BenchBrowser(server.url);
          await browser.signIn(LARGE.username, LARGE.password);
          await browser.openTab();
          const listing = await browser.sync(performance.now());
          const key = [...listing.summaries.keys()][0]!;
          const before = await server.rss();
          await server.resetPeak();
          const b = await timed(() => browser.raw(key));
          if (b.value !== LARGE_SIZE) throw new Error(`BENCH_CHECK: B got ${b.value} bytes`);
          s.w4.B.push(b.ms);
          const peak = await server.peak();
          s.w4.peak = Math.max(s.w4.peak, peak);
          s.w4.growth = Math.max(s.w4.growth, peak - before);
          await browser.signOut();
        }
      });
    }

    if (want('W5')) {
      await crowdRun({ crowd: mail.crowd, direct, peer, nodePop3, withServer: (fn) => withServer(dovecot.tlsPort, fn), log }, s.w5);
    }

    if (want('W6')) {
      const proxy = await startDelayProxy({ host: '127.0.0.1', port: dovecot.tlsPort }, DELAY_MS);
      stops.push(proxy.close);
      try {
        const via: RawEndpoint = { ...direct, port: proxy.port };
        s.w6.L.push((await timed(() => rawListing({ endpoint: via, ...BIG }))).ms);
        if (W6_PEER && run === 0) {
          await nodePop3('W6', s.w6.P, () => nodePop3Listing({ ...peer, port: proxy.port }, BIG));
          await py(s.w6.Pp, () => poplib({ ...peer, port: proxy.port }, BIG, 'all'));
        }
        await withServer(proxy.port, async (server) => {
          await warmUp(server);
          await server.resetPeak();
          const v = await visit(server.url, BIG);
          if (v.timing.summaries.size !== BIG_COUNT) throw new Error('BENCH_CHECK: W6 short listing');
          s.w6.B.push(v.timing.all);
          s.w6.peak = Math.max(s.w6.peak, await server.peak());
          await v.browser.signOut();
        });
      } finally {
        stops.splice(stops.indexOf(proxy.close), 1);
        await proxy.close();
      }
    }

    if (want('W7') && mail.crowd[0]) {
      await sendRun({ pop3Port: dovecot.tlsPort, caPem: dovecot.caPem, maxConnections: MAX_CONNECTIONS, user: mail.crowd[0], stops }, s.w7);
    }

    if (want('W8')) {
      await accountsRun({
        pop3Port: dovecot.tlsPort, caPem: dovecot.caPem, maxConnections: MAX_CONNECTIONS, direct,
        users: mail.accounts, single: BIG, warmUser: mail.crowd[0], run, stops, log,
      }, s.w8);
    }
  }

  const rows: Row[] = [];
  const B = median;
  if (want('W1')) {
    const b = B(s.w1.B);
    rows.push({ item: 'W1', what: 'first 50 of 10,000 after sign-in', ...s.w1, target: '< 300 ms, B/L <= 2', met: b < 300 && b / B(s.w1.L) <= 2 });
  }
  if (want('W2')) rows.push({ item: 'W2', what: 'all 10,000 summaries', ...s.w2, target: 'B/L <= 1.3', met: B(s.w2.B) / B(s.w2.L) <= 1.3 });
  if (want('W3')) {
    const speedup = B(s.w2.B) / B(s.w3.B);
    rows.push({ item: 'W3', what: `second visit, ${NEW_MAIL} new`, ...s.w3, target: '>= 10x faster than W2', met: speedup >= 10,
      note: `W2/W3 for Popbridge = ${speedup.toFixed(1)}x.` });
  }
  if (want('W4')) {
    rows.push({ item: 'W4', what: 'open the 20 MB message', L: s.w4.L, P: s.w4.P, Pp: s.w4.Pp, ...(s.w4.P2.length ? { P2: s.w4.P2 } : {}), B: s.w4.B, peak: s.w4.peak,
      target: 'B/L <= 1.5, growth < 40 MB', met: B(s.w4.B) / B(s.w4.L) <= 1.5 && s.w4.growth < 2 * LARGE_SIZE,
      note: `server RSS growth during the open: ${(s.w4.growth / 1048576).toFixed(1)} MB (max over runs). L and node-pop3: RETR alone on a signed-in connection; mpop: the whole process (start, TLS, login, UIDL, RETR, QUIT).` });
  }
  if (want('W5')) rows.push(crowdRow(s.w5, mail.crowd.length, MAX_CONNECTIONS));
  if (want('W6')) {
    rows.push({ item: 'W6', what: `W2 via +${DELAY_MS} ms each way`, L: s.w6.L, ...(s.w6.P.length ? { P: s.w6.P } : {}), ...(s.w6.Pp.length ? { Pp: s.w6.Pp } : {}), B: s.w6.B, peak: s.w6.peak,
      target: 'B/L <= 1.3', met: B(s.w6.B) / B(s.w6.L) <= 1.3,
      ...(s.w6.P.length ? { note: 'node-pop3 through the proxy: one run only.' } : {}) });
  }
  if (want('W7') && s.w7.B.length) rows.push(sendRow(s.w7));
  if (want('W8')) rows.push(...accountsRows(s.w8));
  for (const r of rows) {
    const st = stalls[r.item];
    if (st?.length) r.note = `${r.note ? r.note + ' ' : ''}node-pop3 stalled in ${st.length} of ${RUNS} attempts (at ${st.join(', ')}): it ends a reply only when a read ends with CRLF "." CRLF, so a terminator split across two reads is never seen (node_modules/node-pop3/src/Connection.js _pushStream); its median is over the attempts that finished.`;
  }
  if (want('BROWSER')) {
    const fig = await browserFigure({ dovecot, user: BIG, caPem: dovecot.caPem, runs: Math.min(RUNS, 3), log }).catch((e: Error) => {
      log(`browser figure skipped: ${e.message}`);
      return null;
    });
    if (fig) rows.push(fig);
  }
  return rows;
}

await main();
