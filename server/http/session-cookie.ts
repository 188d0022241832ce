import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { BridgeError } from '../errors.ts';
import type { WebSession, WebSessions } from '../sessions/web-sessions.ts';

export const COOKIE_NAME = 'popbridge_session';
/**
 * Over HTTPS the __Host- prefix makes the browser refuse the cookie unless it
 * is Secure, host-only and Path=/: a sibling subdomain or a plain-HTTP page
 * cannot plant or overwrite it.
 */
export const SECURE_COOKIE_NAME = `__Host-${COOKIE_NAME}`;

export function cookieName(req: FastifyRequest): string {
  return req.protocol === 'https' ? SECURE_COOKIE_NAME : COOKIE_NAME;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in browser session, resolved from the cookie. */
    webSession: WebSession | undefined;
  }
  interface FastifyInstance {
    webSessions: WebSessions;
    /** preHandler that refuses a request without a valid session (UNAUTHORIZED). */
    requireSession: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

async function auth(app: FastifyInstance): Promise<void> {
  app.decorateRequest('webSession', undefined);
  app.addHook('onRequest', async (req) => {
    req.webSession = app.webSessions.get(req.cookies[cookieName(req)]);
  });
  app.decorate('requireSession', async (req: FastifyRequest) => {
    if (!req.webSession) throw new BridgeError('UNAUTHORIZED');
  });
}

export default fp(auth, { name: 'auth', dependencies: ['@fastify/cookie'] });
