import { describe, expect, test } from 'vitest';
import { readOriginal } from '../../web/lib/compose/original.ts';
import { parseMail } from '../../web/lib/mail/parse-core.ts';

const raw = [
  'From: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.org>',
  'To: me@example.test',
  'Reply-To: "Team, all" <team@example.org>, =?UTF-8?Q?G=C3=BCnter?= <g@example.org>',
  'Subject: Hallo',
  'Date: Sun, 01 Mar 2026 10:00:00 +0000',
  'Message-ID:',
  ' <m2@example.org>',
  'References: <m0@example.org>',
  '  <m1@example.org>',
  '',
  'Body line',
  '',
].join('\r\n');

describe('what a reply needs from the original', () => {
  test('Message-ID, References and Reply-To come from the raw header, folded and encoded ones too', async () => {
    const bytes = new TextEncoder().encode(raw).buffer as ArrayBuffer;
    const original = readOriginal(bytes, await parseMail(bytes.slice(0)));
    expect(original.messageId).toBe('<m2@example.org>');
    expect(original.references).toEqual(['<m0@example.org>', '<m1@example.org>']);
    expect(original.replyTo).toEqual([{ name: 'Team, all', address: 'team@example.org' }, { name: 'Günter', address: 'g@example.org' }]);
    expect(original.from).toEqual({ name: 'Jürgen', address: 'juergen@example.org' });
    expect(original.text.trim()).toBe('Body line');
  });
});
