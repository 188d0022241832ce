import { describe, expect, it } from 'vitest';
import { tokenize, TokenType } from '@csstools/css-tokenizer';
import { rewriteCss, type CssContext } from '../../web/lib/mail/css.ts';
import { isRemoteUrl } from '../../web/lib/mail/remote.ts';

function ctx(allowRemote = false): CssContext {
  return { allowRemote, resolveCid: (cid) => (cid === 'logo' ? 'data:image/png;base64,AAAA' : null), blocked: { count: 0 } };
}

describe('rewriteCss', () => {
  it('removes remote url(), @import and remote strings, counting each', () => {
    const c = ctx();
    const out = rewriteCss(
      '@import url(http://evil.example/a.css); @import "//evil.example/b.css";' +
        'p{background:url( "https://evil.example/p.png" ) no-repeat} i{background-image:image-set("http://evil.example/x.png" 1x)}',
      c,
    );
    expect(out).not.toMatch(/evil\.example/);
    expect(c.blocked.count).toBe(4);
  });

  it('sees through hex escapes that spell url( or http', () => {
    const c = ctx();
    const out = rewriteCss('p{background:\\75 rl(\\68 ttp://evil.example/x)}', c);
    expect(out).not.toMatch(/evil\.example/);
    expect(c.blocked.count).toBe(1);
  });

  it('resolves cid: to the message part and keeps data:', () => {
    const out = rewriteCss('a{background:url(cid:logo)} b{background:url(data:image/gif;base64,R0)}', ctx());
    expect(out).toContain('url("data:image/png;base64,AAAA")');
    expect(out).toContain('url("data:image/gif;base64,R0")');
  });

  it('resolves cid: inside image-set() and drops relative references', () => {
    const c = ctx();
    expect(rewriteCss('p{background-image:image-set("cid:logo" 1x, "rel.png" 2x)} i{background:url(rel.png)}', c))
      .toBe('p{background-image:image-set("data:image/png;base64,AAAA" 1x, "" 2x)} i{background:none}');
    expect(c.blocked.count).toBe(0);
  });

  it('keeps remote references once remote content is allowed', () => {
    const c = ctx(true);
    expect(rewriteCss('p{background:url(https://ok.example/p.png)}', c)).toContain('https://ok.example/p.png');
    expect(c.blocked.count).toBe(0);
  });

  it('cannot be made to close the style element', () => {
    expect(rewriteCss('</@import "x";style><script>', ctx())).not.toMatch(/<\/style/i);
  });
});

describe('rewriteCss against tricks found in review', () => {
  const remote = 'http://127.0.0.1:9/leak/x';
  it.each([
    ['a quote inside a string does not pair with the next one', `.x{font-family:"it's";background-image:image-set("${remote}" 1x)}`],
    ['@import without a space', `@import"${remote}";`],
    ['a scheme without slashes', `i{background-image:image-set("https:127.0.0.1:9/leak/x" 1x)}`],
    ['escaped colon and slashes', `i{background-image:image-set("http\\:\\/\\/127.0.0.1:9/leak/x" 1x)}`],
  ])('%s', (_name, css) => {
    const c = ctx();
    const out = rewriteCss(css, c);
    expect(out).not.toMatch(/127\.0\.0\.1/);
    expect(c.blocked.count).toBeGreaterThan(0);
  });

  it('leaves strings that are not URLs alone', () => {
    const c = ctx();
    expect(rewriteCss(`.x{font-family:"it's a font";content:"http is a word"}`, c)).toBe(`.x{font-family:"it's a font";content:"http is a word"}`);
    expect(c.blocked.count).toBe(0);
  });
});

// Every row puts a remote reference where a browser would fetch it. Each must
// be removed and counted (the count shows the "Show remote content" banner),
// and put back once remote content is allowed.
describe('rewriteCss against hostile style sheets', () => {
  const R = 'http://127.0.0.1:9/leak/x';
  const HOSTILE: [string, string][] = [
    ['a quote escaped in an unquoted url', `p{background:url(http://127.0.0.1:9/leak/x\\'y)}`],
    ['a double quote escaped in an unquoted url', `p{background:url(http://127.0.0.1:9/leak/x\\"y)}`],
    ['an escaped close paren in an unquoted url', `p{background:url(http://127.0.0.1:9/leak/x\\)y)}`],
    ['url( with an escaped letter', `p{background:u\\rl(${R})}`],
    ['url( with a hex escape', `p{background:\\75 rl(${R})}`],
    ['url( with a six-digit hex escape', `p{background:\\000075rl(${R})}`],
    ['uppercase URL(', `p{background:URL(${R})}`],
    ['uppercase URL( with a string', `p{background:URL( '${R}' )}`],
    ['escaped scheme inside a string', `p{background:url("\\68 ttp://127.0.0.1:9/leak/x")}`],
    ['protocol-relative', `p{background:url(//127.0.0.1:9/leak/x)}`],
    ['https', `p{background:url(https://127.0.0.1:9/leak/x)}`],
    ['a comment before url(', `p{background:/*x*/url(${R})/*y*/}`],
    ['a comment inside image-set(', `p{background-image:image-set(/*x*/"${R}"/*y*/ 1x)}`],
    ['a comment in the url', `p{background:url(${R}/*x*/)}`],
    ['a comment between @import and its string', `@import/**/"${R}";`],
    ['nested image-set', `p{background-image:image-set(image-set("${R}" 1x) 1x)}`],
    ['url() inside cross-fade()', `p{background-image:cross-fade(url(${R}) 50%, url(data:image/gif;base64,R0))}`],
    ['url() inside a custom property', `p{--bg:url(${R});background:var(--bg)}`],
    ['an unterminated string at the end', `p{background-image:image-set("${R}`],
    ['an unterminated url at the end', `p{background:url(${R}`],
    ['an unterminated url( string at the end', `p{background:url("${R}`],
    ['@import url()', `@import url(${R});`],
    ['@import url() with an escaped quote', `@import url(${R}\\'y);`],
    ['@import with a string and media', `@import '${R}' screen;`],
    ['@import uppercase and escaped', `@\\49MPORT "${R}";`],
    ['@import with layer and supports', `@import url("${R}") layer(x) supports(display:grid);`],
    ['@import without a semicolon at the end', `@import "${R}"`],
    ['font-face src', `@font-face{font-family:x;src:url(${R}\\'.woff) format("woff")}`],
    ['font-face src with a string', `@font-face{font-family:x;src:url("${R}"),local(x)}`],
    ['src() with a string', `@font-face{font-family:x;src:src("${R}")}`],
    ['cursor', `p{cursor:url(${R}\\'.cur),auto}`],
    ['list-style-image', `li{list-style-image:url(${R}\\'.png)}`],
    ['border-image', `p{border-image:url(${R}\\'.png) 30 round}`],
    ['mask', `p{mask:url(${R}\\'.svg#m)}`],
    ['-webkit-mask-image', `p{-webkit-mask-image:url(${R}\\'.svg)}`],
    ['filter url()', `p{filter:url(${R}\\'.svg#f)}`],
    ['-webkit-image-set with url()', `p{background-image:-webkit-image-set(url(${R}\\'.png) 1x)}`],
    ['-webkit-image-set with a string', `p{background-image:-webkit-image-set("${R}" 1x, "${R}2" 2x)}`],
    ['image-set with type()', `p{background-image:image-set("${R}" type("image/avif"))}`],
    ['tabs and newlines around the url', `p{background:url(\t\n${R}\n\t)}`],
    ['form feeds around a string', `p{background:url(\f"${R}"\f)}`],
    ['CRLF inside image-set', `p{background-image:image-set(\r\n'${R}'\r\n1x)}`],
    ['a tab inside the scheme', `p{background:url("ht\\9 tp://127.0.0.1:9/leak/x")}`],
    ['a style attribute', `background:url(${R}\\'y)`],
  ];

  it.each(HOSTILE)('%s: removed and counted', (_name, css) => {
    const c = ctx();
    const out = rewriteCss(css, c);
    expect(out).not.toMatch(/127\.0\.0\.1|leak|\\68|ht\\9/i);
    expect(c.blocked.count).toBeGreaterThan(0);
  });

  it.each(HOSTILE)('%s: kept once remote content is allowed', (_name, css) => {
    const c = ctx(true);
    expect(rewriteCss(css, c)).toMatch(/127\.0\.0\.1/);
    expect(c.blocked.count).toBe(0);
  });
});

// Random sheets built from the pieces attacks are made of. Whatever the
// tokenizer makes of them, no url() or string in the output may name a remote
// URL: the output is read back with the same tokenizer a browser follows.
describe('rewriteCss on random sheets', () => {
  const PIECES = [
    'url(', 'URL(', 'u\\rl(', '\\75 rl(', 'src(', 'image-set(', '-webkit-image-set(', '@import ', '@\\69mport', '"', "'", '(', ')',
    '\\', '\\27 ', '\\22 ', '\\29 ', '/*', '*/', ' ', '\n', '\t', ';', '{', '}', ':', ',', 'p', '1x', 'a',
    'http://127.0.0.1:9/leak/', '//127.0.0.1:9/leak/', 'https:127.0.0.1:9', 'ht\\9 tp://127.0.0.1:9/leak/', 'cid:logo', 'data:image/gif;base64,R0', '</style',
  ];
  let seed = 0x9e3779b9;
  const random = (n: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed % n;
  };

  it('never lets a remote reference through, over 3000 sheets', () => {
    for (let round = 0; round < 3000; round++) {
      const css = Array.from({ length: 4 + random(20) }, () => PIECES[random(PIECES.length)]).join('');
      const out = rewriteCss(css, ctx());
      const leaked = tokenize({ css: out }).filter((t) =>
        t[0] === TokenType.BadURL
          ? isRemoteUrl(t[1].replace(/^[^(]*\(\s*['"]?/, ''))
          : (t[0] === TokenType.URL || t[0] === TokenType.String) && isRemoteUrl(t[4].value.replace(/[\t\n\r]/g, '')));
      expect(leaked, css).toEqual([]);
      expect(out, css).not.toMatch(/<\/style/i);
    }
  });
});
