// The shared charset rules against iconv-lite (the reference decoder on the
// server side) and the RFCs' own examples.
import iconv from 'iconv-lite';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeLabelled, decodeUnlabelled, decoderFor } from '../../shared/mail/charset.ts';
import { decodeWords } from '../../shared/mail/encoded-words.ts';
import { decodeUtf7 } from '../../shared/mail/utf7.ts';
import { metaCharset, decodeBody } from '../../web/lib/mail/body-charset.ts';
import { unflow } from '../../web/lib/mail/flowed.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('charset labels (WHATWG Encoding Standard)', () => {
  test('iso-8859-1, latin1, us-ascii and ascii all read as windows-1252, 0x80-0x9F included', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const reference = iconv.decode(Buffer.from(all), 'windows-1252');
    for (const label of ['iso-8859-1', 'latin1', 'US-ASCII', 'ascii', 'windows-1252', 'cp1252']) {
      const text = decodeLabelled(all, label);
      // 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned: WHATWG keeps the C1 control, iconv-lite a U+FFFD.
      for (let i = 0; i < 256; i++) if (reference[i] !== '\uFFFD') expect(text[i], `${label} 0x${i.toString(16)}`).toBe(reference[i]);
    }
    expect(decodeLabelled(bytes('\x93x\x94 \x80'), 'iso-8859-1')).toBe('“x” €');
  });

  test('unknown labels are no label; a UTF-8 label on other bytes falls back', () => {
    expect(decoderFor('x-klingon')).toBeNull();
    expect(decoderFor('iso-2022-kr')).toBeNull(); // the WHATWG "replacement" encoding decodes nothing
    expect(decodeLabelled(utf8('été'), 'x-klingon')).toBe('été');
    expect(decodeLabelled(bytes('caf\xe9'), 'utf-8')).toBe('café');
    expect(decodeUnlabelled(bytes('\xe9'), decoderFor('koi8-r')!)).toBe('И');
  });
});

describe('UTF-7 (RFC 2152)', () => {
  test('the RFC examples', () => {
    expect(decodeUtf7(bytes('Hi Mom -+Jjo--!'))).toBe('Hi Mom -☺-!');
    expect(decodeUtf7(bytes('A+ImIDkQ.'))).toBe('A≢Α.');
    expect(decodeUtf7(bytes('+ZeVnLIqe-'))).toBe('日本語');
    expect(decodeUtf7(bytes('1 +- 1'))).toBe('1 + 1');
  });

  test('decodes whatever iconv-lite encodes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => {
      expect(decodeUtf7(new Uint8Array(iconv.encode(text, 'utf7')))).toBe(text);
    }));
  });
});

describe('encoded words (RFC 2047)', () => {
  const word = (chunk: Uint8Array, b: boolean) => b
    ? `=?UTF-8?B?${Buffer.from(chunk).toString('base64')}?=`
    : `=?utf-8?Q?${[...chunk].map((c) => `=${c.toString(16).padStart(2, '0')}`).join('')}?=`;

  test('text split into words at any byte, B or Q, decodes whole', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }), (text, cuts, kinds) => {
      const all = utf8(text);
      const at = [...new Set(cuts.map((c) => c % all.length))].sort((a, b) => a - b);
      const edges = [0, ...at.filter((c) => c > 0), all.length];
      const words = edges.slice(1).map((end, i) => word(all.subarray(edges[i]!, end), kinds[i]!));
      expect(decodeWords(words.join(' \r\n '))).toBe(text);
    }));
  });

  test('whitespace between words goes, text between words stays', () => {
    expect(decodeWords('=?utf-8?q?a?= \t =?iso-8859-1?q?b?= c =?utf-8?q?d?=')).toBe('ab c d');
    expect(decodeWords('=?utf-8?x?no?= =?')).toBe('=?utf-8?x?no?= =?');
  });
});

describe('text bodies', () => {
  test('an HTML <meta> names the charset the way a browser finds it', () => {
    expect(metaCharset(bytes('<html><head><meta charset="windows-1251">'))).toBe('windows-1251');
    expect(metaCharset(bytes('<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-2">'))).toBe('iso-8859-2');
    expect(metaCharset(bytes('<meta charset=utf-16le>'))).toBe('utf-8');
    expect(metaCharset(bytes(`${' '.repeat(1100)}<meta charset=koi8-r>`))).toBeNull();
  });

  test('no label, an unknown one or a wrong UTF-8 label: UTF-8 if valid, else detection', () => {
    expect(decodeBody(utf8('Grüße'), null)).toBe('Grüße');
    const russian = 'Уважаемые коллеги! Напоминаем, что завтра состоится общее собрание сотрудников.';
    expect(decodeBody(new Uint8Array(iconv.encode(russian, 'windows-1251')), 'utf-8')).toBe(russian);
    expect(decodeBody(bytes('plain ascii'), 'x-nothing')).toBe('plain ascii');
  });

  test('format=flowed joins soft breaks within a quote depth only (RFC 3676 section 4)', () => {
    expect(unflow('>a \n>b\n>>c \n>d\n', false)).toBe('>a b\n>>c \n>d\n');
    expect(unflow('-- \nsig\n x\n', false)).toBe('-- \nsig\nx\n');
    expect(unflow('日本 \n語\n', true)).toBe('日本語\n');
  });
});
