import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { parseAddressList } from '../../server/smtp/addresses.ts';
import { composeMessage } from '../../server/smtp/compose.ts';
import { parseEhlo } from '../../server/smtp/ehlo.ts';
import { toFlowed } from '../../server/smtp/flowed.ts';
import { senderAddress } from '../../server/smtp/identity.ts';
import { sendMessage } from '../../server/smtp/send.ts';

const smtp = { host: '127.0.0.1', port: 1, security: 'tls' as const };
const user = { username: 'alice@example.test', password: 'x' };

describe('format=flowed (RFC 3676)', () => {
  it('wraps long lines after a space, keeping the soft-break space, each piece at most 76 characters', () => {
    const lines = toFlowed('word '.repeat(40).trim()).split('\r\n');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(0, -1)) {
      expect(line.endsWith(' ')).toBe(true);
      expect(line.length).toBeLessThanOrEqual(76);
    }
    expect(lines.join('')).toBe('word '.repeat(40).trim());
  });

  it('space-stuffs "From ", ">"-less leading spaces, trims typed trailing spaces and keeps the signature separator', () => {
    expect(toFlowed('From me\n indented\ntrailing   \n-- \nsig')).toBe(' From me\r\n  indented\r\ntrailing\r\n-- \r\nsig');
  });

  it('repeats the quote marks on every wrapped piece of a quoted line', () => {
    const lines = toFlowed(`>> ${'quoted '.repeat(20).trim()}`).split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.startsWith('>> ')).toBe(true);
  });
});

describe('header fields and addresses are checked before anything is composed', () => {
  it.each([
    ['subject', { subject: 'Hi\r\nBcc: victim@example.org' }],
    ['subject', { subject: 'nul\0' }],
    ['to', { to: 'bob@example.test\nX-Injected: 1' }],
    ['from', { fromName: 'Alice\rX: y' }],
    ['references', { references: ['<a@b>\r\nX: y'] }],
  ])('CR, LF or NUL in %s is INVALID_HEADER', async (field, change) => {
    await expect(sendMessage(smtp, user, { to: 'bob@example.test', subject: 'x', text: 'x', ...change }))
      .rejects.toMatchObject({ code: 'INVALID_HEADER', facts: { field } });
  });

  it('an attachment name with a line break is INVALID_HEADER', async () => {
    const attachments = [{ filename: 'a\nb.txt', contentType: 'text/plain', content: Buffer.from('x') }];
    await expect(sendMessage(smtp, user, { to: 'bob@example.test', subject: 'x', text: 'x', attachments }))
      .rejects.toMatchObject({ code: 'INVALID_HEADER', facts: { field: 'attachment' } });
  });

  it('a References entry that is no message id is INVALID_HEADER', async () => {
    await expect(sendMessage(smtp, user, { to: 'bob@example.test', subject: 'x', text: 'x', inReplyTo: 'not-an-id' }))
      .rejects.toMatchObject({ code: 'INVALID_HEADER', facts: { field: 'references' } });
  });

  it('parses RFC 5322 lists: quoted names with commas, groups, non-ASCII names', () => {
    expect(parseAddressList('to', '"Doe, Jane" <jane@example.org>, team: a@x.example, b@y.example;, Zoë <z@x.de>')).toEqual([
      { name: 'Doe, Jane', address: 'jane@example.org' },
      { name: '', address: 'a@x.example' },
      { name: '', address: 'b@y.example' },
      { name: 'Zoë', address: 'z@x.de' },
    ]);
  });

  it.each(['bob@', 'bob', '<>', 'bob@exa mple.org', 'bob smith@x.org'])('%j is INVALID_ADDRESS naming the field and the text', (text) => {
    expect(() => parseAddressList('cc', text)).toThrow(expect.objectContaining({ code: 'INVALID_ADDRESS', facts: expect.objectContaining({ field: 'cc' }) }));
  });

  it('no recipient at all is INVALID_ADDRESS on "to"', async () => {
    await expect(sendMessage(smtp, user, { to: ' ', subject: 'x', text: 'x' })).rejects.toMatchObject({ code: 'INVALID_ADDRESS', facts: { field: 'to' } });
  });

  it('a server without smtp cannot send', async () => {
    await expect(sendMessage(undefined, user, { to: 'bob@example.test', subject: 'x', text: 'x' })).rejects.toMatchObject({ code: 'SEND_NOT_CONFIGURED' });
  });
});

describe('the sender address', () => {
  it('is the user name when it is an address, else the server\'s fromTemplate', () => {
    expect(senderAddress({}, 'alice@example.org', 'Alice')).toEqual({ name: 'Alice', address: 'alice@example.org' });
    expect(senderAddress({ fromTemplate: '{user}@example.org' }, 'bob')).toEqual({ name: '', address: 'bob@example.org' });
    expect(() => senderAddress({}, 'bob')).toThrow(expect.objectContaining({ code: 'SEND_NOT_CONFIGURED' }));
  });
});

describe('the composed message', () => {
  it('puts Bcc on the envelope only, encodes non-ASCII names and subject, and names attachments by RFC 2231', async () => {
    const composed = await composeMessage({
      from: { name: 'Ålice', address: 'alice@example.test' },
      to: [{ name: 'Bob', address: 'bob@example.test' }],
      cc: [],
      bcc: [{ name: '', address: 'secret@example.test' }],
      subject: 'Ünïcode ✓',
      text: 'hi',
      inReplyTo: '<x@example.test>',
      references: ['<x@example.test>'],
      attachments: [{ filename: 'naïve.txt', contentType: 'text/plain', content: Buffer.from('data') }],
    });
    const bytes = await buffer(composed.stream());
    const raw = bytes.toString('latin1');
    expect(composed.envelope).toEqual({ from: 'alice@example.test', to: ['bob@example.test', 'secret@example.test'] });
    expect(raw).not.toMatch(/secret@/);
    expect(raw).not.toMatch(/[\x80-\xff]/);
    expect(raw).toMatch(/^From: =\?UTF-8\?Q\?=C3=85lice\?= <alice@example\.test>$/m);
    expect(raw).toMatch(/filename\*0\*=utf-8''na%C3%AFve\.txt/);
    const mail = await PostalMime.parse(bytes);
    expect([mail.subject, mail.inReplyTo, mail.references, mail.messageId]).toEqual(['Ünïcode ✓', '<x@example.test>', '<x@example.test>', composed.messageId]);
    expect(mail.attachments[0]?.filename).toBe('naïve.txt');
  });

  it('streams attachments opened only when the message is read, and knows its size beforehand', async () => {
    const sizes = [0, 1, 2, 3, 56, 57, 58, 100_000, 100_001];
    const opened: number[] = [];
    const attachments = sizes.map((n, i) => ({
      filename: `f${i}.bin`, contentType: i === 1 ? 'message/rfc822' : 'application/octet-stream', size: n,
      open: () => { opened.push(i); return Readable.from([Buffer.alloc(n, i === 1 ? 0x41 : i)]); },
    }));
    const composed = await composeMessage({
      from: { name: 'Ålice', address: 'alice@example.test' }, to: [{ name: '', address: 'bob@example.test' }], cc: [], bcc: [],
      subject: 'Größe', text: 'naïve text '.repeat(500), attachments,
    });
    expect(opened).toEqual([]);
    const bytes = await buffer(composed.stream());
    expect(opened).toEqual(sizes.map((_, i) => i));
    expect(composed.size).toBe(bytes.length);
    const mail = await PostalMime.parse(bytes);
    // The message/rfc822 part is written as it is (8bit), not as a file: it is left out here.
    const files = mail.attachments.filter((a) => a.mimeType === 'application/octet-stream');
    expect(files.map((a) => [a.filename, (a.content as ArrayBuffer).byteLength])).toEqual(
      sizes.map((n, i) => [`f${i}.bin`, n]).filter((_, i) => i !== 1));
  });
});

describe('EHLO reply', () => {
  it('gives the extensions, AUTH mechanisms and SIZE; SIZE 0 means no fixed limit', () => {
    expect(parseEhlo('250-mail.example\n250-PIPELINING\n250-SIZE 10240000\n250-AUTH PLAIN LOGIN\n250 8BITMIME')).toEqual({
      extensions: ['PIPELINING', 'SIZE', 'AUTH', '8BITMIME'], authMechanisms: ['PLAIN', 'LOGIN'], sizeLimit: 10240000,
    });
    expect(parseEhlo('250-mail.example\n250 SIZE 0').sizeLimit).toBeNull();
  });
});
