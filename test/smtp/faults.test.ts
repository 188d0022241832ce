import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { SmtpConfig } from '../../server/config.ts';
import { sendMessage, type SendRequest } from '../../server/smtp/send.ts';
import type { SmtpTimeouts } from '../../server/smtp/submit.ts';
import { reply, startFakeSmtp, type FakeSmtp, type FakeSmtpOptions } from '../fixtures/fake-smtp.ts';

// Every SMTP failure a real server can answer with, each mapped to its API
// code and facts, against a scriptable server (smtp-server).
const user = { username: 'alice@example.test', password: 'secret' };
const message: SendRequest = { to: 'bob@example.test', subject: 'Hi', text: 'Hello Bob' };
const fast: SmtpTimeouts = { connectTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 1000 };

let server: FakeSmtp | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function send(options: FakeSmtpOptions, request: SendRequest = message, security: SmtpConfig['security'] = 'tls', credentials = user) {
  server = await startFakeSmtp({ ...(security === 'tls' ? {} : { secure: false }), ...options });
  return sendMessage({ host: '127.0.0.1', port: server.port, security, ca: server.caPem }, credentials, request, fast);
}

describe('SMTP failures as API codes', () => {
  it('sends, signed in with the mailbox credentials, to every recipient on the envelope (Bcc too)', async () => {
    const result = await send({}, { ...message, cc: 'carol@example.test', bcc: 'dave@example.test' });
    expect(result.accepted).toEqual(['bob@example.test', 'carol@example.test', 'dave@example.test']);
    expect(server!.seen.auth).toEqual(['alice@example.test']);
    expect(server!.seen.mailFrom).toEqual(['alice@example.test']);
    // Bcc is on the envelope only, never in the header.
    expect(server!.seen.messages[0]!.toString()).not.toMatch(/dave/);
  });

  it('SMTP_RECIPIENT_REFUSED names the recipient and carries the server text; nothing is sent', async () => {
    await expect(send({
      onRcptTo: (_address, _session, callback) => callback(reply(550, '5.1.1 No such user here')),
    })).rejects.toMatchObject({
      code: 'SMTP_RECIPIENT_REFUSED',
      facts: { recipient: 'bob@example.test', serverText: '550 5.1.1 No such user here' },
    });
    expect(server!.seen.messages).toEqual([]);
  });

  it('one refused recipient among others is reported beside the accepted ones', async () => {
    const result = await send({
      onRcptTo: (address, _session, callback) =>
        callback(address.address === 'typo@example.test' ? reply(550, '5.1.1 No such user here') : undefined),
    }, { ...message, to: 'bob@example.test, typo@example.test' });
    expect(result.accepted).toEqual(['bob@example.test']);
    expect(result.refused).toEqual([{ recipient: 'typo@example.test', serverText: '550 5.1.1 No such user here' }]);
  });

  it('SMTP_AUTH_FAILED when the server refuses the user name and password', async () => {
    await expect(send({}, message, 'tls', { ...user, password: 'wrong' }))
      .rejects.toMatchObject({ code: 'SMTP_AUTH_FAILED', facts: { serverText: expect.stringMatching(/^535 /) } });
    expect(server!.seen.mailFrom).toEqual([]);
  });

  it('SMTP_SENDER_REFUSED when MAIL FROM is refused', async () => {
    await expect(send({ onMailFrom: (_a, _s, callback) => callback(reply(553, '5.7.1 Sender address rejected: not owned by user')) }))
      .rejects.toMatchObject({ code: 'SMTP_SENDER_REFUSED', facts: { serverText: expect.stringContaining('not owned') } });
  });

  it('SMTP_MESSAGE_TOO_LARGE with the announced SIZE, refused before anything is uploaded', async () => {
    const big = { ...message, attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', content: Buffer.alloc(5000) }] };
    await expect(send({ size: 4000 }, big)).rejects.toMatchObject({ code: 'SMTP_MESSAGE_TOO_LARGE', facts: { limit: 4000 } });
    expect(server!.seen.auth).toEqual([]);
    expect(server!.seen.mailFrom).toEqual([]);
  });

  it('SMTP_MESSAGE_TOO_LARGE for a streamed attachment whose base64 outgrows SIZE, before its file is even opened', async () => {
    let opened = false;
    // 30000 octets fit 35000, their base64 (about 40600 octets) does not.
    const big = { ...message, attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', size: 30_000,
      open: () => { opened = true; return Readable.from([Buffer.alloc(30_000)]); } }] };
    await expect(send({ size: 35_000 }, big)).rejects.toMatchObject({ code: 'SMTP_MESSAGE_TOO_LARGE', facts: { limit: 35_000 } });
    expect([opened, server!.seen.auth, server!.seen.mailFrom]).toEqual([false, [], []]);
    // Within the limit it goes, read from the stream.
    await server!.stop();
    const result = await send({ size: 50_000 }, big);
    expect([opened, result.accepted]).toEqual([true, ['bob@example.test']]);
    expect(server!.seen.messages[0]!.length).toBe(result.size);
  });

  it('SMTP_MESSAGE_TOO_LARGE also when the server says 552 only after DATA', async () => {
    await expect(send({ onData: (stream, _s, callback) => { stream.resume(); stream.on('end', () => callback(reply(552, '5.3.4 Message too big'))); } }))
      .rejects.toMatchObject({ code: 'SMTP_MESSAGE_TOO_LARGE', facts: { serverText: '552 5.3.4 Message too big' } });
  });

  it('SMTP_TEMPORARY for a 4xx reply, with the server text', async () => {
    await expect(send({ onData: (stream, _s, callback) => { stream.resume(); stream.on('end', () => callback(reply(451, '4.3.0 Try again later'))); } }))
      .rejects.toMatchObject({ code: 'SMTP_TEMPORARY', facts: { serverText: '451 4.3.0 Try again later' } });
  });

  it('SMTP_MESSAGE_REFUSED for a 5xx reply to the message', async () => {
    await expect(send({ onData: (stream, _s, callback) => { stream.resume(); stream.on('end', () => callback(reply(554, '5.7.1 Spam detected'))); } }))
      .rejects.toMatchObject({ code: 'SMTP_MESSAGE_REFUSED', facts: { serverText: '554 5.7.1 Spam detected' } });
  });

  it('SMTP_OUTCOME_UNKNOWN when the connection drops in the middle of DATA', async () => {
    const started = Date.now();
    await expect(send({ onData: (stream) => stream.once('data', () => server!.dropConnections()) }))
      .rejects.toMatchObject({ code: 'SMTP_OUTCOME_UNKNOWN' });
    expect(Date.now() - started).toBeLessThan(fast.socketTimeoutMs);
    // Never retried: one transaction only.
    expect(server!.seen.mailFrom).toHaveLength(1);
  });

  it('SMTP_OUTCOME_UNKNOWN when the final reply to the message never comes', async () => {
    await expect(send({ onData: (stream) => stream.resume() })).rejects.toMatchObject({ code: 'SMTP_OUTCOME_UNKNOWN' });
    expect(server!.seen.mailFrom).toHaveLength(1);
  });

  it('SMTP_CONNECTION_CLOSED (not sent) when the connection drops before DATA', async () => {
    await expect(send({ onMailFrom: () => server!.dropConnections() })).rejects.toMatchObject({ code: 'SMTP_CONNECTION_CLOSED' });
  });

  it('SMTP_TLS, never clear text, when STARTTLS is required but not offered', async () => {
    await expect(send({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true }, message, 'starttls')).rejects.toMatchObject({ code: 'SMTP_TLS' });
    expect(server!.seen.auth).toEqual([]);
    expect(server!.seen.mailFrom).toEqual([]);
  });

  it('SMTP_CONNECT_FAILED when nothing listens', async () => {
    const probe = await startFakeSmtp();
    const port = probe.port;
    await probe.stop();
    await expect(sendMessage({ host: '127.0.0.1', port, security: 'tls' }, user, message, fast))
      .rejects.toMatchObject({ code: 'SMTP_CONNECT_FAILED' });
  });

  it('SMTP_TIMEOUT (not sent) when the server never greets', async () => {
    await expect(send({ onConnect: () => {} })).rejects.toMatchObject({ code: 'SMTP_TIMEOUT' });
  });
});
