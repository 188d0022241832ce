import { describe, expect, test } from 'vitest';
import { headerBlock, summarize } from '../../server/mailbox/summary.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('summaries from header blocks', () => {
  test('decodes encoded words, addresses, dates and the attachment hint', async () => {
    const { summary, messageId } = await summarize('k1', 1234, enc(
      'From: =?utf-8?q?J=C3=B6rg?= <j@example.test>\r\nTo: a@example.test, "B" <b@example.test>\r\n'
      + 'Subject: =?utf-8?b?w6TDtg==?= report\r\nDate: Tue, 1 Jul 2025 10:00:00 +0200\r\nMessage-ID: <id@x>\r\n'
      + 'Content-Type: multipart/mixed; boundary=x\r\n\r\n'));
    expect(summary).toEqual({
      key: 'k1', size: 1234, subject: 'äö report', date: '2025-07-01T08:00:00.000Z', hasAttachment: true,
      from: { name: 'Jörg', address: 'j@example.test' },
      to: [{ name: '', address: 'a@example.test' }, { name: 'B', address: 'b@example.test' }],
    });
    expect(messageId).toBe('<id@x>');
  });

  test('broken or empty headers give empty fields, never a throw', async () => {
    const { summary } = await summarize('k', 1, enc('garbage without colon\r\nDate: not a date\r\n\r\n'));
    expect(summary.subject).toBe('');
    expect(summary.date).toBeNull();
    expect(summary.hasAttachment).toBe(false);
    expect((await summarize('k', 0, new Uint8Array())).summary.from).toBeNull();
  });

  test('headerBlock stops at the first empty line (CRLF or LF)', () => {
    expect(new TextDecoder().decode(headerBlock(enc('A: 1\r\n\r\nbody')))).toBe('A: 1\r\n\r\n');
    expect(new TextDecoder().decode(headerBlock(enc('A: 1\n\nbody')))).toBe('A: 1\n\n');
  });
});
