import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { describe, expect, test } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { accountId } from '../../server/mailbox/registry.ts';
import type { Pop3Server } from '../../server/pop3-server/index.ts';
import { TestBrowser } from './client.ts';
import { startMailBridge, startMailServer, stopAfterEach } from './harness.ts';
import { addAccount, pollState, syncAccount } from './accounts-support.ts';
import { waitFor } from './wait.ts';

const ALICE = { username: 'alice', password: 'Primary-Pw-4711' };
const BOB = { username: 'bob', password: 'Bob-Secret-Zq8x' };
const CAROL = { username: 'carol', password: 'Carol-Pass-Wy3k' };

/** Every form a password could be written in that a search of the bytes would miss otherwise. */
function forms(password: string): Buffer[] {
  const utf8 = Buffer.from(password, 'utf8');
  const be = Buffer.from(password, 'utf16le').swap16();
  return [utf8, Buffer.from(password, 'utf16le'), be, Buffer.from(utf8.toString('base64')), Buffer.from(utf8.toString('base64url'))];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const track = stopAfterEach();

describe('added accounts\' passwords', () => {
  test('are never in clear in the SQLite file or anywhere under DATA_DIR, and bring the accounts back at the next sign-in', async () => {
    const bridge = track(await startMailBridge({ users: [ALICE, BOB, CAROL], mail: { alice: 1, bob: 2, carol: 3 } }));
    const { browser, tab } = await bridge.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    const carol = await addAccount(browser, 's0', CAROL.username, CAROL.password);
    await syncAccount(tab, bob.account);
    await tab.close();
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);
    // Sign-out gives back every account's mailbox, not only the primary's: their connections quit now.
    await waitFor(() => !bridge.pop.maildrop('bob').locked && !bridge.pop.maildrop('carol').locked, 'the added accounts\' QUIT', 3000);

    const files = filesUnder(bridge.bridge.config.dataDir);
    expect(files.some((f) => f.endsWith('popbridge.sqlite'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const password of [ALICE.password, BOB.password, CAROL.password]) {
        for (const form of forms(password)) expect(bytes.includes(form), `${password} (${form.toString('latin1')}) in ${file}`).toBe(false);
      }
    }
    // The sealed rows are there: the test above would pass on an empty file otherwise.
    const db = new Database(join(bridge.bridge.config.dataDir, 'popbridge.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT username, sealed AS secret FROM added_accounts WHERE sealed IS NOT NULL ORDER BY username').all() as Array<{ username: string; secret: Buffer }>;
      expect(rows.map((r) => r.username)).toEqual(['bob', 'carol']);
      for (const r of rows) expect(r.secret.length).toBeGreaterThan(28);
    } finally {
      db.close();
    }

    // Back at the next sign-in, without typing their passwords.
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    await pollState(browser, bob.account, 'ready');
    await pollState(browser, carol.account, 'ready');
    const again = await browser.tab();
    try {
      const list = await syncAccount(again, carol.account);
      expect(list.size).toBe(3);
    } finally {
      await again.close();
    }
  });

  test('a sealed password moved to another row does not open: no login is even tried with it', async () => {
    const bridge = track(await startMailBridge({ users: [ALICE, BOB, CAROL], mail: { alice: 1, bob: 1, carol: 1 } }));
    const { browser } = await bridge.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    const carol = await addAccount(browser, 's0', CAROL.username, CAROL.password);
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);
    // Someone with write access to the file swaps the two sealed passwords.
    const db = new Database(join(bridge.bridge.config.dataDir, 'popbridge.sqlite'));
    const owner = accountId('s0', 'alice');
    const secret = (account: string) => (db.prepare('SELECT sealed AS secret FROM added_accounts WHERE owner = ? AND account = ?').get(owner, account) as { secret: Buffer }).secret;
    const [ofBob, ofCarol] = [secret(accountId('s0', 'bob')), secret(accountId('s0', 'carol'))];
    const put = db.prepare('UPDATE added_accounts SET sealed = ? WHERE owner = ? AND account = ?');
    put.run(ofCarol, owner, accountId('s0', 'bob'));
    put.run(ofBob, owner, accountId('s0', 'carol'));
    db.close();
    const logins = bridge.pop.transcript.length;
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    // Undecryptable, so never sent to the server: no AUTH_FAILED from it, and no PASS for bob or carol.
    expect((await pollState(browser, bob.account, 'needsPassword')).error).toBeUndefined();
    expect((await pollState(browser, carol.account, 'needsPassword')).error).toBeUndefined();
    expect(bridge.pop.transcript.slice(logins).filter((l) => /^USER (bob|carol)/.test(l))).toEqual([]);
  });
});

describe('a primary password changed at the provider', () => {
  /** The app over a data dir the test keeps, so a second app can read what the first stored. */
  async function appOver(dataDir: string, pop: Pop3Server): Promise<{ app: FastifyInstance; browser: TestBrowser; stop(): Promise<void> }> {
    const config: Config = {
      ...loadConfig({ DATA_DIR: dataDir }), webRoot: join(dataDir, 'no-web'), minRefreshIntervalSeconds: 0,
      servers: [{ id: 's0', label: 'Server', host: pop.host, port: pop.port, security: 'plain', maxConnections: 4 }],
    } as Config;
    const app = await buildApp(config, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const browser = await TestBrowser.of(app);
    return { app, browser, stop: () => app.close() };
  }

  test('the added accounts need their passwords once; given, they are sealed under the new key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-test-'));
    track({ stop: async () => rmSync(dataDir, { recursive: true, force: true }) });
    // The same mailboxes before and after the change: the provider's user table is all that differs.
    const before = track(await startMailServer({ users: [ALICE, BOB], mail: { alice: 1, bob: 2 } }));
    const first = track(await appOver(dataDir, before));
    expect((await first.browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    const bob = await addAccount(first.browser, 's0', BOB.username, BOB.password);
    await first.stop();

    const changed = { username: 'alice', password: 'Changed-Primary-Pw-99' };
    const after = track(await startMailServer({ users: [changed, BOB], mail: { alice: 1, bob: 2 } }));
    const second = track(await appOver(dataDir, after));
    expect((await second.browser.signIn('s0', changed.username, changed.password)).status).toBe(200);
    await pollState(second.browser, bob.account, 'needsPassword');
    const wrong = await second.browser.http('PATCH', `/api/accounts/${bob.account}`, { password: 'not-bobs' });
    expect(wrong.json.error.code).toBe('AUTH_FAILED');
    await pollState(second.browser, bob.account, 'needsPassword');
    const fixed = await second.browser.http('PATCH', `/api/accounts/${bob.account}`, { password: BOB.password });
    expect(fixed.status).toBe(200);
    expect(fixed.json.state).toBe('ready');

    // Sealed under the new key now: the next sign-in opens it.
    expect((await second.browser.http('DELETE', '/api/session')).status).toBe(204);
    expect((await second.browser.signIn('s0', changed.username, changed.password)).status).toBe(200);
    await pollState(second.browser, bob.account, 'ready');
  });
});
