import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * The document the message body is shown in, served with its own CSP.
 *
 * Why not srcdoc, blob: or data:: a document with a local-scheme URL inherits
 * the CSP of the page that made it, sandboxed or not (CSP3 and HTML's policy
 * container; WPT content-security-policy/inheritance). A srcdoc frame showing
 * remote images would need the app's own CSP to allow them. A document
 * fetched from the server gets the policy of its own response instead, so the
 * app keeps img-src 'self' and this document alone says what mail may load.
 *
 * The app puts the sanitised body in with postMessage. The one script it
 * takes is FRAME_SCRIPT, allowed by its hash. That is safe because:
 * - the frame is sandboxed without allow-same-origin (attribute, and the CSP
 *   `sandbox` directive below for a top-level load): an opaque origin, no
 *   access to the app's DOM, cookies or storage, even for this script;
 * - script-src holds that hash and nothing else: no 'unsafe-inline' (so no
 *   inline handlers or javascript: URLs), no 'unsafe-eval', no host, no
 *   'strict-dynamic'. A <script> the mail smuggled past DOMPurify, or one
 *   added by innerHTML (which never runs), cannot run; the only text with
 *   that hash is this script, so the mail can at most run it again;
 * - the script only writes what its parent posts into the body; it reads no
 *   URL, cookie or storage, and connect-src falls back to 'none'.
 */
const FRAME_SCRIPT = `
addEventListener('message', function show(event) {
  if (event.source !== parent || !event.data || typeof event.data.html !== 'string') return;
  removeEventListener('message', show);
  document.body.innerHTML = event.data.html;
  document.body.getBoundingClientRect();
  var images = Array.prototype.map.call(document.images, function (img) { return img.decode().catch(function () {}); });
  var late = new Promise(function (resolve) { setTimeout(resolve, 3000); });
  Promise.race([Promise.all(images.concat(document.fonts.ready)), late]).then(function () {
    setTimeout(function () { parent.postMessage({ type: 'shown' }, '*'); }, 0);
  });
});
parent.postMessage({ type: 'ready' }, '*');
`;

const SCRIPT_HASH = `'sha256-${createHash('sha256').update(FRAME_SCRIPT).digest('base64')}'`;

// Mail is written for a white page; keep it readable in dark mode with a light canvas.
const BASE_STYLE = `
:root { color-scheme: light; }
html, body { margin: 0; background: #fff; color: #1b1b1f; }
body { padding: 16px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; }
`;

const DOCUMENT =
  '<!doctype html><html><head><meta charset="utf-8"><title>Message body</title>' +
  `<style>${BASE_STYLE}</style></head><body><script>${FRAME_SCRIPT}</script></body></html>`;

/** Path of the frame document; `?remote=1` is the variant shown after "Show remote content". */
export const MESSAGE_FRAME_PATH = '/frame/message.html';

/**
 * No script but FRAME_SCRIPT, no plugin, form, frame or fetch. Images, styles
 * and fonts from the message itself (data:; cid: parts arrive as data: URLs),
 * and from the network only once the person pressed "Show remote content".
 */
export function messageFrameCsp(allowRemote: boolean): string {
  const remote = allowRemote ? ' https: http:' : '';
  return [
    "default-src 'none'",
    `script-src ${SCRIPT_HASH}`,
    `img-src data:${remote}`,
    `style-src 'unsafe-inline'${remote}`,
    `font-src data:${remote}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    'sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}

/** Headers and body of the frame document, for the server and the test harness alike. */
export function messageFrameResponse(allowRemote: boolean): { headers: Record<string, string>; body: string } {
  return {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': messageFrameCsp(allowRemote),
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    },
    body: DOCUMENT,
  };
}

/** GET /frame/message.html[?remote=1] — static, holds no mail and needs no session. */
export function messageFrameRoute(app: FastifyInstance): void {
  app.get<{ Querystring: { remote?: string } }>(MESSAGE_FRAME_PATH, async (req, reply) => {
    const { headers, body } = messageFrameResponse(req.query.remote === '1');
    return reply.headers(headers).send(body);
  });
}
