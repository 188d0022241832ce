import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxQueued, OutboxStatus, Upload } from '../../shared/api/index.ts';
import { TestBrowser } from '../server/client.ts';
import { startBridge, type Bridge } from '../server/harness.ts';
import { deliveredTo, startPostfix, type Postfix } from '../support/postfix.ts';

// The whole send path through the HTTP API: sign in to the bridge as a
// Dovecot user that Postfix also authenticates, upload an attachment, save a
// draft, send, wait out the Undo window, and find the message in bob's maildir.
const alice = { username: 'alice@example.test', password: 'alice-secret' };
const bob = { username: 'bob@example.test', password: 'bob-secret' };
const attachment = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 13) % 256));

describe('sending through the bridge and a real Postfix', () => {
  let postfix: Postfix;
  let bridge: Bridge;
  beforeAll(async () => {
    postfix = await startPostfix({ users: [alice, bob] });
    const d = postfix.dovecot;
    bridge = await startBridge([{
      host: d.host, port: d.tlsPort, security: 'tls', ca: d.caPem,
      smtp: { host: postfix.host, port: postfix.submissionPort, security: 'starttls', ca: postfix.caPem },
    }], { sendDelaySeconds: 1 });
  });
  afterAll(async () => {
    await bridge?.stop();
    await postfix?.stop();
  });

  const delivered = (subject: string): Promise<Buffer> => deliveredTo(postfix, bob.username, subject);

  it('uploads, saves a draft, sends after the Undo window, and bob receives it with the attachment intact', async () => {
    const browser = new TestBrowser(bridge.url);
    expect((await browser.signIn('s0', alice.username, alice.password)).json).toMatchObject({ canSend: true });

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(attachment)], { type: 'application/pdf' }), 'Übersicht.pdf');
    const res = await fetch(bridge.url + '/api/uploads', { method: 'POST', headers: { cookie: browser.cookie }, body: form });
    expect(res.status).toBe(201);
    const file = Upload.parse(await res.json());
    expect(file.size).toBe(attachment.length);

    const subject = 'Quarterly numbers ✓';
    const put = await browser.http('PUT', '/api/drafts/q1', {
      to: 'Bob <bob@example.test>', subject, text: 'Hi Bob,\nthe numbers are attached.\n', attachments: [file.id],
      inReplyTo: '<orig@example.test>', references: ['<orig@example.test>'],
    });
    expect(put.status).toBe(200);
    const queued = await browser.http('POST', '/api/outbox', { draftId: 'q1' });
    expect(queued.status).toBe(202);
    const { id } = OutboxQueued.parse(queued.json);

    let status: OutboxStatus | undefined;
    for (let i = 0; i < 100; i++) {
      status = OutboxStatus.parse((await browser.http('GET', `/api/outbox/${id}`)).json);
      if (status.state !== 'waiting' && status.state !== 'sending') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status, JSON.stringify(status)).toMatchObject({ state: 'sent' });

    const mail = await PostalMime.parse(await delivered(subject));
    expect(mail.from).toEqual({ name: '', address: 'alice@example.test' });
    expect(mail.inReplyTo).toBe('<orig@example.test>');
    expect(mail.text?.trimEnd()).toBe('Hi Bob,\nthe numbers are attached.');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe('Übersicht.pdf');
    expect(Buffer.from(mail.attachments[0]!.content as ArrayBuffer).equals(attachment)).toBe(true);

    const sent = await browser.http('GET', `/api/sent/${status!.sentId}`);
    expect(sent.json).toMatchObject({ subject, accepted: ['bob@example.test'], attachments: [{ filename: 'Übersicht.pdf', size: attachment.length }] });
    expect(mail.messageId).toBe(sent.json.messageId);
  });
});
