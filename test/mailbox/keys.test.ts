import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MessageKey } from '../../shared/api/index.ts';
import { assignKeys, duplicateSignature, idFromHeader, idFromSharedUid, idFromUid } from '../../server/mailbox/keys.ts';

describe('message keys', () => {
  test('repeated unique-ids get distinct keys by occurrence, in message-number order', () => {
    const id = idFromUid('dup');
    const entries = assignKeys([{ msg: 3, size: 10, id, base: id }, { msg: 1, size: 10, id, base: id }, { msg: 2, size: 5, id: idFromUid('x'), base: idFromUid('x') }]);
    expect(entries.map((e) => [e.msg, e.key])).toEqual([[1, id], [2, idFromUid('x')], [3, `${id}.2`]]);
    expect(entries[0]!.occurrences).toBe(2);
    expect(duplicateSignature(entries, entries[0]!)).toBe('10,10');
    expect(duplicateSignature(entries, entries[1]!)).toBeNull();
  });

  test('property: keys are URL-safe, valid MessageKeys, and never collide across distinct (uid, occurrence)', () => {
    fc.assert(fc.property(fc.array(fc.string({ minLength: 1, maxLength: 200 }), { maxLength: 30 }), (uids) => {
      const entries = assignKeys(uids.map((uid, i) => ({ msg: i + 1, size: 1, id: idFromUid(uid), base: idFromUid(uid) })));
      const keys = entries.map((e) => e.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const k of keys) expect(MessageKey.safeParse(k).success).toBe(true);
    }));
  });

  test('a unique-id that looks like an occurrence suffix cannot collide with a real duplicate', () => {
    const a = assignKeys(['a', 'a', 'a.2'].map((uid, i) => ({ msg: i + 1, size: 1, id: idFromUid(uid), base: idFromUid(uid) })));
    expect(new Set(a.map((e) => e.key)).size).toBe(3);
  });

  test('a unique-id shared by different messages is told apart by content; identical copies by occurrence', () => {
    const header = (subject: string) => new TextEncoder().encode(`Subject: ${subject}\r\n\r\n`);
    const one = idFromSharedUid('dup', header('one'), 10);
    const two = idFromSharedUid('dup', header('two'), 10);
    expect(one).not.toBe(two);
    expect(one.startsWith(idFromUid('dup') + '.c')).toBe(true);
    const entries = assignKeys([one, two, one].map((id, i) => ({ msg: i + 1, size: 10, id, base: idFromUid('dup') })));
    expect(entries.map((e) => e.key)).toEqual([one, two, `${one}.2`]);
    for (const e of entries) expect(MessageKey.safeParse(e.key).success).toBe(true);
  });

  test('fingerprints depend on header bytes and size', () => {
    const h = new TextEncoder().encode('Subject: x\r\n\r\n');
    expect(idFromHeader(h, 10)).toBe(idFromHeader(h, 10));
    expect(idFromHeader(h, 10)).not.toBe(idFromHeader(h, 11));
    expect(idFromHeader(h, 10)).toMatch(/^f[0-9a-f]{40}$/);
  });
});
