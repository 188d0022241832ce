import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { TestBrowser } from './client.ts';
import { startBridge } from './harness.ts';

const USER = { username: 'pat', password: 'old-password-1' };

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

    // The provider changes the password (Dovecot reads its passwd-file afresh), and the idle close ends our connection.
    await writeFile(join(dovecot.dir, 'passwd'), `${USER.username}:{PLAIN}new-password-2\n`);
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const second = new TestBrowser(bridge.url);
    const stale = await second.signIn('s0', USER.username, USER.password);
    expect(stale.status).toBe(401);
    expect(stale.json.error.code).toBe('AUTH_FAILED');
    expect((await second.signIn('s0', USER.username, 'new-password-2')).status).toBe(200);
    await tab.close();
  });
});
