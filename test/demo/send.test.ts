import { Readable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboxQueued, OutboxStatus } from '../../shared/api/index.ts';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { DEMO_ADDRESS, startDemo } from '../../server/demo/start.ts';
import { DEMO_SMTP_SIZE } from '../../server/demo/smtp.ts';
import { connect as smtpConnect, openConnection, submit } from '../../server/smtp/submit.ts';
import { TestBrowser, type Tab } from '../server/client.ts';

// The demo as `npm start` runs it with no POP3 server configured (server/main.ts):
// a newcomer writes to the demo address and finds the message after Refresh.
const DEMO_MAIL = fileURLToPath(new URL('../../server/demo/mail', import.meta.url));

let running: { app: FastifyInstance; tab?: Tab; dataDir: string } | undefined;
afterEach(async () => {
  await running?.tab?.close();
  await running?.app.close();
  if (running) rmSync(running.dataDir, { recursive: true, force: true });
  running = undefined;
});

async function startDemoApp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-demo-'));
  // As main.ts: the demo's configuration, the app, and the demo closing with it. No Undo wait, no refresh limit.
  const demo = await startDemo({ ...loadConfig({ DATA_DIR: dataDir }), sendDelaySeconds: 0, minRefreshIntervalSeconds: 0 }, DEMO_MAIL);
  const app = await buildApp(demo.config, { logger: false });
  app.addHook('onClose', async () => { await demo.close(); });
  running = { app, dataDir };
  await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await TestBrowser.of(app);
  const config = await browser.http('GET', '/api/config');
  expect(config.json.servers).toEqual([{ id: 'demo', label: 'Demo mailbox', canSend: true }]);
  const { username, password } = config.json.demo;
  expect((await browser.signIn('demo', username, password)).status).toBe(200);
  const tab = await browser.tab();
  running.tab = tab;
  const listing = await tab.sync();
  return { demo, browser, tab, listing, credentials: { username, password } };
}

async function send(browser: TestBrowser, id: string, to: string, subject: string): Promise<OutboxStatus> {
  const put = await browser.http('PUT', `/api/drafts/${id}`, { to, subject, text: 'Hello from the demo.' });
  expect(put.status, JSON.stringify(put.json)).toBe(200);
  const queued = await browser.http('POST', '/api/outbox', { draftId: id });
  expect(queued.status, JSON.stringify(queued.json)).toBe(202);
  const { id: sendId } = OutboxQueued.parse(queued.json);
  for (let i = 0; i < 100; i++) {
    const status = OutboxStatus.parse((await browser.http('GET', `/api/outbox/${sendId}`)).json);
    if (status.state !== 'waiting' && status.state !== 'sending') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('send never finished');
}

describe('demo mode accepts mail for the demo address', () => {
  it('a message to the demo address is sent and shows in the listing after Refresh', async () => {
    const { browser, tab, listing } = await startDemoApp();
    const done = await send(browser, 'd1', `Me <${DEMO_ADDRESS}>`, 'Note to self: Grüße from the demo');
    expect(done, JSON.stringify(done)).toMatchObject({ state: 'sent' });
    const after = await tab.sync(true);
    expect(after.keys).toHaveLength(listing.keys.length + 1);
    const arrived = [...after.summaries.values()].find((s) => s.subject === 'Note to self: Grüße from the demo');
    expect(arrived).toMatchObject({ from: { address: DEMO_ADDRESS }, to: [{ address: DEMO_ADDRESS }], index: 0 });
  });

  it('refuses any other recipient (relaying denied) and delivers nothing', async () => {
    const { browser, tab, listing } = await startDemoApp();
    const done = await send(browser, 'd1', 'someone@example.org', 'Should not go anywhere');
    expect(done).toMatchObject({ state: 'failed', error: { code: 'SMTP_RECIPIENT_REFUSED', recipient: 'someone@example.org' } });
    expect(done.state === 'failed' ? done.error?.serverText : '').toMatch(/relaying denied/);
    expect((await tab.sync(true)).keys).toEqual(listing.keys);
  });

  const bytes = (b: Buffer) => ({ size: b.length, stream: () => Readable.from([b]) });

  it('signs in only with the demo credentials, announces SIZE, and stops with the app', async () => {
    const { demo, credentials, listing } = await startDemoApp();
    const smtp = demo.config.servers[0]!.smtp!;
    expect(smtp).toMatchObject({ host: '127.0.0.1', security: 'plain' });
    const envelope = { from: DEMO_ADDRESS, to: [DEMO_ADDRESS] };
    const message = Buffer.from(`Subject: x\r\n\r\nhi\r\n`);
    await expect(submit(smtp, { ...credentials, password: 'wrong' }, envelope, bytes(message))).rejects.toMatchObject({ code: 'SMTP_AUTH_FAILED' });
    const big = Buffer.alloc(DEMO_SMTP_SIZE + 1, 'a');
    await expect(submit(smtp, credentials, envelope, bytes(big))).rejects.toMatchObject({ code: 'SMTP_MESSAGE_TOO_LARGE', facts: { limit: DEMO_SMTP_SIZE } });
    // A client that ignores SIZE (no SIZE= on MAIL FROM) is refused at the end of DATA, and nothing is delivered.
    const connection = openConnection(smtp);
    connection.on('error', () => {});
    await smtpConnect(connection);
    await new Promise<void>((resolve, reject) => connection.login({ user: credentials.username, pass: credentials.password }, (e) => (e ? reject(e) : resolve())));
    const error = await new Promise<Error & { responseCode?: number }>((resolve) => connection.send(envelope, big, (e) => resolve(e!)));
    connection.close();
    expect(error.responseCode).toBe(552);
    expect((await running!.tab!.sync(true)).keys).toEqual(listing.keys);
    await running!.tab!.close();
    await running!.app.close();
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(smtp.port, smtp.host);
      socket.once('connect', () => { socket.destroy(); resolve('connected'); });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
