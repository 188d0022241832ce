// The document shown in the message frame. The frame is sandboxed without
// scripts; this CSP is the second wall: no script, no plugin, no form, and
// images, styles and fonts only from the message itself unless the user
// pressed "Show remote content".
export function messageFrameCsp(allowRemote: boolean): string {
  const remote = allowRemote ? ' https: http:' : '';
  return [
    "default-src 'none'",
    "script-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    `img-src data: blob:${remote}`,
    `style-src 'unsafe-inline'${remote}`,
    `font-src data:${remote}`,
  ].join('; ');
}

// Mail is written for a white page; keep it readable in dark mode by giving
// the frame its own light canvas.
const BASE_STYLE = `
:root { color-scheme: light; }
html, body { margin: 0; background: #fff; color: #1b1b1f; }
body { padding: 16px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; }
`;

export function buildFrameDocument(safeBodyHtml: string, allowRemote: boolean): string {
  const csp = messageFrameCsp(allowRemote).replace(/"/g, '&quot;');
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    '<meta name="referrer" content="no-referrer">' +
    `<style>${BASE_STYLE}</style></head><body>${safeBodyHtml}</body></html>`
  );
}
