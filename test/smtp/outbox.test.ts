import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import PostalMime from 'postal-mime';
import { DraftInput, Identity, OutboxQueued, OutboxStatus, SentMessage, Upload } from '../../shared/api/index.ts';
import type { Config } from '../../server/config.ts';
import type { Pop3User } from '../../server/pop3-server/index.ts';
import { startMailBridge, stopAfterEach, type MailBridge } from '../server/harness.ts';
import type { TestBrowser } from '../server/client.ts';
import { startFakeSmtp, type FakeSmtp, type FakeSmtpOptions } from '../fixtures/fake-smtp.ts';

// The send API end to end against a scriptable SMTP server: uploads, drafts,
// the Undo window, one attempt only, the outcome and the account's limits.
const track = stopAfterEach();
const ALICE: Pop3User = { username: 'alice@example.test', password: 'secret' };
const draft = { to: 'bob@example.test', subject: 'Report', text: 'See the attachment.' };

const BOB: Pop3User = { username: 'bob@example.test', password: 'secret' };

async function setup(bridge: Partial<Config> = {}, smtpOptions: FakeSmtpOptions = {}) {
  const smtp: FakeSmtp = track(await startFakeSmtp(smtpOptions));
  const mail: MailBridge = track(await startMailBridge({
    users: [ALICE, BOB], bridge: { sendDelaySeconds: 1, ...bridge },
    server: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'tls', ca: smtp.caPem } },
  }));
  const { browser } = await mail.open();
  return { smtp, mail, browser };
}

async function upload(browser: TestBrowser, name: string, bytes: Buffer, type = 'application/octet-stream') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(browser.base + '/api/uploads', { method: 'POST', headers: { cookie: browser.cookie }, body: form });
  return { status: res.status, json: await res.json() as any };
}

async function send(browser: TestBrowser, id: string, body: Partial<DraftInput> = {}) {
  const put = await browser.http('PUT', `/api/drafts/${id}`, { ...draft, ...body });
  expect(put.status, JSON.stringify(put.json)).toBe(200);
  return browser.http('POST', '/api/outbox', { draftId: id });
}

/** Polls GET /api/outbox/:id until the send is over (bounded). */
async function outcome(browser: TestBrowser, id: string): Promise<OutboxStatus> {
  for (let i = 0; i < 100; i++) {
    const res = await browser.http('GET', `/api/outbox/${id}`);
    const status = OutboxStatus.parse(res.json);
    if (status.state !== 'waiting' && status.state !== 'sending') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('send never finished');
}

describe('sending through the outbox', () => {
  it('sends a saved draft with its attachment after the Undo window; the Sent list has it, draft and upload are gone', async () => {
    const { smtp, browser, mail } = await setup();
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    const up = await upload(browser, 'Bericht für Bob.bin', bytes);
    expect(up.status).toBe(201);
    const file = Upload.parse(up.json);
    expect(file).toMatchObject({ filename: 'Bericht für Bob.bin', size: 3000 });
    const uploadsDir = join(mail.bridge.config.dataDir, 'uploads');
    expect(readdirSync(uploadsDir)).toHaveLength(1);

    const queued = await send(browser, 'd1', { attachments: [file.id] });
    expect(queued.status).toBe(202);
    const { id, sendInMs } = OutboxQueued.parse(queued.json);
    expect(sendInMs).toBe(1000);
    expect(smtp.seen.mailFrom).toEqual([]); // still inside the Undo window

    const done = await outcome(browser, id);
    expect(done.state).toBe('sent');
    expect(smtp.seen.mailFrom).toEqual(['alice@example.test']);
    expect(smtp.seen.rcptTo).toEqual(['bob@example.test']);
    const mime = smtp.seen.messages[0]!.toString();
    expect(mime).toContain(bytes.toString('base64').slice(0, 76));

    const list = await browser.http('GET', '/api/sent');
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({ id: done.sentId, subject: 'Report', attachments: [{ filename: 'Bericht für Bob.bin', size: 3000 }] });
    const one = await browser.http('GET', `/api/sent/${done.sentId}`);
    expect(SentMessage.parse(one.json)).toMatchObject({ text: 'See the attachment.', accepted: ['bob@example.test'] });
    expect((await browser.http('GET', '/api/drafts/d1')).status).toBe(404);
    expect((await browser.http('DELETE', `/api/uploads/${file.id}`)).status).toBe(404);
    // The password signed in to SMTP from memory: it is nowhere on disk (database, uploads) nor in any answer.
    for (const entry of readdirSync(mail.bridge.config.dataDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) expect(readFileSync(join(entry.parentPath, entry.name)).includes('secret'), entry.name).toBe(false);
    }
    expect(JSON.stringify([list.json, one.json, done])).not.toContain('secret');
  });

  it('Undo inside the window cancels the send: nothing reaches the SMTP server and the draft stays', async () => {
    const { smtp, browser } = await setup({ sendDelaySeconds: 2 });
    const file = Upload.parse((await upload(browser, 'a.txt', Buffer.from('hello'), 'text/plain')).json);
    const queued = OutboxQueued.parse((await send(browser, 'd1', { attachments: [file.id] })).json);
    expect((await browser.http('PUT', '/api/drafts/d1', draft)).json).toMatchObject({ error: { code: 'DRAFT_LOCKED' } });
    expect((await browser.http('DELETE', '/api/drafts/d1')).status).toBe(409);
    expect((await browser.http('DELETE', `/api/uploads/${file.id}`)).status).toBe(409);
    const undo = await browser.http('DELETE', `/api/outbox/${queued.id}`);
    expect(undo.json).toMatchObject({ state: 'cancelled' });
    await new Promise((r) => setTimeout(r, 2500));
    expect(smtp.seen.auth).toEqual([]);
    expect(smtp.seen.mailFrom).toEqual([]);
    expect((await browser.http('GET', `/api/outbox/${queued.id}`)).json).toMatchObject({ state: 'cancelled' });
    expect((await browser.http('GET', '/api/drafts/d1')).json).toMatchObject({ id: 'd1', subject: 'Report', lastError: null, files: [file] });
    expect((await browser.http('GET', '/api/sent')).json).toEqual([]);
  });

  it('SMTP_OUTCOME_UNKNOWN is recorded on the draft and never retried', async () => {
    let smtpRef: FakeSmtp | undefined;
    const { smtp, browser } = await setup({}, { onData: (stream) => stream.once('data', () => smtpRef!.dropConnections()) });
    smtpRef = smtp;
    const queued = OutboxQueued.parse((await send(browser, 'd1')).json);
    const done = await outcome(browser, queued.id);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'SMTP_OUTCOME_UNKNOWN' } });
    expect((await browser.http('GET', '/api/drafts/d1')).json).toMatchObject({ lastError: { code: 'SMTP_OUTCOME_UNKNOWN' } });
    await new Promise((r) => setTimeout(r, 2500));
    expect(smtp.seen.mailFrom).toHaveLength(1);
    expect((await browser.http('GET', '/api/sent')).json).toEqual([]);
  });

  it('a refused recipient fails the send with its code; the draft stays with the error', async () => {
    const { browser } = await setup({ sendDelaySeconds: 0 }, {
      onRcptTo: (_a, _s, callback) => callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 })),
    });
    const queued = OutboxQueued.parse((await send(browser, 'd1')).json);
    expect(await outcome(browser, queued.id)).toMatchObject({ state: 'failed', error: { code: 'SMTP_RECIPIENT_REFUSED', recipient: 'bob@example.test' } });
    expect((await browser.http('GET', '/api/drafts/d1')).json).toMatchObject({ lastError: { code: 'SMTP_RECIPIENT_REFUSED' } });
  });

  it('refuses more recipients than allowed, and more sends per hour than allowed, before anything waits', async () => {
    const { smtp, browser } = await setup({ sendDelaySeconds: 0, recipientsPerMessage: 2, sendsPerHour: 1 });
    const many = await send(browser, 'd1', { to: 'a@example.test, b@example.test', cc: 'c@example.test' });
    expect(many.status).toBe(400);
    expect(many.json).toEqual({ error: { code: 'TOO_MANY_RECIPIENTS', limit: 2 } });
    const injected = await send(browser, 'd4', { subject: 'Hi\r\nBcc: eve@example.test' });
    expect([injected.status, injected.json]).toEqual([400, { error: { code: 'INVALID_HEADER', field: 'subject' } }]);
    const first = OutboxQueued.parse((await send(browser, 'd2')).json);
    expect((await outcome(browser, first.id)).state).toBe('sent');
    const second = await send(browser, 'd3');
    expect(second.status).toBe(429);
    expect(second.json.error).toMatchObject({ code: 'SEND_RATE_LIMITED', limit: 1 });
    expect(second.json.error.retryAfterSeconds).toBeGreaterThan(3500);
    expect(second.headers.get('retry-after')).toBe(String(second.json.error.retryAfterSeconds));
    expect(smtp.seen.mailFrom).toHaveLength(1);
  });

  it('an attachment name with a NUL is refused before the Undo window, never after it', async () => {
    const { smtp, browser } = await setup({ sendDelaySeconds: 30 });
    // A hand-made request (a browser's form would escape it); the upload keeps any name as it came.
    const boundary = 'b0undary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a\u0000b.txt"\r\n`
      + `Content-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`;
    const res = await fetch(browser.base + '/api/uploads', {
      method: 'POST', headers: { cookie: browser.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, body,
    });
    const file = Upload.parse(await res.json());
    expect(file.filename).toBe('a\u0000b.txt');
    const queued = await send(browser, 'd1', { attachments: [file.id] });
    expect([queued.status, queued.json]).toEqual([400, { error: { code: 'INVALID_HEADER', field: 'attachment' } }]);
    expect(smtp.seen.mailFrom).toEqual([]);
  });

  it('an upload over the size limit is refused and nothing stays on disk', async () => {
    const { browser, mail } = await setup({ maxAttachmentBytes: 1000 });
    const big = await upload(browser, 'big.bin', Buffer.alloc(5000, 1));
    expect(big.status).toBe(413);
    expect(big.json).toEqual({ error: { code: 'ATTACHMENT_TOO_LARGE', limit: 1000 } });
    const dir = join(mail.bridge.config.dataDir, 'uploads');
    const files = existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()) : [];
    expect(files).toEqual([]);
  });

  it('sign-out sends what waits (with the credentials still there) and removes the uploads', async () => {
    const { smtp, browser, mail } = await setup({ sendDelaySeconds: 30 });
    const file = Upload.parse((await upload(browser, 'a.txt', Buffer.from('hello'), 'text/plain')).json);
    await send(browser, 'd1', { attachments: [file.id] });
    expect(smtp.seen.mailFrom).toEqual([]);
    expect((await browser.http('DELETE', '/api/session')).status).toBe(204);
    expect(smtp.seen.mailFrom).toEqual(['alice@example.test']);
    expect(readdirSync(join(mail.bridge.config.dataDir, 'uploads'))).toEqual([]);
  });

  it('drafts are listed, read and deleted per account; every route needs a session', async () => {
    const { browser, mail } = await setup();
    await browser.http('PUT', '/api/drafts/a', draft);
    await browser.http('PUT', '/api/drafts/b', { ...draft, subject: 'Second' });
    const list = await browser.http('GET', '/api/drafts');
    expect(list.json.map((d: { id: string }) => d.id).sort()).toEqual(['a', 'b']);
    expect((await browser.http('DELETE', '/api/drafts/a')).status).toBe(204);
    expect((await browser.http('GET', '/api/drafts/a')).status).toBe(404);
    expect((await browser.http('PUT', '/api/drafts/c', { ...draft, extra: 1 })).status).toBe(400);
    const res = await fetch(mail.url + '/api/drafts');
    expect(res.status).toBe(401);
  });
});

describe('partial recipient refusal', () => {
  // The server refusing some RCPT TO while accepting others is no failure: the
  // message goes to the accepted ones and the Sent record names the refused
  // ones with the server's reasons. Only when every recipient is refused does
  // the send fail, with SMTP_RECIPIENT_REFUSED naming the first.
  const refuseTypos: FakeSmtpOptions = {
    onRcptTo: (address, _session, callback) => callback(address.address.startsWith('typo')
      ? Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), { responseCode: 550 })
      : undefined),
  };

  it('sends to the accepted recipients; the Sent record lists the refused ones with the server text', async () => {
    const { smtp, browser } = await setup({ sendDelaySeconds: 0 }, refuseTypos);
    const queued = OutboxQueued.parse((await send(browser, 'd1', { to: 'bob@example.test, typo1@example.test', cc: 'typo2@example.test' })).json);
    const done = await outcome(browser, queued.id);
    expect(done.state).toBe('sent');
    expect(smtp.seen.messages).toHaveLength(1);
    const sent = SentMessage.parse((await browser.http('GET', `/api/sent/${done.sentId}`)).json);
    expect(sent.accepted).toEqual(['bob@example.test']);
    expect(sent.refused).toEqual([
      { recipient: 'typo1@example.test', serverText: '550 5.1.1 <typo1@example.test>: Recipient address rejected' },
      { recipient: 'typo2@example.test', serverText: '550 5.1.1 <typo2@example.test>: Recipient address rejected' },
    ]);
    expect((await browser.http('GET', '/api/drafts/d1')).status).toBe(404);
  });

  it('all refused: SMTP_RECIPIENT_REFUSED names the first, nothing is sent and the draft stays', async () => {
    const { smtp, browser } = await setup({ sendDelaySeconds: 0 }, refuseTypos);
    const queued = OutboxQueued.parse((await send(browser, 'd1', { to: 'typo1@example.test, typo2@example.test' })).json);
    expect(await outcome(browser, queued.id)).toMatchObject({
      state: 'failed',
      error: { code: 'SMTP_RECIPIENT_REFUSED', recipient: 'typo1@example.test', serverText: expect.stringContaining('typo1@example.test') },
    });
    expect(smtp.seen.messages).toEqual([]);
    expect((await browser.http('GET', '/api/drafts/d1')).json).toMatchObject({ lastError: { code: 'SMTP_RECIPIENT_REFUSED' } });
    expect((await browser.http('GET', '/api/sent')).json).toEqual([]);
  });
});

describe('identity: display name and signature per account', () => {
  async function tagOf(browser: TestBrowser): Promise<string> {
    return (await browser.http('GET', '/api/session')).json.account;
  }

  it('starts empty with the From address, keeps what is PUT, and sends with the display name', async () => {
    const { smtp, browser } = await setup({ sendDelaySeconds: 0 });
    const tag = await tagOf(browser);
    const first = await browser.http('GET', `/api/identity/${tag}`);
    expect([first.status, Identity.parse(first.json)]).toEqual([200, { displayName: '', signature: '', address: 'alice@example.test' }]);

    const input = { displayName: 'Alice Müller', signature: 'Alice\nExample Ltd.' };
    const put = await browser.http('PUT', `/api/identity/${tag}`, input);
    expect([put.status, put.json]).toEqual([200, { ...input, address: 'alice@example.test' }]);
    expect((await browser.http('GET', `/api/identity/${tag}`)).json).toEqual({ ...input, address: 'alice@example.test' });

    const queued = OutboxQueued.parse((await send(browser, 'd1')).json);
    expect((await outcome(browser, queued.id)).state).toBe('sent');
    const parsed = await PostalMime.parse(smtp.seen.messages[0]!);
    expect(parsed.from).toEqual({ name: 'Alice Müller', address: 'alice@example.test' });
  });

  it('refuses CR, LF and NUL in the display name, a malformed body, and any account but the session\'s own', async () => {
    const { browser, mail } = await setup();
    const tag = await tagOf(browser);
    for (const displayName of ['Alice\r\nBcc: eve@example.test', 'Alice\nX', 'Alice\0']) {
      const bad = await browser.http('PUT', `/api/identity/${tag}`, { displayName, signature: '' });
      expect([bad.status, bad.json]).toEqual([400, { error: { code: 'INVALID_HEADER', field: 'displayName' } }]);
    }
    // Line breaks belong in a signature.
    expect((await browser.http('PUT', `/api/identity/${tag}`, { displayName: 'A', signature: 'one\r\ntwo' })).status).toBe(200);
    expect((await browser.http('PUT', `/api/identity/${tag}`, { displayName: 'A' })).status).toBe(400);
    expect((await browser.http('PUT', `/api/identity/${tag}`, { displayName: 'A', signature: '', extra: 1 })).status).toBe(400);

    const { browser: bob } = await mail.open(BOB);
    const bobTag = await tagOf(bob);
    expect(bobTag).not.toBe(tag);
    for (const other of [bobTag, 'nosuchaccount']) {
      expect((await browser.http('GET', `/api/identity/${other}`)).json).toEqual({ error: { code: 'NOT_FOUND' } });
      expect((await browser.http('PUT', `/api/identity/${other}`, { displayName: 'Eve', signature: '' })).status).toBe(404);
    }
    // Each account has its own.
    expect((await bob.http('GET', `/api/identity/${bobTag}`)).json).toEqual({ displayName: '', signature: '', address: 'bob@example.test' });
    expect((await fetch(`${mail.url}/api/identity/${tag}`)).status).toBe(401);
  });
});
