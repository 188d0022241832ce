import { tokenize, TokenType, type CSSToken } from '@csstools/css-tokenizer';
import { isRemoteUrl } from './remote.ts';

export interface CssContext {
  allowRemote: boolean;
  resolveCid: (cid: string) => string | null;
  /** Incremented for every remote reference removed. */
  blocked: { count: number };
}

// Functions whose argument is one URL: url("…") as a function token (the
// unquoted form is a url-token), and CSS Values 5 src("…").
const URL_FUNCTIONS = new Set(['url', 'src']);
// Functions that take image URLs as bare strings, at any depth.
const IMAGE_FUNCTIONS = new Set(['image-set', '-webkit-image-set', 'image', 'cross-fade', '-webkit-cross-fade']);

const OPENERS = new Set<string>([TokenType.Function, TokenType.OpenParen, TokenType.OpenSquare, TokenType.OpenCurly]);
const CLOSERS = new Set<string>([TokenType.CloseParen, TokenType.CloseSquare, TokenType.CloseCurly]);

// What a URL parser does first: drop tab and newline anywhere, and C0
// controls and spaces at both ends ("ht\9 tp://x" is http://x).
function normalize(url: string): string {
  return url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}

function isRemote(url: string): boolean {
  return isRemoteUrl(normalize(url));
}

/** A double-quoted CSS string whose value is exactly `value`. */
function cssString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}

/** The URL to write in place of `url`, or null to drop it. Remote ones are counted when dropped. */
function judge(url: string, ctx: CssContext): string | null {
  const u = normalize(url);
  if (/^cid:/i.test(u)) return ctx.resolveCid(u.slice(4));
  if (/^data:/i.test(u)) return u;
  if (isRemoteUrl(u)) {
    if (ctx.allowRemote) return u;
    ctx.blocked.count++;
    return null;
  }
  // Relative references and other schemes have no meaning in the message frame.
  return null;
}

/** Index of the token that closes the block opened at `open`, or of the last token before EOF. */
function closingIndex(tokens: CSSToken[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const type = tokens[j]![0];
    if (type === TokenType.EOF) return j - 1;
    if (OPENERS.has(type)) depth++;
    else if (CLOSERS.has(type) && --depth === 0) return j;
  }
  return tokens.length - 1;
}

/** Index of the last token of the at-rule starting at `at`: its ";", its block, or what ends the enclosing block. */
function atRuleEnd(tokens: CSSToken[], at: number): number {
  for (let j = at + 1; j < tokens.length; j++) {
    const type = tokens[j]![0];
    if (type === TokenType.EOF || CLOSERS.has(type)) return j - 1;
    if (type === TokenType.Semicolon) return j;
    if (type === TokenType.OpenCurly) return closingIndex(tokens, j);
    if (OPENERS.has(type)) j = closingIndex(tokens, j);
  }
  return tokens.length - 1;
}

/** The URL an @import names: its url-token, its string, or the string in its url(). */
function importedUrl(tokens: CSSToken[]): string {
  for (const t of tokens) {
    if (t[0] === TokenType.URL || t[0] === TokenType.String) return t[4].value;
  }
  return '';
}

function stringArgument(tokens: CSSToken[]): string {
  const s = tokens.find((t) => t[0] === TokenType.String);
  return s?.[0] === TokenType.String ? s[4].value : '';
}

function rewriteTokens(tokens: CSSToken[], ctx: CssContext): string {
  let out = '';
  // Names of the open functions and blocks, to know when a string is an image URL.
  const open: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t[0] === TokenType.URL) {
      const next = judge(t[4].value, ctx);
      out += next === null ? 'none' : `url(${cssString(next)})`;
    } else if (t[0] === TokenType.BadURL) {
      // The browser loads nothing for a bad-url; it still goes, and counts if it looks remote.
      if (isRemote(t[1].replace(/^[^(]*\(\s*['"]?/, '')) && !ctx.allowRemote) ctx.blocked.count++;
      out += 'none';
    } else if (t[0] === TokenType.Function && URL_FUNCTIONS.has(t[4].value.toLowerCase())) {
      const end = closingIndex(tokens, i);
      const next = judge(stringArgument(tokens.slice(i + 1, end + 1)), ctx);
      out += next === null ? 'none' : `url(${cssString(next)})`;
      i = end;
    } else if (t[0] === TokenType.AtKeyword && t[4].value.toLowerCase() === 'import') {
      const end = atRuleEnd(tokens, i);
      const rule = tokens.slice(i, end + 1);
      const url = importedUrl(rule);
      if (ctx.allowRemote && isRemote(url)) out += rewriteTokens(rule.slice(1), ctx).replace(/^/, t[1]);
      else if (isRemote(url)) ctx.blocked.count++;
      i = end;
    } else if (t[0] === TokenType.String) {
      if (open.some((name) => IMAGE_FUNCTIONS.has(name))) {
        out += cssString(judge(t[4].value, ctx) ?? '');
      } else if (isRemote(t[4].value) && !ctx.allowRemote) {
        // A remote URL in a string anywhere else goes too: a browser may learn a new place to load one from.
        ctx.blocked.count++;
        out += '""';
      } else {
        out += t[1];
      }
    } else {
      if (OPENERS.has(t[0])) open.push(t[0] === TokenType.Function ? t[4].value.toLowerCase() : '');
      else if (CLOSERS.has(t[0])) open.pop();
      out += t[1];
    }
  }
  // Nothing written may close the <style> element the sheet sits in.
  return out.replace(/<\/(style)/gi, '<\\/$1');
}

/**
 * Rewrites a style sheet or style attribute so that, unless remote content is
 * allowed, it references nothing outside the message: remote url(), src(),
 * image-set() strings and @import rules are removed and counted, cid:
 * references become the message's own parts, anything else is dropped. It
 * works on the CSS Syntax tokens a browser sees (escapes, comments and
 * unterminated strings included) and writes the sheet back from them, so it
 * stands on its own; the message frame's CSP is a second wall.
 */
export function rewriteCss(input: string, ctx: CssContext): string {
  const out = rewriteTokens(tokenize({ css: input }), ctx);
  // Fail closed: what was written must read back as already clean. If joining
  // the tokens formed a new reference, no style is kept at all.
  const again = { ...ctx, blocked: { count: 0 } };
  if (rewriteTokens(tokenize({ css: out }), again) !== out || again.blocked.count > 0) return '';
  return out;
}
