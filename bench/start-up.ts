import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listeningUrl, popbridgeEnv, ROOT } from '../test/support/popbridge-process.ts';
import { spawnGroup } from '../test/support/process-group.ts';
import { median } from './table.ts';

/**
 * `npm run bench:start-up`: the server's start-up time (spawn to the
 * "listening" log line) and resident memory once started, run from the
 * TypeScript sources through tsx versus the built dist/server (what
 * `npm start` runs). Demo mode, so no POP3 server is needed. Alternates the
 * two, RUNS times each (BENCH_RUNS), and prints medians.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SETTLE_MS = 1000;
const VARIANTS = {
  tsx: ['--import', 'tsx', 'server/main.ts'],
  built: ['dist/server/main.js'],
} as const;

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

async function once(args: readonly string[]): Promise<{ ms: number; rss: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-start-up-'));
  const started = performance.now();
  const server = spawnGroup(process.execPath, [...args], { cwd: ROOT, env: popbridgeEnv({ DATA_DIR: dataDir, NODE_ENV: 'production' }) });
  try {
    await listeningUrl(server, 60_000);
    const ms = performance.now() - started;
    await sleep(SETTLE_MS); // let start-up garbage be collected before reading memory
    return { ms, rss: await rssBytes(server.pid!) };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, Array<{ ms: number; rss: number }>> = { tsx: [], built: [] };
for (let run = 0; run < RUNS; run++) {
  for (const [name, args] of Object.entries(VARIANTS)) results[name]!.push(await once(args));
}
console.log(`start-up of Popbridge (demo mode), median of ${RUNS} runs, ${os.cpus().length} CPUs, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);
console.log('| run from | start to listening | RSS after start |');
console.log('| --- | --- | --- |');
for (const [name, list] of Object.entries(results)) {
  const label = name === 'tsx' ? '`node --import tsx server/main.ts`' : '`node dist/server/main.js` (`npm start`)';
  console.log(`| ${label} | ${median(list.map((r) => r.ms)).toFixed(0)} ms | ${(median(list.map((r) => r.rss)) / 2 ** 20).toFixed(1)} MiB |`);
}
