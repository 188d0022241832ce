import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Strict CSP and the usual hardening headers on every response. A route that
 * sets its own CSP or framing rule (raw message bytes: `sandbox`; the message
 * frame document) keeps it.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte writes style attributes; no inline script is allowed.
  "style-src 'self' 'unsafe-inline'",
  // Nothing remote, ever: mail is shown in the message frame document, which
  // has its own policy (http/message-frame.ts) and inherits none of this.
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

async function securityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', APP_CSP);
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    return payload;
  });
}

export default fp(securityHeaders, { name: 'security-headers' });
