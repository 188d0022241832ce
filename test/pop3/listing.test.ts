import { describe, expect, it } from 'vitest';
import { Pop3Error, parseDropListing, parseScanList, parseScanListing, parseUniqueIdList, parseUniqueIdListing } from '../../shared/pop3/index.ts';
import { bytes } from './helpers.ts';

describe('listings', () => {
  it('C0017: STAT accepts runs of spaces and tabs and ignores what follows the size', () => {
    expect(parseDropListing('2 320')).toEqual({ count: 2, size: 320 });
    expect(parseDropListing('2 \t  320\textra stuff')).toEqual({ count: 2, size: 320 });
  });

  it('C0021: scan listings accept spaces and tabs and trailing information', () => {
    expect(parseScanListing('1\t\t120 more')).toEqual({ msg: 1, size: 120 });
    expect(parseScanList(bytes('1 120\r\n2  \t 200 x y\r\n3\t300\n'))).toEqual([
      { msg: 1, size: 120 },
      { msg: 2, size: 200 },
      { msg: 3, size: 300 },
    ]);
  });

  it('C0038: unique-id listings accept spaces and tabs and trailing information', () => {
    expect(parseUniqueIdListing('1 \t whqtswO00WBw418f9t5JxYwZ extra')).toEqual({ msg: 1, uid: 'whqtswO00WBw418f9t5JxYwZ' });
    expect(parseUniqueIdList(bytes('1 a\r\n2\tb\r\n'))).toEqual([{ msg: 1, uid: 'a' }, { msg: 2, uid: 'b' }]);
  });

  it('C0039: unique-ids are printable ASCII; control characters or a missing id are a protocol error', () => {
    expect(() => parseUniqueIdListing('1')).toThrow(Pop3Error);
    expect(() => parseUniqueIdListing('1 ab\u0001c')).toThrow(/malformed/);
    expect(() => parseUniqueIdListing('1 ' + 'x'.repeat(300))).toThrow(Pop3Error);
    expect(parseUniqueIdListing('7 ' + 'x'.repeat(70)).uid).toHaveLength(70);
  });

  it('C0011: message numbers start at 1; 0, negatives and words are protocol errors', () => {
    for (const line of ['0 100', '-1 100', 'one 100', '1 big', '']) {
      expect(() => parseScanListing(line), line).toThrow(Pop3Error);
    }
    try {
      parseScanListing('x 1');
    } catch (error) {
      expect((error as Pop3Error).code).toBe('PROTOCOL');
    }
  });

  it('C0041: two messages with the same unique-id are both listed', () => {
    expect(parseUniqueIdList(bytes('1 same\r\n2 same\r\n'))).toEqual([{ msg: 1, uid: 'same' }, { msg: 2, uid: 'same' }]);
  });
});
