import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MESSAGE_FRAME_PATH, messageFrameResponse } from '../../../server/http/message-frame.ts';
import { APP_CSP } from '../../../server/http/security-headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a built page with the app's real CSP, the message frame document as
 * the server does, and mail files as the raw message route does
 * (GET /api/accounts/:account/messages/:key/raw), on a free loopback port.
 */
export async function serveStatic(root: string, mail: (key: string) => string | null): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    const raw = /^\/api\/accounts\/[^/]+\/messages\/([^/]+)\/raw$/.exec(path);
    try {
      if (raw) {
        const file = mail(raw[1] ?? '');
        if (!file) throw new Error('no such mail');
        res.writeHead(200, { 'content-type': 'message/rfc822', 'content-security-policy': 'sandbox', 'x-content-type-options': 'nosniff' });
        res.end(await readFile(file));
        return;
      }
      if (path === MESSAGE_FRAME_PATH) {
        const frame = messageFrameResponse(url.searchParams.get('remote') === '1');
        res.writeHead(200, frame.headers);
        res.end(frame.body);
        return;
      }
      const rel = normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, '');
      const body = await readFile(join(root, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'content-security-policy': APP_CSP });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
