import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { TestBrowser } from './client.ts';
import { startBridge } from './harness.ts';

const USER = { username: 'pat', password: 'old-password-1' };
const NEW_PASSWORD = 'a-new-and-longer-password-2';

describe('a password changed at the provider', () => {
  let dovecot: Dovecot;
  let bridge: Awaited<ReturnType<typeof startBridge>>;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [USER] });
    bridge = await startBridge([{ host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem }], { idleCloseSeconds: 1 });
  }, 60_000);

  afterAll(async () => {
    await bridge?.stop();
    await dovecot?.stop();
  });

  test('stops working in Popbridge once the open connection is gone, though a tab is still signed in', async () => {
    const first = new TestBrowser(bridge.url);
    expect((await first.signIn('s0', USER.username, USER.password)).status).toBe(200);
    const tab = await first.tab();
    await tab.sync();

    // The provider changes the password. Dovecot reloads its passwd-file when the
    // file's time or size changes: both change here, whatever the clock's resolution.
    const passwd = join(dovecot.dir, 'passwd');
    await writeFile(passwd, `${USER.username}:{PLAIN}${NEW_PASSWORD}\n`);
    const later = new Date(Date.now() + 60_000);
    await utimes(passwd, later, later);
    // The idle close ends our connection: Dovecot logs the QUIT.
    const deadline = Date.now() + 20_000;
    while (!/Logged out/.test(await dovecot.log())) {
      if (Date.now() > deadline) throw new Error('the idle QUIT never came');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const second = new TestBrowser(bridge.url);
    const stale = await second.signIn('s0', USER.username, USER.password);
    expect(stale.status).toBe(401);
    expect(stale.json.error.code).toBe('AUTH_FAILED');
    expect((await second.signIn('s0', USER.username, NEW_PASSWORD)).status).toBe(200);
    await tab.close();
  });
});
