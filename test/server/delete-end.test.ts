import { describe, expect, test } from 'vitest';
import { startMailBridge, stopAfterEach } from './harness.ts';
import { testMessage } from './mail.ts';
import { waitFor } from './wait.ts';

const track = stopAfterEach();
const mail = { alice: [{ bytes: testMessage(1), uid: 'a' }, { bytes: testMessage(2), uid: 'b' }] };
// A long Undo window: the delete is still undoable when the session ends.
const bridge = { deleteGraceSeconds: 600, sessionIdleSeconds: 1 };

describe('a pending delete when the session ends', () => {
  test('expiry leaves it undone: QUIT without DELE, the message stays on the server', async () => {
    const { pop, signIn } = track(await startMailBridge({ mail, bridge }));
    const { tab, listing: { keys } } = await signIn();
    expect((await tab.request({ type: 'delete', keys: [keys[0]!] })).error).toBeUndefined();
    await tab.close(); // no tab left: the session expires after its idle time
    await waitFor(() => pop.transcript.at(-1) === 'QUIT', 'the expired mailbox to QUIT');
    expect(pop.transcript.some((l) => l.startsWith('DELE'))).toBe(false);
    expect(pop.maildrop('alice').messages).toHaveLength(2);
  });

  test('sign-out commits it: the user asked for it and is leaving', async () => {
    const { pop, signIn } = track(await startMailBridge({ mail, bridge }));
    const { browser, tab, listing: { keys } } = await signIn();
    expect((await tab.request({ type: 'delete', keys: [keys[0]!] })).error).toBeUndefined();
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);
    expect(pop.transcript.filter((l) => l.startsWith('DELE'))).toHaveLength(1);
    expect(pop.transcript.at(-1)).toBe('QUIT');
    expect(pop.maildrop('alice').messages).toHaveLength(1);
  });
});
