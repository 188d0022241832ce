import { isRemoteUrl } from './remote.ts';

export interface CssContext {
  allowRemote: boolean;
  resolveCid: (cid: string) => string | null;
  /** Incremented for every remote reference removed. */
  blocked: { count: number };
}

// Hex escapes can spell "url(" or "http" in disguise (\75 rl, \68 ttp); the
// letters, digits and punctuation of a URL are decoded so the rules below see
// them. Quotes, backslashes and newlines stay escaped to keep strings intact.
function unescapeUrlChars(css: string): string {
  return css
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (m, hex: string) => {
      const ch = String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff));
      return /^[a-z0-9:/.()@_-]$/i.test(ch) ? ch : m;
    })
    // "http\:\/\/" is "http://" to a CSS parser.
    .replace(/\\([g-z:/.()@_-])/gi, '$1');
}

// A CSS string, escapes included: "it's" is one string, not a quote to pair with the next one.
const CSS_STRING = /"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g;

function rewriteUrl(url: string, ctx: CssContext): string | null {
  const trimmed = url.trim();
  if (/^cid:/i.test(trimmed)) return ctx.resolveCid(trimmed.slice(4));
  if (/^data:/i.test(trimmed)) return trimmed;
  if (isRemoteUrl(trimmed)) {
    if (ctx.allowRemote) return trimmed;
    ctx.blocked.count++;
    return null;
  }
  // Relative references have no base in the message frame; drop them.
  return null;
}

/**
 * Rewrites a style sheet or style attribute so that, unless remote content is
 * allowed, it references nothing outside the message: @import rules and
 * remote url() / image-set() strings are removed, cid: references become the
 * message's own parts. The frame's CSP blocks the rest; this makes the block
 * visible (a count) and independent of CSP support.
 */
export function rewriteCss(input: string, ctx: CssContext): string {
  let css = unescapeUrlChars(input);
  css = css.replace(/@import\b[^;]*;?/gi, (rule) => {
    const m = /@import\s*(?:url\(\s*)?(['"]?)([^'")\s;]*)\1/i.exec(rule);
    if (ctx.allowRemote && m?.[2] && isRemoteUrl(m[2])) return rule;
    ctx.blocked.count++;
    return '';
  });
  css = css.replace(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi, (_m, _q: string, url: string) => {
    const next = rewriteUrl(url, ctx);
    return next === null ? 'none' : `url("${next.replace(/["\\\n\r]/g, '')}")`;
  });
  // Quoted strings that are remote URLs (image-set("…"), src: "…").
  css = css.replace(CSS_STRING, (whole) => {
    if (!isRemoteUrl(whole.slice(1, -1)) || ctx.allowRemote) return whole;
    ctx.blocked.count++;
    return '""';
  });
  // Removing text above must never be able to close the <style> element.
  return css.replace(/<\/(style)/gi, '<\\/$1');
}
