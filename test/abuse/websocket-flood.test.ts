import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { listeningUrl } from '../support/popbridge-process.ts';
import { spawnGroup, type GroupProcess } from '../support/process-group.ts';
import { TestBrowser } from '../server/client.ts';

/**
 * One signed-in user must not exhaust the server's memory over WebSockets:
 * sockets are capped per session and per account, and a socket that stops
 * reading while it keeps asking is closed before its queue grows.
 */
const ALICE = { username: 'alice', password: 'pw-alice-7' };
const root = new URL('../../', import.meta.url).pathname;
const READERS_THAT_STOP = 6;
const SYNCS_EACH = 3000;
const RSS_LIMIT_MB = 300;

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Opens a socket; resolves 'open', or the close code if the server closes it at once. */
function openSocket(url: string, cookie: string): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url.replace('http', 'ws') + '/api/ws', { headers: { cookie }, origin: url });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve({ ws, closed }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    void closed.then(() => resolve({ ws, closed }));
  });
}

describe('WebSocket abuse by one signed-in user', () => {
  let child: GroupProcess;
  let url: string;
  beforeAll(async () => {
    child = spawnGroup(process.execPath, ['--import', 'tsx', 'test/abuse/bridge-child.ts'], {
      cwd: root, env: { ...process.env, MESSAGES: '2000', BRIDGE_OVERRIDES: JSON.stringify({ signInAttemptsPerUser: 100, ...JSON.parse(process.env.EXTRA ?? '{}') }) },
    });
    url = await listeningUrl(child, 60_000);
  }, 90_000);
  afterAll(async () => {
    // A server still working through the flood may take long to shut down; this test is not about shutdown.
    await child.stop(10_000);
  }, 30_000);

  test('sockets past the per-session (8) and per-account (32) caps are closed with 4029 TOO_MANY_SOCKETS', async () => {
    const open: WebSocket[] = [];
    try {
      const refused: Array<{ code: number; reason: string }> = [];
      for (let s = 0; s < 5; s++) {
        const browser = new TestBrowser(url);
        expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
        for (let i = 0; i < 9; i++) {
          const { ws, closed } = await openSocket(url, browser.cookie);
          open.push(ws);
          const early = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
          if (early) refused.push(early);
        }
      }
      // Sessions 1-4: the ninth socket each; session 5: all nine (the account holds 32).
      console.info(`websocket caps: ${open.length} opened, ${refused.length} refused`);
      expect(refused).toHaveLength(4 + 9);
      for (const r of refused) expect(r).toEqual({ code: 4029, reason: 'TOO_MANY_SOCKETS' });
    } finally {
      for (const ws of open) ws.terminate();
    }
  }, 120_000);

  test(`${READERS_THAT_STOP} sockets that stop reading while sending ${SYNCS_EACH} syncs each keep the server under ${RSS_LIMIT_MB} MB`, async () => {
    const browser = new TestBrowser(url);
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    // One ordinary sync first: the mailbox's first listing (2,000 summaries over POP3) is not the abuse.
    const tab = await browser.tab();
    await tab.sync();
    await tab.close();
    const before = rssMb(child.pid!);
    const sockets = await Promise.all(Array.from({ length: READERS_THAT_STOP }, () => openSocket(url, browser.cookie)));
    let peak = before;
    const watch = setInterval(() => { peak = Math.max(peak, rssMb(child.pid!)); }, 100);
    try {
      for (const { ws } of sockets) {
        (ws as unknown as { _socket: { pause(): void } })._socket.pause();
        for (let i = 0; i < SYNCS_EACH; i++) ws.send(JSON.stringify({ type: 'sync', id: String(i), refresh: false }));
      }
      // Until every socket is closed by the server, or 30 s.
      await Promise.race([Promise.all(sockets.map((s) => s.closed)), new Promise((r) => setTimeout(r, 30_000))]);
      await new Promise((r) => setTimeout(r, 1000));
      // Read again: a socket the server closed now sees its close.
      for (const { ws } of sockets) (ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      clearInterval(watch);
    }
    const closedByServer = await Promise.all(sockets.map((s) => Promise.race([s.closed.then(() => 1), Promise.resolve(0)])));
    for (const { ws } of sockets) ws.terminate();
    console.info(`websocket flood: server RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB; ${closedByServer.reduce((a, b) => a + b, 0)} of ${READERS_THAT_STOP} sockets closed`);
    expect(peak).toBeLessThan(RSS_LIMIT_MB);
    // Still serving afterwards.
    expect((await browser.http('GET', '/api/session')).status).toBe(200);
  }, 120_000);
});
