// Message bytes on the wire: CRLF normalisation, TOP slices, byte-stuffing.

import { describe, expect, it } from 'vitest';
import { dotStuffed, normaliseCrlf, topOf } from '../../server/pop3-server/index.ts';

describe('normaliseCrlf', () => {
  it.each([
    ['', ''], ['a', 'a\r\n'], ['a\n', 'a\r\n'], ['a\r', 'a\r\n'], ['\n\n', '\r\n\r\n'],
    ['\r\r\n', '\r\n\r\n'], ['a\r\nb\rc\nd', 'a\r\nb\r\nc\r\nd\r\n'], ['x\r\n', 'x\r\n'],
  ])('%j becomes %j', (input, output) => {
    expect(normaliseCrlf(Buffer.from(input)).toString()).toBe(output);
  });
});

describe('topOf', () => {
  const message = Buffer.from('A: 1\r\nB: 2\r\n\r\none\r\ntwo\r\n');
  it('cuts after the blank line and n body lines', () => {
    expect(topOf(message, 0).toString()).toBe('A: 1\r\nB: 2\r\n\r\n');
    expect(topOf(message, 1).toString()).toBe('A: 1\r\nB: 2\r\n\r\none\r\n');
    expect(topOf(message, 5).toString()).toBe(message.toString());
    expect(topOf(Buffer.from('A: 1\r\n'), 0).toString()).toBe('A: 1\r\n');
  });
});

describe('dotStuffed', () => {
  const stuff = (text: string, maxPiece?: number) => [...dotStuffed(Buffer.from(text), maxPiece)];

  it('doubles a leading dot on every line, including the first and a lone "."', () => {
    expect(Buffer.concat(stuff('.a\r\nb.\r\n.\r\n..\r\n')).toString()).toBe('..a\r\nb.\r\n..\r\n...\r\n');
    expect(stuff('')).toEqual([]);
  });

  it('yields pieces no larger than asked, that join to the stuffed text', () => {
    const text = `${'x'.repeat(1000)}\r\n.${'y'.repeat(300)}\r\n`;
    const pieces = stuff(text, 128);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(128);
    expect(Buffer.concat(pieces).toString()).toBe(text.replace('\r\n.', '\r\n..'));
  });
});
