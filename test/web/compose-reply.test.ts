import { describe, expect, test } from 'vitest';
import type { Original } from '../../web/lib/compose/original.ts';
import {
  MAX_REFERENCES,
  forwardFields,
  forwardSubject,
  newFields,
  quote,
  replyFields,
  replyRecipients,
  replyReferences,
  replySubject,
  signatureBlock,
} from '../../web/lib/compose/reply.ts';

const original = (over: Partial<Original> = {}): Original => ({
  from: { name: 'Carol Jones', address: 'carol@example.org' },
  replyTo: [],
  to: [{ name: 'Me', address: 'me@example.test' }, { name: '', address: 'dave@example.org' }],
  cc: [{ name: 'Erin', address: 'erin@example.org' }],
  subject: 'Plans',
  date: '2026-03-01T10:00:00.000Z',
  messageId: '<m2@example.org>',
  references: ['<m0@example.org>', '<m1@example.org>'],
  text: 'Hello,\n> earlier words\n\nBye',
  ...over,
});
const own = { address: 'ME@example.test', signature: 'Me\nexample.test' };

describe('reply subjects and quotes', () => {
  test('the subject starts with "Re: " exactly once, whatever case the old prefixes had', () => {
    expect(replySubject('Plans')).toBe('Re: Plans');
    expect(replySubject('Re: Plans')).toBe('Re: Plans');
    expect(replySubject('RE: re:Re : Plans')).toBe('Re: Plans');
    expect(replySubject('Fwd: Plans')).toBe('Re: Fwd: Plans');
    expect(forwardSubject('Fwd: FW: Plans')).toBe('Fwd: Plans');
    expect(forwardSubject('Re: Plans')).toBe('Fwd: Re: Plans');
  });

  test('each line is quoted with "> ", quoted lines get one more ">", empty lines a bare ">"', () => {
    expect(quote('Hello,\n> earlier words\n>> older\n\nBye  \n')).toBe('> Hello,\n>> earlier words\n>>> older\n>\n> Bye');
    expect(quote('a\r\nb')).toBe('> a\n> b');
  });

  test('the signature goes under a "-- " line, and only when there is one', () => {
    expect(signatureBlock('Me\n')).toBe('\n\n-- \nMe');
    expect(signatureBlock('  \n')).toBe('');
  });

  test('a reply quotes the original under the signature, with who wrote it and when', () => {
    const fields = replyFields(original(), 'reply', own, '1 March 2026 at 10:00');
    expect(fields.subject).toBe('Re: Plans');
    expect(fields.text).toBe('\n\n-- \nMe\nexample.test\n\nOn 1 March 2026 at 10:00, Carol Jones wrote:\n> Hello,\n>> earlier words\n>\n> Bye\n');
    expect(newFields({ signature: '' }).text).toBe('');
  });
});

describe('reply threading', () => {
  test('In-Reply-To is the Message-ID; References are the old ones plus it', () => {
    const fields = replyFields(original(), 'reply', own, '');
    expect(fields.inReplyTo).toBe('<m2@example.org>');
    expect(fields.references).toEqual(['<m0@example.org>', '<m1@example.org>', '<m2@example.org>']);
  });

  test('a message without Message-ID gives no In-Reply-To', () => {
    const fields = replyFields(original({ messageId: null, references: [] }), 'reply', own, '');
    expect(fields.inReplyTo).toBeUndefined();
    expect(fields.references).toBeUndefined();
  });

  test('long threads keep the root and the newest references, no duplicates', () => {
    const refs = Array.from({ length: 40 }, (_, i) => `<r${i}@x>`);
    const out = replyReferences(original({ references: [...refs, '<r5@x>'], messageId: '<new@x>' }));
    expect(out).toHaveLength(MAX_REFERENCES);
    expect(out[0]).toBe('<r0@x>');
    expect(out.at(-1)).toBe('<new@x>');
    expect(out.at(-2)).toBe('<r39@x>');
    expect(new Set(out).size).toBe(out.length);
  });
});

describe('reply recipients', () => {
  test('a reply goes to From, or to Reply-To when there is one', () => {
    expect(replyRecipients(original(), 'reply', own.address)).toEqual({ to: [{ name: 'Carol Jones', address: 'carol@example.org' }], cc: [] });
    const list = { name: 'List', address: 'list@example.org' };
    expect(replyRecipients(original({ replyTo: [list] }), 'reply', own.address).to).toEqual([list]);
  });

  test('reply all adds To and Cc, leaves out the own address (any case) and duplicates', () => {
    const o = original({ cc: [{ name: 'Erin', address: 'erin@example.org' }, { name: 'Carol again', address: 'CAROL@example.org' }, { name: '', address: 'me@EXAMPLE.test' }] });
    const { to, cc } = replyRecipients(o, 'replyAll', own.address);
    expect(to.map((a) => a.address)).toEqual(['carol@example.org', 'dave@example.org']);
    expect(cc.map((a) => a.address)).toEqual(['erin@example.org']);
    const fields = replyFields(o, 'replyAll', own, '');
    expect(fields.to).toBe('Carol Jones <carol@example.org>, dave@example.org');
    expect(fields.cc).toBe('Erin <erin@example.org>');
  });
});

describe('forward', () => {
  test('the original comes under a forwarded-message block with its headers', () => {
    const fields = forwardFields(original(), { signature: '' }, '1 March 2026');
    expect(fields.subject).toBe('Fwd: Plans');
    expect(fields.to).toBe('');
    expect(fields.text).toBe([
      '', '', '---------- Forwarded message ---------',
      'From: Carol Jones <carol@example.org>',
      'Date: 1 March 2026',
      'Subject: Plans',
      'To: Me <me@example.test>, dave@example.org',
      'Cc: Erin <erin@example.org>',
      '', 'Hello,', '> earlier words', '', 'Bye', '',
    ].join('\n'));
  });
});
