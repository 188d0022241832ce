import { readdirSync, readFileSync } from 'node:fs';
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

describe('summaries agree with a full MIME parse', () => {
  // The fast header reader must read what postal-mime reads, on real-world mail.

  const root = new URL('../../', import.meta.url).pathname;
  const samples = ['server/demo/mail', 'test/fixtures/mail', 'test/fixtures/mail/hostile'].flatMap((dir) =>
    readdirSync(root + dir).filter((name) => name.endsWith('.eml')).map((name) => ({ name: `${dir}/${name}`, bytes: readFileSync(`${root}${dir}/${name}`) })));

  test.each(samples.map((s) => [s.name, s.bytes] as const))('%s', async (_name, bytes) => {
    const PostalMime = (await import('postal-mime')).default;
    const email = await PostalMime.parse(bytes);
    const { summary, messageId } = summarize('k', bytes.length, bytes);
    expect(summary.subject).toBe((email.subject ?? '').trim());
    expect(summary.from?.address ?? '').toBe(email.from && 'address' in email.from ? email.from.address ?? '' : '');
    expect(summary.from?.name ?? '').toBe(email.from?.name ?? '');
    expect(summary.to.map((a) => a.address)).toEqual((email.to ?? []).flatMap((a) => ('group' in a && a.group ? a.group : [a])).map((a) => a.address ?? ''));
    expect(summary.date).toBe(email.date && !Number.isNaN(Date.parse(email.date)) ? new Date(email.date).toISOString() : null);
    expect(messageId).toBe(email.messageId ?? null);
  });

  test('generated benchmark mail (encoded words, folded Received chains, long headers)', async () => {
    const PostalMime = (await import('postal-mime')).default;
    const { generateMessage } = await import('../../bench/generate.ts');
    for (let i = 0; i < 300; i++) {
      const bytes = generateMessage(7, i);
      const email = await PostalMime.parse(headerBlock(bytes));
      const { summary } = summarize('k', bytes.length, bytes);
      expect(summary.subject, `message ${i}`).toBe((email.subject ?? '').trim());
      expect(summary.from?.address, `message ${i}`).toBe(email.from && 'address' in email.from ? email.from.address : undefined);
      expect(summary.to.length, `message ${i}`).toBe(Math.min(50, (email.to ?? []).length));
    }
  });

  test('folded fields are unfolded, and several To fields are all read', () => {
    const { summary } = summarize('k', 1, enc('Subject: a long\r\n  folded subject\r\nTo: a@x.test\r\nTo: b@x.test,\r\n\tc@x.test\r\n\r\n'));
    expect(summary.subject).toBe('a long  folded subject');
    expect(summary.to.map((a) => a.address)).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
  });
});
