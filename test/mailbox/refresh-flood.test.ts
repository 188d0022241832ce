import { afterEach, describe, expect, test } from 'vitest';
import { startPop3Server } from '../../server/pop3-server/index.ts';
import { TestBrowser } from '../server/client.ts';
import { startBridge } from '../server/harness.ts';
import { testMessage } from '../server/mail.ts';

const ALICE = { username: 'alice', password: 'pw-alice' };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

describe('a refresh flood is not a login storm at the provider', () => {
  test('200 refresh syncs right after signing in make no login beyond the sign-in; each is answered with the view', async () => {
    const p = await startPop3Server({ users: [ALICE], maildrops: { alice: { messages: [{ bytes: testMessage(1), uid: 'u1' }, { bytes: testMessage(2), uid: 'u2' }] } } });
    cleanup.push(() => p.close());
    const b = await startBridge([{ host: p.host, port: p.port }], { minRefreshIntervalSeconds: 10 });
    cleanup.push(() => b.stop());
    const browser = new TestBrowser(b.url);
    expect((await browser.signIn('s0', ALICE.username, ALICE.password)).status).toBe(200);
    const tab = await browser.tab();
    cleanup.push(() => tab.close());
    expect((await tab.sync()).keys).toHaveLength(2);
    const from = tab.events.length;

    // 25 waves of 8, the most requests one socket may have in flight (server/ws/route.ts).
    const replies = [];
    for (let wave = 0; wave < 25; wave++) {
      replies.push(...await Promise.all(Array.from({ length: 8 }, () => tab.request({ type: 'sync', refresh: true }))));
    }
    expect(replies).toHaveLength(200);
    expect(replies.every((r) => r.result?.started === true)).toBe(true);
    expect(p.connections).toBe(1);
    expect(p.transcript.filter((l) => l.startsWith('PASS') || l.startsWith('AUTH') || l.startsWith('APOP'))).toHaveLength(1);
    const notice = await tab.next('mailboxNotice', (e) => e.notice === 'REFRESH_LIMITED', from);
    expect(notice.seconds).toBeGreaterThan(0);
    await tab.next('syncDone', () => true, from);
  });
});
