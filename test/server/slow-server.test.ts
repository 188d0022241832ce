import { afterEach, describe, expect, test } from 'vitest';
import type { ServerEvent } from '../../shared/api/index.ts';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import { crawlingTop } from '../fixtures/quirks.ts';
import { TestBrowser } from './client.ts';
import { startBridge } from './harness.ts';
import { testMessage } from './mail.ts';

const USER = { username: 'alice', password: 'pw-alice' };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

async function crawlingMailbox(count: number, listingTimeoutSeconds: number) {
  // Each header is ~250 octets at 8 octets per 40 ms: about 1.3 s per message.
  const pop: Pop3Server = await startPop3Server({
    users: [USER], variation: crawlingTop(40),
    maildrops: { alice: { messages: Array.from({ length: count }, (_, i) => ({ bytes: testMessage(i), uid: `u${i}` })) } },
  });
  cleanup.push(() => pop.close());
  const bridge = await startBridge([{ host: pop.host, port: pop.port, label: 'Slow Mail' }], { listingTimeoutSeconds });
  cleanup.push(() => bridge.stop());
  const browser = new TestBrowser(bridge.url);
  await browser.signIn('s0', USER.username, USER.password);
  const tab = await browser.tab();
  cleanup.push(() => tab.close());
  return { pop, tab };
}

const summaries = (events: ServerEvent[]) => events.flatMap((e) => (e.type === 'summaries' ? e.items : []));

describe('a server that crawls through the listing', () => {
  test('rows go out as each summary arrives, not when a batch of 50 fills, and progress counts them', async () => {
    const { tab } = await crawlingMailbox(4, 300);
    // The reply comes when the listing is done; rows must not wait for it.
    const reply = tab.request({ type: 'sync' });
    const first = await tab.next('summaries', (e) => e.items.length > 0, 0, 20_000);
    // The first row is on the wire while the server is still crawling through the others.
    expect(tab.events.some((e) => e.type === 'syncDone')).toBe(false);
    expect(first.items.length).toBeLessThan(4);
    const progress = await tab.next('syncProgress', (e) => e.phase === 'summaries' && e.loaded > 0, 0, 20_000);
    expect(progress.loaded).toBeLessThan(4);
    expect((await reply).error).toBeUndefined();
    expect(tab.events.some((e) => e.type === 'syncDone')).toBe(true);
    expect(summaries(tab.events)).toHaveLength(4);
  }, 40_000);

  test('past the listing limit the sync fails with SERVER_TOO_SLOW naming the server, and what loaded stays sent', async () => {
    const { tab } = await crawlingMailbox(6, 3);
    const started = Date.now();
    const reply = tab.request({ type: 'sync' });
    const failed = await tab.next('syncFailed', () => true, 0, 20_000);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(failed.error).toEqual({ code: 'SERVER_TOO_SLOW', serverLabel: 'Slow Mail', limit: 3 });
    const loaded = summaries(tab.events);
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.length).toBeLessThan(6);
    expect(tab.events.some((e) => e.type === 'syncDone')).toBe(false);
    expect((await reply).error?.code).toBe('SERVER_TOO_SLOW');
  }, 30_000);
});
