import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { TestBrowser } from './client.ts';
import { listeningUrl, stopProcess } from '../support/popbridge-process.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('npm start without a POP3 server configured', () => {
  let child: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-main-'));
  afterAll(async () => {
    await stopProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('runs the demo: credentials on /api/config, and they open the sample mailbox', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir };
    for (const k of ['POP3_HOST', 'POP3_PORT', 'POP3_SECURITY', 'POP3_CA_FILE', 'POPBRIDGE_CONFIG']) delete env[k];
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await listeningUrl(child, 30_000);
    const browser = new TestBrowser(url);
    const config = await browser.http('GET', '/api/config');
    expect(config.json.servers).toEqual([{ id: 'demo', label: 'Demo mailbox' }]);
    const { username, password } = config.json.demo;
    expect((await browser.signIn('demo', username, password)).status).toBe(200);
    const tab = await browser.tab();
    const listing = await tab.sync();
    const samples = readdirSync(join(root, 'server/demo/mail')).filter((f) => f.endsWith('.eml'));
    expect(listing.keys).toHaveLength(samples.length);
    await tab.close();
  }, 60_000);
});
