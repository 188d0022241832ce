import { describe, expect, it } from 'vitest';
import { linkify, safeHref } from '../../web/lib/mail/linkify.ts';

describe('linkify', () => {
  it('turns http(s), www. and mailto into links and leaves the rest as text', () => {
    expect(linkify('See https://example.org/a?b=1, or www.example.com. Mail me: mailto:x@example.org!')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'www.example.com', href: 'https://www.example.com/' },
      { kind: 'text', text: '. Mail me: ' },
      { kind: 'link', text: 'mailto:x@example.org', href: 'mailto:x@example.org' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('keeps balanced brackets and drops an unbalanced closing one', () => {
    const [, link] = linkify('(see https://en.wikipedia.org/wiki/Foo_(bar))');
    expect(link).toEqual({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Foo_(bar)', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
  });

  it('never links other schemes', () => {
    expect(linkify('javascript:alert(1) data:text/html,x vbscript:x').every((t) => t.kind === 'text')).toBe(true);
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://ok.example/')).toBe('https://ok.example/');
  });

  it('loses no text', () => {
    const input = 'a https://x.example/ b www.y.example c\nhttp://z.example/)';
    expect(linkify(input).map((t) => t.text).join('')).toBe(input);
  });
});
