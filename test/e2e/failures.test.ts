// Failures in Chromium, against Popbridge's own POP3 server with a quirk: each
// failure is said in words that blame the right party, in a live region.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import type { Variation } from '../../server/pop3-server/index.ts';
import { crawlingTop, dropMidRetr } from '../fixtures/quirks.ts';
import { testMessage } from '../server/mail.ts';
import { openWatchedPage } from './support/browser.ts';
import { startBridge } from './support/bridge.ts';

const USER = { username: 'alice', password: 'pw-alice' };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanup.length) await cleanup.pop()!(); });

/** A fault server holding `messages`, the bridge in front of it, and a signed-in page. */
async function signedIn(variation: Variation, messages: string[], listingTimeoutSeconds = 300): Promise<Page> {
  const pop: Pop3Server = await startPop3Server({
    users: [USER], variation, maildrops: { alice: { messages: messages.map((bytes, i) => ({ bytes, uid: `u${i}` })) } },
  });
  cleanup.push(() => pop.close());
  const server = { id: 'slow', label: 'Slow Mail', host: pop.host, port: pop.port, security: 'plain' as const, maxConnections: 4 };
  const bridge = await startBridge(server, { servers: [server], listingTimeoutSeconds });
  cleanup.push(() => bridge.stop());
  const { page, close } = await openWatchedPage({ viewport: { width: 1280, height: 800 } });
  cleanup.push(close);
  await page.goto(bridge.url);
  await page.getByLabel('Username').fill(USER.username);
  await page.getByLabel('Password').fill(USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

const rowWith = (page: Page, text: string) => page.getByRole('grid', { name: 'Messages' }).getByRole('row').filter({ hasText: text });
/** Everything the page's live regions say. */
const announced = (page: Page) => page.locator('[role=status], [role=alert]').allInnerTexts().then((t) => t.join('\n'));

describe('failures said right, where a screen reader hears them', () => {
  it('a RETR the mail server drops mid-message blames the mail server, in an alert, and the message stays listed', async () => {
    const page = await signedIn(dropMidRetr, [testMessage(1, ' (long)') + 'x'.repeat(200_000) + '\r\n', testMessage(2)]);
    await rowWith(page, 'Message 1 (long)').click();
    await expect.poll(() => announced(page), { timeout: 20_000 })
      .toContain('The mail server closed the connection while sending this message; try again.');
    expect(await announced(page)).not.toContain('cannot be reached');
    expect(await page.getByRole('article').innerText()).not.toContain('cannot be reached');
    expect(await rowWith(page, 'Message 1 (long)').count()).toBe(1);
  }, 60_000);

  it('a crawling server: rows appear while the listing goes on, then an error names the server and the rows stay', async () => {
    // About 3 s per header: the first row shows well inside the 8 s limit, the 6-message listing cannot finish.
    const page = await signedIn(crawlingTop(100), Array.from({ length: 6 }, (_, i) => testMessage(i)), 8);
    // The newest message's row shows while the progress still counts.
    await rowWith(page, 'Message 5').waitFor({ timeout: 20_000 });
    const during = await announced(page);
    expect(during).toMatch(/Loading messages: [1-5] of 6/);
    await expect.poll(() => announced(page), { timeout: 20_000 }).toContain('The mail server “Slow Mail” is answering too slowly');
    expect(await rowWith(page, 'Message 5').count()).toBe(1);
    expect(await rowWith(page, 'Message 0').count()).toBe(0);
  }, 60_000);
});
