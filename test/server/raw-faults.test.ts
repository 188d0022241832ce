import { describe, expect, test } from 'vitest';
import { dropMidRetr } from '../fixtures/quirks.ts';
import { startMailBridge, stopAfterEach } from './harness.ts';
import { testMessage } from './mail.ts';

const track = stopAfterEach();

describe('raw message faults', () => {
  test('a connection dropped mid-RETR fails that download only; the mailbox goes on and nothing is deleted', async () => {
    const big = testMessage(1) + 'x'.repeat(200_000) + '\r\n';
    const { pop, signIn } = track(await startMailBridge({
      variation: dropMidRetr, mail: { alice: [{ bytes: big, uid: 'a' }, { bytes: testMessage(2), uid: 'b' }] },
    }));
    const { browser, tab, listing: { keys } } = await signIn();

    const whole = await browser.http('GET', browser.rawPath(keys[1]!)).then((r) => r.bytes.length, () => -1);
    expect(whole).toBeLessThan(big.length); // truncated or aborted, never passed off as complete
    // The browser learns from the bridge that the mail server broke the stream, not the network.
    const outcome = await browser.http('GET', browser.rawPath(keys[1]!, '/outcome'));
    expect(outcome.status).toBe(200);
    expect(outcome.json).toEqual({ error: { code: 'MESSAGE_INTERRUPTED' } });
    // A message not opened has nothing to report.
    expect((await browser.http('GET', browser.rawPath(keys[0]!, '/outcome'))).json).toEqual({ error: null });
    // The mailbox lock was released: a refresh (which needs it) completes with a new connection.
    const again = await tab.sync(true);
    expect(again.keys).toEqual(keys);
    expect(pop.maildrop('alice').messages).toHaveLength(2);
    expect(pop.transcript.some((l) => l.startsWith('DELE'))).toBe(false);
  });
});
