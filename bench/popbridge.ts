import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { ServerMessage, type Summary } from '../shared/api/index.ts';
import { listeningUrl, popbridgeCommand } from '../test/support/popbridge-process.ts';
import { spawnGroup } from '../test/support/process-group.ts';

/**
 * B: the real Popbridge server as `npm start` runs it (dist/server/main.js,
 * built by bench/run.ts) in a child process, so its
 * memory can be read from /proc, and a client that does what the browser
 * does: POST /api/session, a WebSocket at /api/ws, `sync`, every frame
 * checked against the zod contract, and GET /api/accounts/:account/messages/:key/raw.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const START_TIMEOUT_MS = 30_000;

export interface BridgeServer {
  url: string;
  pid: number;
  /** Resident set now, in bytes. */
  rss(): Promise<number>;
  /** Resets the kernel's peak-RSS counter (VmHWM), so the next peak is this work item's. */
  resetPeak(): Promise<void>;
  peak(): Promise<number>;
  stop(): Promise<void>;
}

async function procStatus(pid: number, field: string): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  if (!m) throw new Error(`BENCH_PROC: no ${field} for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** An SMTP submission server for the bench server's one entry (implicit TLS on loopback). */
export interface BenchSmtp { port: number; caPem: string }

/** The configured server id the bench users sign in with. */
export const BENCH_SERVER = 'bench';

/**
 * `serverIds`: more server entries, all for the same POP3 port (each with its
 * own connection cap, as separate providers would have); the first is signed in with.
 */
export async function startBridgeServer(o: {
  pop3Port: number; caPem: string; maxConnections: number; extraEnv?: Record<string, string>; smtp?: BenchSmtp;
  serverIds?: string[];
}): Promise<BridgeServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'popbridge-bench-server-'));
  const caFile = path.join(dir, 'ca.pem');
  await writeFile(caFile, o.caPem);
  const smtpCaFile = path.join(dir, 'smtp-ca.pem');
  if (o.smtp) await writeFile(smtpCaFile, o.smtp.caPem);
  const smtp = o.smtp && {
    // The bench users' names are no addresses: the From address is built from them.
    smtp: { host: '127.0.0.1', port: o.smtp.port, security: 'tls', caFile: smtpCaFile, fromTemplate: '{user}@bench.test' },
  };
  const configFile = path.join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({
    host: '127.0.0.1', port: 0, dataDir: path.join(dir, 'data'),
    // Fifty sign-ins from one address in a few seconds are the point of W5.
    signInAttemptsPerClient: 10_000, signInAttemptsPerUser: 10_000,
    refreshIntervalSeconds: 0,
    // W7 times the send itself, not the Undo window.
    sendDelaySeconds: 0,
    webRoot: path.join(ROOT, 'dist', 'web'),
    servers: (o.serverIds ?? [BENCH_SERVER]).map((id) => ({
      id, label: `Bench Dovecot ${id}`, host: '127.0.0.1', port: o.pop3Port, security: 'tls', caFile, maxConnections: o.maxConnections, ...smtp,
    })),
  }));
  // BENCH_SERVER_PROFILE=<dir>: a V8 CPU profile of each server process, written when it stops.
  const profile = process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_SERVER_PROFILE)}`] : [];
  const [node, args] = popbridgeCommand();
  const server = spawnGroup(node, [...profile, ...args], {
    cwd: ROOT,
    env: { ...process.env, POPBRIDGE_CONFIG: configFile, NODE_ENV: 'production', ...o.extraEnv },
  });
  let url: string;
  try {
    url = await listeningUrl(server, START_TIMEOUT_MS);
  } catch (error) {
    await server.stop();
    throw new Error(`BENCH_SERVER_START: ${(error as Error).message}`);
  }
  const pid = server.pid!;
  return {
    url, pid,
    rss: () => procStatus(pid, 'VmRSS'),
    resetPeak: () => writeFile(`/proc/${pid}/clear_refs`, '5'),
    peak: () => procStatus(pid, 'VmHWM'),
    async stop() {
      await server.stop(10_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SyncTiming {
  /** ms from the start of sign-in until the newest 50 rows are known. */
  first50: number;
  /** ms until syncDone. */
  all: number;
  total: number;
  summaries: Map<string, Summary>;
  /** ms from t0 to each step, for explaining where the time goes. */
  phases: Record<string, number>;
}

/** One browser: a cookie and one tab. */
export class BenchBrowser {
  private cookie = '';
  private account = '';
  private ws: WebSocket | null = null;
  private listeners = new Set<(m: ServerMessage) => void>();
  private seq = 0;
  /** ms this client spent parsing and checking frames (JSON and zod), as a browser tab does too. */
  parseMs = 0;

  constructor(readonly base: string) {}

  async signIn(username: string, password: string, serverId = BENCH_SERVER): Promise<void> {
    const res = await fetch(`${this.base}/api/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serverId, username, password }),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`BENCH_SIGN_IN: ${res.status} ${body}`);
    this.cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    this.account = (JSON.parse(body) as { account: string }).account;
  }

  /** Any other request as this browser (its session cookie). */
  fetch(pathname: string, init: { method?: string; headers?: Record<string, string>; body?: FormData | string } = {}): Promise<Response> {
    return fetch(this.base + pathname, { ...init, headers: { ...init.headers, cookie: this.cookie } });
  }

  async signOut(): Promise<void> {
    await fetch(`${this.base}/api/session`, { method: 'DELETE', headers: { cookie: this.cookie } });
    this.ws?.close();
    this.ws = null;
  }

  async openTab(): Promise<void> {
    const ws = new WebSocket(this.base.replace('http', 'ws') + '/api/ws', { headers: { cookie: this.cookie }, origin: this.base });
    this.ws = ws;
    ws.on('message', (data) => {
      const t = performance.now();
      const parsed = ServerMessage.safeParse(JSON.parse(data.toString()));
      this.parseMs += performance.now() - t;
      if (!parsed.success) throw new Error(`BENCH_BAD_FRAME: ${parsed.error.message}`);
      for (const l of this.listeners) l(parsed.data);
    });
    await new Promise<void>((resolve, reject) => {
      const off = this.on((m) => { if (m.type === 'ready') { off(); resolve(); } });
      ws.once('error', reject);
    });
  }

  /** Every frame of the tab, checked against the contract. */
  on(l: (m: ServerMessage) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** A `sync` request, for the primary or the account named. */
  requestSync(account?: string, refresh = false): void {
    this.ws!.send(JSON.stringify({ type: 'sync', id: String(++this.seq), refresh, ...(account ? { account } : {}) }));
  }

  /** POST /api/accounts: the POP3 login is tried first, the password then sealed. */
  async addAccount(serverId: string, username: string, password: string): Promise<void> {
    const res = await this.fetch('/api/accounts', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ serverId, username, password }),
    });
    if (res.status !== 201) throw new Error(`BENCH_ADD_ACCOUNT: ${res.status} ${await res.text()}`);
  }

  /** Sends `sync` and collects the listing; times are from `t0` (performance.now()). */
  sync(t0: number, refresh = false, timeoutMs = 300_000): Promise<SyncTiming> {
    const summaries = new Map<string, Summary>();
    let first50 = -1;
    let total = -1;
    let top = 0; // rows 0..top-1 are all known
    const byIndex = new Set<number>();
    const phases: Record<string, number> = {};
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(new Error(`BENCH_SYNC_TIMEOUT: no syncDone in ${timeoutMs} ms`)); }, timeoutMs);
      const off = this.on((m) => {
        if (m.type === 'syncStarted') { total = m.total; phases.syncStarted = performance.now() - t0; }
        else if (m.type === 'summaries') {
          phases.firstSummaries ??= performance.now() - t0;
          for (const s of m.items) { summaries.set(s.key, s); byIndex.add(s.index); }
          while (byIndex.has(top)) top++;
          if (first50 < 0 && top >= Math.min(50, total)) first50 = performance.now() - t0;
        } else if (m.type === 'syncFailed') {
          clearTimeout(timer); off(); reject(new Error(`BENCH_SYNC_FAILED: ${m.error.code}`));
        } else if (m.type === 'syncDone') {
          clearTimeout(timer); off();
          if (first50 < 0) first50 = performance.now() - t0;
          resolve({ first50, all: performance.now() - t0, total: m.total, summaries, phases });
        } else if (m.type === 'reply' && m.error) {
          clearTimeout(timer); off(); reject(new Error(`BENCH_SYNC_REFUSED: ${m.error.code}`));
        }
      });
      this.requestSync(undefined, refresh);
    });
  }

  /** Open a message as the browser does: GET the raw bytes, all of them. Returns the byte count. */
  async raw(key: string): Promise<number> {
    const res = await fetch(`${this.base}/api/accounts/${this.account}/messages/${encodeURIComponent(key)}/raw`, { headers: { cookie: this.cookie } });
    if (res.status !== 200 || !res.body) throw new Error(`BENCH_RAW: ${res.status} ${await res.text()}`);
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Uint8Array).length;
    return bytes;
  }
}

/** Sign in, open a tab, list: what a person does on arriving. */
export async function visit(base: string, user: { username: string; password: string }): Promise<{ browser: BenchBrowser; timing: SyncTiming }> {
  const t0 = performance.now();
  const browser = new BenchBrowser(base);
  await browser.signIn(user.username, user.password);
  const signedIn = performance.now() - t0;
  await browser.openTab();
  const tabOpen = performance.now() - t0;
  const timing = await browser.sync(t0);
  Object.assign(timing.phases, { signedIn, tabOpen });
  return { browser, timing };
}
