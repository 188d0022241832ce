import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageFrameRoute } from '../../server/http/message-frame.ts';
import securityHeaders, { APP_CSP } from '../../server/http/security-headers.ts';

const app = Fastify({ logger: false });
beforeAll(async () => {
  await app.register(securityHeaders);
  messageFrameRoute(app);
  await app.ready();
});
afterAll(() => app.close());

function directives(csp: string): Map<string, string> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values.join(' ')]));
}

describe('the message frame document', () => {
  it('has its own CSP: its one script by hash, images only from the message until remote content is allowed', async () => {
    const res = await app.inject({ method: 'GET', url: '/frame/message.html' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('img-src')).toBe('data:');
    expect(csp.get('font-src')).toBe('data:');
    expect(csp.get('style-src')).toBe("'unsafe-inline'");
    expect(csp.get('sandbox')).toBe('allow-scripts allow-popups allow-popups-to-escape-sandbox');
    expect(csp.get('frame-ancestors')).toBe("'self'");
    // Exactly one script may run: the document's own, named by its hash.
    const scripts = [...res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(csp.get('script-src')).toBe(`'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('lets remote images, styles and fonts load in the remote variant only', async () => {
    const res = await app.inject({ method: 'GET', url: '/frame/message.html?remote=1' });
    const csp = directives(String(res.headers['content-security-policy']));
    for (const d of ['img-src', 'style-src', 'font-src']) expect(csp.get(d)).toMatch(/ https: http:$/);
    expect(csp.get('default-src')).toBe("'none'");
    expect(csp.get('script-src')).toMatch(/^'sha256-[A-Za-z0-9+/=]+'$/);
  });
});

describe('the app CSP', () => {
  it('allows nothing remote: mail never shows in the app document', () => {
    const csp = directives(APP_CSP);
    for (const d of ['default-src', 'img-src', 'style-src', 'font-src', 'connect-src', 'frame-src']) {
      expect(csp.get(d), d).not.toMatch(/https?:|\*/);
    }
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
  });
});
