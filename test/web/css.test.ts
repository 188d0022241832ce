import { describe, expect, it } from 'vitest';
import { rewriteCss, type CssContext } from '../../web/lib/mail/css.ts';

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
