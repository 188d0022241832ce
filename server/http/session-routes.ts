import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { SignInRequest, type ErrorCode, type PublicConfig } from '../../shared/api/index.ts';
import { RateLimiter } from '../sessions/rate-limit.ts';
import type { Config } from '../config.ts';
import { toApiError } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { COOKIE_NAME } from './session-cookie.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400, AUTH_FAILED: 401, UNAUTHORIZED: 401, NOT_FOUND: 404, MAILDROP_IN_USE: 409,
  RATE_LIMITED: 429, LOGIN_DELAY: 429, TIMEOUT: 504, INTERNAL: 500,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code] ?? 502;
}

/** GET /api/config, /api/health; sign-in and sign-out at /api/session. */
export function sessionRoutes(app: FastifyInstance, config: Config, registry: MailboxRegistry): void {
  const perClient = new RateLimiter(config.signInAttemptsPerClient, config.signInWindowSeconds * 1000);
  const perUser = new RateLimiter(config.signInAttemptsPerUser, config.signInWindowSeconds * 1000);

  app.get('/api/health', async () => ({ status: 'ok' as const }));

  app.get('/api/config', async (): Promise<PublicConfig> => ({
    servers: config.servers.map((s) => ({ id: s.id, label: s.label })),
    demo: config.demo,
  }));

  app.get('/api/session', async (req, reply) => {
    const s = req.webSession;
    if (!s) return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Sign in first.' } });
    return { username: s.username, serverId: s.serverId };
  });

  app.post('/api/session', { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const parsed = SignInRequest.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'Send serverId, username and password.' } });
    }
    const { serverId, username, password } = parsed.data;
    if (!registry.server(serverId)) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No mail server with id "${serverId}" is configured.` } });
    }
    const wait = Math.max(perClient.hit(req.ip), perUser.hit(`${serverId}\0${username.toLowerCase()}`));
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return reply.code(429).send({ error: { code: 'RATE_LIMITED', message: `Too many sign-in attempts; try again in ${wait} s.`, retryAfterSeconds: wait } });
    }
    let account: string;
    try {
      account = await registry.signIn(serverId, { username, password });
    } catch (e) {
      const error = toApiError(e);
      req.log.info({ code: error.code, serverId }, 'sign-in failed');
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(statusFor(error.code)).send({ error });
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
    return { username, serverId };
  });

  app.delete('/api/session', async (req, reply) => {
    const id = req.cookies[COOKIE_NAME];
    const ended = id ? app.webSessions.end(id) : undefined;
    if (ended) await registry.release(ended.account);
    reply.clearCookie(COOKIE_NAME, { path: '/' });
    return reply.code(204).send();
  });
}
