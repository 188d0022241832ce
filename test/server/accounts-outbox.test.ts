import { describe, expect, it } from 'vitest';
import { OutboxQueued, OutboxStatus } from '../../shared/api/index.ts';
import type { Pop3User } from '../../server/pop3-server/index.ts';
import { startMailBridge, stopAfterEach } from './harness.ts';
import type { TestBrowser } from './client.ts';
import { addAccount } from './accounts-support.ts';
import { startFakeSmtp } from '../fixtures/fake-smtp.ts';

// A draft names the account it goes out as: that account's login, server and From.
const track = stopAfterEach();
const ALICE: Pop3User = { username: 'alice@example.test', password: 'secret' };
const BOB: Pop3User = { username: 'bob@example.test', password: 'secret' };
const CAROL: Pop3User = { username: 'carol@example.test', password: 'secret' };

async function outcome(browser: TestBrowser, id: string): Promise<OutboxStatus> {
  for (let i = 0; i < 100; i++) {
    const status = OutboxStatus.parse((await browser.http('GET', `/api/outbox/${id}`)).json);
    if (status.state !== 'waiting' && status.state !== 'sending') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('send never finished');
}

describe('sending as an added account', () => {
  it('goes out with that account\'s login and address; absent, as the primary; a tag of another session is refused', async () => {
    const smtp = track(await startFakeSmtp());
    const mail = track(await startMailBridge({
      users: [ALICE, BOB, CAROL], bridge: { sendDelaySeconds: 0 },
      server: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'tls', ca: smtp.caPem } },
    }));
    const { browser } = await mail.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    expect(bob.canSend).toBe(true);

    const draft = { to: 'dora@example.test', subject: 'Club news', text: 'Hello.' };
    expect((await browser.http('PUT', '/api/drafts/asbob', { ...draft, account: bob.account })).status).toBe(200);
    expect((await browser.http('PUT', '/api/drafts/asme', draft)).status).toBe(200);
    const drafts = (await browser.http('GET', '/api/drafts')).json as Array<{ id: string; account?: string }>;
    expect(drafts.map((d) => [d.id, d.account]).sort()).toEqual([['asbob', bob.account], ['asme', undefined]]);

    const queued = OutboxQueued.parse((await browser.http('POST', '/api/outbox', { draftId: 'asbob' })).json);
    expect((await outcome(browser, queued.id)).state).toBe('sent');
    expect(smtp.seen.auth).toEqual([BOB.username]);
    expect(smtp.seen.mailFrom).toEqual([BOB.username]);
    expect(smtp.seen.messages[0]!.toString()).toMatch(/^From: .*bob@example\.test/m);

    const mine = OutboxQueued.parse((await browser.http('POST', '/api/outbox', { draftId: 'asme' })).json);
    expect((await outcome(browser, mine.id)).state).toBe('sent');
    expect(smtp.seen.auth).toEqual([BOB.username, ALICE.username]);
    expect(smtp.seen.mailFrom).toEqual([BOB.username, ALICE.username]);
    expect(((await browser.http('GET', '/api/sent')).json as unknown[]).length).toBe(2);

    // Carol's session cannot send as bob, though she knows his tag.
    const carol = (await mail.open(CAROL)).browser;
    const foreign = await carol.http('PUT', '/api/drafts/steal', { ...draft, account: bob.account });
    expect([foreign.status, foreign.json.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(smtp.seen.auth).toHaveLength(2);
  });

  it('carries the display name set for the account it goes out as, never the primary\'s', async () => {
    const smtp = track(await startFakeSmtp());
    const mail = track(await startMailBridge({
      users: [ALICE, BOB], bridge: { sendDelaySeconds: 0 },
      server: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'tls', ca: smtp.caPem } },
    }));
    const { browser } = await mail.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    const primary = ((await browser.http('GET', '/api/accounts')).json as Array<{ account: string; primary: boolean }>).find((a) => a.primary)!;
    expect((await browser.http('PUT', `/api/identity/${primary.account}`, { displayName: 'Alice Private', signature: '' })).status).toBe(200);
    expect((await browser.http('PUT', `/api/identity/${bob.account}`, { displayName: 'Chess Club', signature: '' })).status).toBe(200);

    const draft = { to: 'dora@example.test', subject: 'Club news', text: 'Hello.', account: bob.account };
    expect((await browser.http('PUT', '/api/drafts/asbob', draft)).status).toBe(200);
    const queued = OutboxQueued.parse((await browser.http('POST', '/api/outbox', { draftId: 'asbob' })).json);
    expect((await outcome(browser, queued.id)).state).toBe('sent');
    const from = /^From: (.*)$/m.exec(smtp.seen.messages[0]!.toString())?.[1];
    expect(from).toBe('Chess Club <bob@example.test>');
  });

  it('what waits to go out as an added account still open for someone else goes, attachment and all, when the person signs out', async () => {
    const smtp = track(await startFakeSmtp());
    const mail = track(await startMailBridge({
      users: [ALICE, BOB], bridge: { sendDelaySeconds: 3 },
      server: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'tls', ca: smtp.caPem } },
    }));
    const { browser } = await mail.open(ALICE);
    const bob = await addAccount(browser, 's0', BOB.username, BOB.password);
    await mail.open(BOB); // bob's own session keeps his mailbox open after alice has gone
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(Buffer.from('minutes of the meeting'))], { type: 'text/plain' }), 'minutes.txt');
    const up = await fetch(browser.base + '/api/uploads', { method: 'POST', headers: { cookie: browser.cookie }, body: form });
    expect(up.status).toBe(201);
    const file = (await up.json()) as { id: string };
    const draft = { to: 'dora@example.test', subject: 'Minutes', text: 'Attached.', account: bob.account, attachments: [file.id] };
    expect((await browser.http('PUT', '/api/drafts/minutes', draft)).status).toBe(200);
    expect((await browser.http('POST', '/api/outbox', { draftId: 'minutes' })).status).toBe(202);

    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);
    // Sign-out sends what waits, at once and with its files.
    expect(smtp.seen.auth).toEqual([BOB.username]);
    expect(smtp.seen.messages[0]!.toString()).toContain(Buffer.from('minutes of the meeting').toString('base64'));
  });
});
