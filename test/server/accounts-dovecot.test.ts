import { describe, expect, test } from 'vitest';
import { startDovecot } from '../support/dovecot.ts';
import { TestBrowser } from './client.ts';
import { startBridge, stopAfterEach } from './harness.ts';
import { testMessage } from './mail.ts';
import { accountState, addAccount, keyOf, syncAccount } from './accounts-support.ts';

const ALICE = { username: 'alice', password: 'alice-secret-1' };
const BOB = { username: 'bob', password: 'bob-secret-2' };
const track = stopAfterEach();

describe('two Dovecot users in one person\'s inbox', () => {
  test('a delete in each account removes exactly that message from exactly that maildir', async () => {
    const dovecot = await startDovecot({ users: [ALICE, BOB] });
    track({ stop: () => dovecot.stop() });
    for (const who of ['alice', 'bob']) for (let n = 1; n <= 3; n++) await dovecot.deliver(who, testMessage(n, ` for ${who}`));
    const bridge = track(await startBridge([{ host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem }], { deleteGraceSeconds: 3600 }));
    const browser = new TestBrowser(bridge.url);
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    const tab = await browser.tab();
    try {
      const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
      await accountState(tab, bob.account, 'ready');
      const aliceList = await syncAccount(tab, browser.account);
      const bobList = await syncAccount(tab, bob.account);
      expect([aliceList.size, bobList.size]).toEqual([3, 3]);

      const a = keyOf(aliceList, 'Message 2 for alice');
      const b = keyOf(bobList, 'Message 3 for bob');
      await tab.request({ type: 'delete', keys: [a] });
      await tab.request({ type: 'delete', account: bob.account, keys: [b] });
      expect((await tab.request({ type: 'commitDeletes' })).result.committed).toEqual([a]);
      expect((await tab.request({ type: 'commitDeletes', account: bob.account })).result.committed).toEqual([b]);

      const subjects = async (who: string) => (await dovecot.messageFiles(who)).map((f) => /Subject: (.*)\r?\n/.exec(f.bytes.toString())![1]);
      expect(await subjects('alice')).toEqual(['Message 1 for alice', 'Message 3 for alice']);
      expect(await subjects('bob')).toEqual(['Message 1 for bob', 'Message 2 for bob']);
    } finally {
      await tab.close();
    }
  }, 120_000);
});
