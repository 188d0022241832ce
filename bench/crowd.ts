import { SMALL_COUNT, type BenchUser } from './mailboxes.ts';
import { nodePop3Listing, type PeerEndpoint } from './peers.ts';
import { visit, type BridgeServer } from './popbridge.ts';
import { rawListing, type RawEndpoint } from './raw-client.ts';
import { percentile, type Row } from './table.ts';

/**
 * W5: the crowd (50 users of 1,000 messages) signing in and listing at once.
 * Popbridge keeps its per-server POP3 cap; L and P open every connection at once.
 */

export interface CrowdSamples { L: number[]; P: number[]; Pp: number[]; B: number[]; peak: number; latencies: number[]; errors: number }

export const newCrowdSamples = (): CrowdSamples => ({ L: [], P: [], Pp: [], B: [], peak: 0, latencies: [], errors: 0 });

export async function crowdRun(o: {
  crowd: BenchUser[]; direct: RawEndpoint; peer: PeerEndpoint;
  /** node-pop3 as run.ts times it (a stalled attempt recorded, not timed). */
  nodePop3: (item: string, into: number[], fn: () => Promise<unknown>) => Promise<void>;
  withServer: (fn: (server: BridgeServer) => Promise<void>) => Promise<void>;
  log: (s: string) => void;
}, s: CrowdSamples): Promise<void> {
  const { crowd, direct, peer } = o;
  const t0 = performance.now();
  const listed = await Promise.all(crowd.map((u) => rawListing({ endpoint: direct, ...u })));
  s.L.push(performance.now() - t0);
  if (listed.some((r) => r.fetched !== SMALL_COUNT)) throw new Error('BENCH_CHECK: L W5 short listing');
  await o.nodePop3('W5', s.P, () => Promise.all(crowd.map((u) => nodePop3Listing(peer, u))));
  await o.withServer(async (server) => {
    await server.resetPeak();
    const t1 = performance.now();
    const results = await Promise.allSettled(crowd.map(async (u) => {
      const v = await visit(server.url, u);
      if (v.timing.summaries.size !== SMALL_COUNT) throw new Error(`BENCH_CHECK: ${u.username} listed ${v.timing.summaries.size}`);
      const latency = v.timing.all;
      await v.browser.signOut();
      return latency;
    }));
    s.B.push(performance.now() - t1);
    for (const r of results) {
      if (r.status === 'fulfilled') s.latencies.push(r.value);
      else { s.errors++; o.log(`W5 error: ${(r.reason as Error).message}`); }
    }
    s.peak = Math.max(s.peak, await server.peak());
  });
}

export function crowdRow(s: CrowdSamples, crowdSize: number, maxConnections: number): Row {
  return {
    item: 'W5', what: `${crowdSize} users x ${SMALL_COUNT} at once (wall)`, L: s.L, P: s.P, Pp: s.Pp, B: s.B, peak: s.peak,
    target: 'no errors; p50/p95', met: s.errors === 0,
    note: `per-user latency sign-in -> all ${SMALL_COUNT} rows, over ${s.latencies.length} visits: p50 ${Math.round(percentile(s.latencies, 50))} ms, ` +
      `p95 ${Math.round(percentile(s.latencies, 95))} ms, max ${Math.round(Math.max(...s.latencies))} ms; errors ${s.errors}; ` +
      `Popbridge capped at ${maxConnections} POP3 connections (the shipped default), L and P open all ${crowdSize} at once.`,
  };
}
