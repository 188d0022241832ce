import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultilineDecoder, concatBytes } from '../../shared/pop3/index.ts';
import type { BodyMode } from '../../shared/pop3/index.ts';
import { bytes, text } from './helpers.ts';

/** Feeds `input` split at `cuts` and returns the body, whether it ended, and the bytes after the terminator. */
function decodeInPieces(mode: BodyMode, input: Uint8Array, cuts: number[]): { body: string; ended: boolean; rest: string } {
  const decoder = new MultilineDecoder(mode);
  const out: Uint8Array[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  let offset = 0;
  const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
  for (const end of [...points, input.length]) {
    pending = concatBytes([pending, input.subarray(offset, end)]);
    offset = end;
    const step = decoder.decode(pending, 0);
    out.push(...step.chunks.map((chunk) => chunk.slice()));
    pending = pending.subarray(step.next);
    if (step.ended) return { body: text(concatBytes([new Uint8Array(0), ...out])), ended: true, rest: text(concatBytes([pending, input.subarray(offset)])) };
  }
  return { body: text(concatBytes([new Uint8Array(0), ...out])), ended: false, rest: '' };
}

const whole = (mode: BodyMode, input: string) => decodeInPieces(mode, bytes(input), []);

describe('multi-line bodies', () => {
  it('V0002: a leading dot is removed from every line that is not the terminator', () => {
    expect(whole('message', '..hidden\r\n...\r\nplain\r\n.\r\n')).toEqual({ body: '.hidden\r\n..\r\nplain\r\n', ended: true, rest: '' });
  });

  it('V0002: "." CRLF ends the body and is not part of it; what follows belongs to the next reply', () => {
    expect(whole('message', 'a\r\n.\r\n+OK next\r\n')).toEqual({ body: 'a\r\n', ended: true, rest: '+OK next\r\n' });
  });

  it('accepts a bare LF as line end, also on the terminator', () => {
    expect(whole('message', 'a\n..b\n.\n')).toEqual({ body: 'a\n.b\n', ended: true, rest: '' });
  });

  it('a dot that is not at the start of a line is data', () => {
    expect(whole('message', 'a.\r\n b .\r\n.\r\n').body).toBe('a.\r\n b .\r\n');
  });

  it('lines starting with "+OK" or "-ERR" are data, not replies', () => {
    expect(whole('message', '+OK not a reply\r\n-ERR nor this\r\n.\r\n').body).toBe('+OK not a reply\r\n-ERR nor this\r\n');
  });

  it('V0002: in LIST, UIDL and CAPA replies any line beginning with the termination octet ends the listing', () => {
    expect(whole('listing', '1 100\r\n. trailing junk\r\n+OK\r\n')).toEqual({ body: '1 100\r\n', ended: true, rest: '+OK\r\n' });
    expect(whole('listing', 'TOP\r\n.\r\n')).toEqual({ body: 'TOP\r\n', ended: true, rest: '' });
  });

  it('an unterminated body has not ended (the caller treats end of connection as an error)', () => {
    expect(whole('message', 'a\r\nb\r\n').ended).toBe(false);
    expect(whole('message', 'a\r\n.').ended).toBe(false);
    expect(whole('message', 'a\r\n.\r').ended).toBe(false);
  });

  it('streams a long line without waiting for its end', () => {
    const decoder = new MultilineDecoder('message');
    const step = decoder.decode(bytes('x'.repeat(100_000)), 0);
    expect(step.chunks.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(100_000);
    expect(step.ended).toBe(false);
  });

  it('hands out views of the input without copying', () => {
    const input = bytes('line one\r\nline two\r\n');
    const step = new MultilineDecoder('message').decode(input, 0);
    expect(step.chunks).toHaveLength(1);
    expect(step.chunks[0]!.buffer).toBe(input.buffer);
  });

  // Lines built from pieces that stress the terminator and dot-stuffing.
  const line = fc.array(fc.constantFrom('.', '..', 'a', ' ', '+OK', '-ERR', '\r', 'é', '.\r'), { maxLength: 6 }).map((parts) => parts.join(''));
  const body = fc.array(line, { maxLength: 20 });

  function stuff(lines: string[]): string {
    return lines.map((l) => (l.startsWith('.') ? '.' + l : l) + '\r\n').join('') + '.\r\n';
  }

  it('every way of splitting the bytes into chunks gives the same body (property)', () => {
    fc.assert(
      fc.property(body, fc.array(fc.nat(), { maxLength: 30 }), fc.constantFrom<BodyMode>('message'), (lines, cuts, mode) => {
        const input = bytes(stuff(lines) + '+OK after\r\n');
        const expected = lines.map((l) => l + '\r\n').join('');
        const result = decodeInPieces(mode, input, cuts);
        expect(result).toEqual({ body: expected, ended: true, rest: '+OK after\r\n' });
      }),
      { numRuns: 2000 },
    );
  });

  it('splitting at every single offset gives the same body', () => {
    const input = bytes(stuff(['.', '..', '', '.\r', 'x.', '.\rx', '+OK', '.']) + 'tail');
    const expected = whole('message', text(input));
    for (let cut = 0; cut <= input.length; cut++) {
      expect(decodeInPieces('message', input, [cut]), `cut at ${cut}`).toEqual(expected);
    }
    const byteByByte = decodeInPieces('message', input, Array.from({ length: input.length }, (_, i) => i));
    expect(byteByByte).toEqual(expected);
  });
});
