import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { BridgeError } from '../errors.ts';
import type { WebSession, WebSessions } from '../sessions/web-sessions.ts';

export const COOKIE_NAME = 'popbridge_session';

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
    req.webSession = app.webSessions.get(req.cookies[COOKIE_NAME]);
  });
  app.decorate('requireSession', async (req: FastifyRequest) => {
    if (!req.webSession) throw new BridgeError('UNAUTHORIZED');
  });
}

export default fp(auth, { name: 'auth', dependencies: ['@fastify/cookie'] });
