import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { OutboxQueued } from '../../shared/api/index.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { Pop3Server } from '../../server/pop3-server/index.ts';
import { startFakeSmtp, type FakeSmtp } from '../fixtures/fake-smtp.ts';
import { TestBrowser } from './client.ts';
import { startMailServer, stopAfterEach } from './harness.ts';
import { addAccount, pollState } from './accounts-support.ts';

const ALICE = { username: 'alice@example.test', password: 'Primary-Pw-4711' };
const BOB = { username: 'bob@example.test', password: 'Bob-Secret-Zq8x' };
const track = stopAfterEach();

/** The app over a data dir the test keeps: a second app is Popbridge after a restart. */
async function appOver(dataDir: string, pop: Pop3Server, smtp: FakeSmtp): Promise<{ browser: TestBrowser; stop(): Promise<void> }> {
  const config: Config = {
    ...loadConfig({ DATA_DIR: dataDir }), webRoot: join(dataDir, 'no-web'), minRefreshIntervalSeconds: 0, sendDelaySeconds: 0,
    servers: [{
      id: 's0', label: 'Server', host: pop.host, port: pop.port, security: 'plain', maxConnections: 4,
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'tls', ca: smtp.caPem },
    }],
  } as Config;
  // Loaded afresh, as a new process would: per-process secrets (account tags) are new.
  vi.resetModules();
  const { buildApp } = await import('../../server/app.ts');
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { browser: await TestBrowser.of(app), stop: () => app.close() };
}

describe('a draft written to go out as an added account', () => {
  test('still goes out as that account after Popbridge restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-test-'));
    track({ stop: async () => rmSync(dataDir, { recursive: true, force: true }) });
    const pop = track(await startMailServer({ users: [ALICE, BOB], mail: { [ALICE.username]: 1, [BOB.username]: 1 } }));
    const smtp = track(await startFakeSmtp());
    const first = await appOver(dataDir, pop, smtp);
    expect((await first.browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    const bob = await addAccount(first.browser, 's0', BOB.username, BOB.password);
    const draft = { to: 'dora@example.test', subject: 'Club news', text: 'Hello.', account: bob.account };
    expect((await first.browser.http('PUT', '/api/drafts/asbob', draft)).status).toBe(200);
    await first.stop();

    const second = await appOver(dataDir, pop, smtp);
    track(second);
    expect((await second.browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    // Tags are per process: bob's differs from the one the draft was saved with.
    const again = await pollState(second.browser, await tagOf(second.browser, BOB.username), 'ready');
    const drafts = (await second.browser.http('GET', '/api/drafts')).json as Array<{ id: string; account?: string }>;
    expect(drafts.map((d) => d.account)).toEqual([again.account]);
    const queued = await second.browser.http('POST', '/api/outbox', { draftId: 'asbob' });
    expect(queued.status, JSON.stringify(queued.json)).toBe(202);
    OutboxQueued.parse(queued.json);
  });
});

/** An account's tag in this process, by user name. */
async function tagOf(browser: TestBrowser, username: string): Promise<string> {
  const list = (await browser.http('GET', '/api/accounts')).json as Array<{ account: string; username: string }>;
  return list.find((a) => a.username === username)!.account;
}
