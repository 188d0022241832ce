import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpConfig } from '../../server/config.ts';
import { Pop3Client } from '../../server/pop3-client/client.ts';
import { sendMessage, type SendRequest } from '../../server/smtp/send.ts';
import { deliveredTo, startPostfix, type Postfix } from '../support/postfix.ts';

// Sending as alice through a real Postfix (SASL by the test Dovecot), reading
// the delivered message back from bob's maildir and over POP3.
const alice = { username: 'alice@example.test', password: 'alice-secret' };
const bob = { username: 'bob@example.test', password: 'bob-secret' };
const attachment = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));

describe('sending through Postfix', () => {
  let postfix: Postfix;
  beforeAll(async () => {
    postfix = await startPostfix({ users: [alice, bob] });
  });
  afterAll(async () => {
    await postfix?.stop();
  });

  const smtp = (security: 'tls' | 'starttls', ca = postfix.caPem): SmtpConfig => ({
    host: postfix.host, port: security === 'tls' ? postfix.smtpsPort : postfix.submissionPort, security, ca,
  });
  const request = (subject: string): SendRequest => ({
    to: 'Bob Müller <bob@example.test>',
    subject,
    fromName: 'Alice Ørsted',
    text: `Grüße, Bob!\n${'lang '.repeat(30)}\n> quoted line\nFrom here on\n`,
    inReplyTo: '<orig-1@example.test>',
    references: ['<root@example.test>', '<orig-1@example.test>'],
    attachments: [{ filename: 'Übersicht März.bin', contentType: 'application/octet-stream', content: attachment }],
  });

  const delivered = (subject: string): Promise<Buffer> => deliveredTo(postfix, bob.username, subject);

  it.each(['starttls', 'tls'] as const)('delivers over %s with headers, non-ASCII subject, text and attachment intact', async (security) => {
    const subject = `Café ☕ über ${security} – ünïcödé`;
    const result = await sendMessage(smtp(security), alice, request(subject));
    expect(result.accepted).toEqual(['bob@example.test']);
    expect(result.refused).toEqual([]);
    expect(result.response).toMatch(/^250 /);

    const raw = await delivered(subject);
    const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0]!;
    // Encoded-words, never raw 8-bit bytes, in the header.
    expect(head).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(head).not.toMatch(/[\x80-\xff]/);
    // The server saw an authenticated TLS session.
    expect(head).toMatch(/with ESMTPSA/);
    const mail = await PostalMime.parse(raw);
    expect(mail.subject).toBe(subject);
    expect(mail.from).toEqual({ name: 'Alice Ørsted', address: 'alice@example.test' });
    expect(mail.to).toEqual([{ name: 'Bob Müller', address: 'bob@example.test' }]);
    expect(mail.messageId).toBe(result.messageId);
    expect(mail.inReplyTo).toBe('<orig-1@example.test>');
    expect(mail.references).toBe('<root@example.test> <orig-1@example.test>');
    // As stored (the maildir has LF line ends): wrapped with a soft-break space, "From " space-stuffed...
    const wire = raw.toString('latin1');
    expect(wire).toMatch(/^Content-Type: text\/plain; charset=utf-8; format=flowed/m);
    expect(wire).toMatch(/lang( |=20)\r?\nlang/);
    expect(wire).toMatch(/\n From here on/);
    // ...and a reader that knows format=flowed (postal-mime) gets the lines back as written.
    expect(mail.text?.trimEnd()).toBe(`Grüße, Bob!\n${'lang '.repeat(30).trimEnd()}\n> quoted line\nFrom here on`);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe('Übersicht März.bin');
    expect(Buffer.from(mail.attachments[0]!.content as ArrayBuffer).equals(attachment)).toBe(true);
    expect(wire).toMatch(/filename\*0\*=utf-8''/i); // RFC 2231
  });

  it('is read back over POP3 by Popbridge\'s own client', async () => {
    const subject = 'Over POP3';
    await sendMessage(smtp('tls'), alice, { to: 'bob@example.test', subject, text: 'hello' });
    await delivered(subject);
    const client = await Pop3Client.connect({ host: postfix.host, port: postfix.dovecot.tlsPort, security: 'tls', ca: postfix.dovecot.caPem });
    try {
      await client.login(bob);
      const { count } = await client.stat();
      const subjects = [];
      for (let msg = 1; msg <= count; msg++) subjects.push((await PostalMime.parse(await client.retrAll(msg))).subject);
      expect(subjects).toContain(subject);
    } finally {
      await client.quit();
    }
  });

  it('refuses a wrong password, an unknown recipient and an oversize message with their codes', async () => {
    await expect(sendMessage(smtp('starttls'), { ...alice, password: 'wrong' }, request('x')))
      .rejects.toMatchObject({ code: 'SMTP_AUTH_FAILED', facts: { serverText: expect.stringMatching(/^535 /) } });
    await expect(sendMessage(smtp('tls'), alice, { to: 'nobody@example.test', subject: 'x', text: 'x' }))
      .rejects.toMatchObject({ code: 'SMTP_RECIPIENT_REFUSED', facts: { recipient: 'nobody@example.test', serverText: expect.stringMatching(/^550 5\.1\.1/) } });
    const big = { filename: 'big.bin', contentType: 'application/octet-stream', content: Buffer.alloc(postfix.sizeLimit) };
    await expect(sendMessage(smtp('tls'), alice, { to: 'bob@example.test', subject: 'big', text: 'x', attachments: [big] }))
      .rejects.toMatchObject({ code: 'SMTP_MESSAGE_TOO_LARGE', facts: { limit: postfix.sizeLimit } });
  });

  it('fails with SMTP_TLS when the certificate is not trusted, over both modes', async () => {
    const otherCa = postfix.dovecot.caPem;
    for (const security of ['tls', 'starttls'] as const) {
      await expect(sendMessage(smtp(security, otherCa), alice, request('untrusted'))).rejects.toMatchObject({ code: 'SMTP_TLS' });
    }
  });
});
