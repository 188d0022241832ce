import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { TestBrowser } from './client.ts';
import { startPopbridge, type PopbridgeProcess } from '../support/popbridge-process.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('npm start without a POP3 server configured', () => {
  let popbridge: PopbridgeProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-main-'));
  afterAll(async () => {
    await popbridge?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('runs the demo: credentials on /api/config, and they open the sample mailbox', async () => {
    popbridge = await startPopbridge({ DATA_DIR: dataDir });
    const browser = new TestBrowser(popbridge.url);
    const config = await browser.http('GET', '/api/config');
    expect(config.json.servers).toEqual([{ id: 'demo', label: 'Demo mailbox', canSend: true }]);
    const { username, password } = config.json.demo;
    expect((await browser.signIn('demo', username, password)).status).toBe(200);
    const tab = await browser.tab();
    const listing = await tab.sync();
    const samples = readdirSync(join(root, 'server/demo/mail')).filter((f) => f.endsWith('.eml'));
    expect(listing.keys).toHaveLength(samples.length);
    await tab.close();
  }, 60_000);
});
