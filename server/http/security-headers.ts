import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Strict CSP and the usual hardening headers on every response. A route that
 * sets its own CSP (raw message bytes: `sandbox`) keeps it.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte writes style attributes; no inline script is allowed.
  // The message body is a srcdoc frame, which inherits this policy on top of
  // its own: remote images, styles and fonts must pass here so that "Show
  // remote content" can work. Until the person asks, the frame's own policy
  // allows only data: and blob:; the app itself never loads remote content,
  // and scripts stay 'self' only.
  "style-src 'self' 'unsafe-inline' https: http:",
  "img-src 'self' data: blob: https: http:",
  "font-src 'self' data: https: http:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self' blob: about:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

async function securityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', APP_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    return payload;
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
