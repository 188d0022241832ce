import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { SignInRequest, type PublicConfig } from '../../shared/api/index.ts';
import { RateLimiter } from '../sessions/rate-limit.ts';
import type { Config } from '../config.ts';
import { BridgeError, toApiError } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { COOKIE_NAME } from './session-cookie.ts';

/** GET /api/config, /api/health; sign-in and sign-out at /api/session. */
export function sessionRoutes(app: FastifyInstance, config: Config, registry: MailboxRegistry): void {
  const perClient = new RateLimiter(config.signInAttemptsPerClient, config.signInWindowSeconds * 1000);
  const perUser = new RateLimiter(config.signInAttemptsPerUser, config.signInWindowSeconds * 1000);

  const canSend = (serverId: string): boolean => config.servers.some((s) => s.id === serverId && s.smtp !== undefined);

  app.get('/api/health', async () => ({ status: 'ok' as const }));

  app.get('/api/config', async (): Promise<PublicConfig> => ({
    servers: config.servers.map((s) => ({ id: s.id, label: s.label, canSend: s.smtp !== undefined })),
    demo: config.demo,
  }));

  app.get('/api/session', async (req) => {
    const s = req.webSession;
    if (!s) throw new BridgeError('UNAUTHORIZED');
    return { username: s.username, serverId: s.serverId, canSend: canSend(s.serverId) };
  });

  app.post('/api/session', { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const parsed = SignInRequest.safeParse(req.body);
    if (!parsed.success) throw new BridgeError('BAD_REQUEST');
    const { serverId, username, password } = parsed.data;
    if (!registry.server(serverId)) throw new BridgeError('NOT_FOUND');
    const wait = Math.max(perClient.hit(req.ip), perUser.hit(`${serverId}\0${username.toLowerCase()}`));
    if (wait > 0) throw new BridgeError('RATE_LIMITED', { retryAfterSeconds: wait });
    let account: string;
    try {
      account = await registry.signIn(serverId, { username, password });
    } catch (e) {
      req.log.info({ code: toApiError(e).code, serverId }, 'sign-in failed');
      throw e;
    }
    perUser.reset(`${serverId}\0${username.toLowerCase()}`);
    const previous = req.cookies[COOKIE_NAME];
    if (previous) {
      const old = app.webSessions.end(previous);
      if (old) await registry.release(old.account);
    }
    const session = app.webSessions.create(account, serverId, username);
    reply.setCookie(COOKIE_NAME, session.id, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: req.protocol === 'https',
      maxAge: config.sessionLifetimeSeconds,
    });
    return { username, serverId, canSend: canSend(serverId) };
  });

  app.delete('/api/session', async (req, reply) => {
    const id = req.cookies[COOKIE_NAME];
    const ended = id ? app.webSessions.end(id) : undefined;
    if (ended) await registry.release(ended.account);
    reply.clearCookie(COOKIE_NAME, { path: '/' });
    return reply.code(204).send();
  });
}
