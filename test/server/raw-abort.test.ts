import { describe, expect, test } from 'vitest';
import { crawlingTop } from '../fixtures/quirks.ts';
import { startMailBridge, stopAfterEach } from './harness.ts';
import { testMessage } from './mail.ts';
import { waitFor } from './wait.ts';

const track = stopAfterEach();

/** Settles with `what` failing when `work` takes longer than `ms`. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} hung`)), ms); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('raw message aborted early', () => {
  test('a download abandoned while it waits behind a listing does not hold the mailbox', async () => {
    const { pop, signIn } = track(await startMailBridge({
      variation: crawlingTop(20, 8), mail: { alice: [{ bytes: testMessage(1), uid: 'a' }] },
    }));
    const { browser, tab, listing: { keys } } = await signIn();
    // A new message makes the next listing crawl through its headers.
    pop.deliver('alice', testMessage(2, ' with a longer subject to crawl through'), { uid: 'b' });
    const tops = pop.transcript.filter((l) => l.startsWith('TOP')).length;
    const listing = tab.sync(true);
    await waitFor(() => pop.transcript.filter((l) => l.startsWith('TOP')).length > tops, 'the crawling TOP');
    // The tab is closed while the download waits for the mailbox: no byte was ever sent.
    const abort = new AbortController();
    const download = fetch(browser.base + browser.rawPath(keys[0]!), { headers: { cookie: browser.cookie }, signal: abort.signal });
    await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    await expect(download).rejects.toThrow();
    expect((await listing).keys).toHaveLength(2);
    // The mailbox goes on: another refresh and the sign-out (which QUITs) complete.
    expect((await within(tab.sync(true), 10_000, 'refresh')).keys).toHaveLength(2);
    const out = await within(browser.http('DELETE', '/api/session'), 10_000, 'sign-out');
    expect(out.status).toBe(204);
    expect(pop.transcript.at(-1)).toBe('QUIT');
  });
});
