import DOMPurify from 'dompurify';
import { rewriteCss, type CssContext } from './css.ts';
import { isRemoteUrl } from './remote.ts';

export interface SanitizeOptions {
  allowRemote: boolean;
  /** Maps a Content-ID (without "cid:") to a data: URL of the message's own part. */
  resolveCid: (cid: string) => string | null;
}

export interface SanitizedHtml {
  html: string;
  /** How many remote references were removed; 0 means nothing to unblock. */
  blockedRemote: number;
}

// Elements that submit, embed, navigate or load by themselves. Scripts are
// removed by DOMPurify already; these would still leak or mislead.
const FORBID_TAGS = [
  'form', 'input', 'button', 'select', 'textarea', 'option', 'optgroup', 'datalist',
  'meta', 'link', 'base', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
  'audio', 'video', 'source', 'track', 'picture', 'portal', 'noscript', 'template',
];

// Attributes that fetch (srcset, ping, poster), submit (action) or smuggle
// an extra URL past the src/href checks below.
const FORBID_ATTR = [
  'srcset', 'ping', 'poster', 'action', 'formaction', 'lowsrc', 'dynsrc', 'longdesc',
  'xlink:href', 'manifest', 'codebase', 'archive', 'profile', 'usemap', 'target', 'rel',
];

const LINK_SCHEMES = /^(?:https?:|mailto:)/i;

/** http(s) links must name a host ("http:/path" would resolve against the app); mailto: needs none. */
function isAbsoluteLink(href: string): boolean {
  if (/^mailto:/i.test(href)) return true;
  try {
    return new URL(href).host !== '' && /^https?:\/\//i.test(href);
  } catch {
    return false;
  }
}

/** Sanitises a mail's HTML for display in the sandboxed message frame. */
export function sanitizeHtml(dirty: string, options: SanitizeOptions): SanitizedHtml {
  const purify = DOMPurify(window);
  const blocked = { count: 0 };
  const css: CssContext = { allowRemote: options.allowRemote, resolveCid: options.resolveCid, blocked };

  // Where a mail may show an image: its own parts (cid:), inline data: images,
  // and remote ones only after the user asked for them.
  const imageUrl = (url: string): string | null => {
    const u = url.trim();
    if (/^cid:/i.test(u)) return options.resolveCid(u.slice(4));
    if (/^data:image\//i.test(u)) return u;
    if (isRemoteUrl(u)) {
      if (options.allowRemote) return u;
      blocked.count++;
      return null;
    }
    return null;
  };

  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && node.textContent) node.textContent = rewriteCss(node.textContent, css);
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    if (!(node instanceof Element)) return;
    const href = node.getAttribute('href');
    if (href !== null) {
      const h = href.trim();
      // In-message "#anchor" and relative links are dropped: they would resolve
      // against the frame document's URL on the app's server.
      if (LINK_SCHEMES.test(h) && isAbsoluteLink(h) && (node.tagName === 'A' || node.tagName === 'AREA')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else {
        node.removeAttribute('href');
      }
    }
    for (const attr of ['src', 'background']) {
      const value = node.getAttribute(attr);
      if (value === null) continue;
      const next = node.tagName === 'IMG' || attr === 'background' ? imageUrl(value) : null;
      if (next === null) node.removeAttribute(attr);
      else node.setAttribute(attr, next);
    }
    const style = node.getAttribute('style');
    if (style !== null) node.setAttribute('style', rewriteCss(style, css));
  });

  const html = purify.sanitize(dirty, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ADD_ATTR: ['background'],
    FORCE_BODY: true,
    ALLOW_UNKNOWN_PROTOCOLS: false,
  });
  return { html, blockedRemote: blocked.count };
}
