import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { SignInRequest, type ErrorCode, type PublicConfig } from '../../shared/api/index.ts';
import { RateLimiter, userKey } from '../sessions/rate-limit.ts';
import type { Config } from '../config.ts';
import { toApiError } from '../errors.ts';
import { accountId, type MailboxRegistry } from '../mailbox/registry.ts';
import { cookieName } from './session-cookie.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400, AUTH_FAILED: 401, UNAUTHORIZED: 401, NOT_FOUND: 404, MAILDROP_IN_USE: 409,
  RATE_LIMITED: 429, LOGIN_DELAY: 429, TIMEOUT: 504, INTERNAL: 500,
  FORBIDDEN_HOST: 403, FORBIDDEN_ORIGIN: 403, TOO_MANY_SESSIONS: 503,
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
    // An attempt the per-client limit refuses is not counted against the user as well.
    const user = userKey(serverId, username);
    const wait = perClient.hit(req.ip) || perUser.hit(user);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return reply.code(429).send({ error: { code: 'RATE_LIMITED', message: `Too many sign-in attempts; try again in ${wait} s.`, retryAfterSeconds: wait } });
    }
    const name = cookieName(req);
    const previous = req.cookies[name];
    let account: string;
    try {
      // Refused before the POP3 login: a full table costs the mail server nothing.
      app.webSessions.assertRoom(accountId(serverId, username), req.ip, previous);
      account = await registry.signIn(serverId, { username, password });
    } catch (e) {
      const error = toApiError(e);
      req.log.info({ code: error.code, serverId }, 'sign-in failed');
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(statusFor(error.code)).send({ error });
    }
    perUser.reset(user);
    if (previous) {
      const old = app.webSessions.end(previous);
      if (old) await registry.release(old.account);
    }
    let session;
    try {
      session = app.webSessions.create(account, serverId, username, req.ip);
    } catch (e) {
      // Filled up while the POP3 login ran: give the mailbox back.
      await registry.release(account);
      const error = toApiError(e);
      return reply.code(statusFor(error.code)).send({ error });
    }
    reply.setCookie(name, session.id, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: req.protocol === 'https',
      maxAge: config.sessionLifetimeSeconds,
    });
    return { username, serverId };
  });

  app.delete('/api/session', async (req, reply) => {
    const name = cookieName(req);
    const id = req.cookies[name];
    const ended = id ? app.webSessions.end(id) : undefined;
    if (ended) await registry.release(ended.account);
    reply.clearCookie(name, { path: '/', secure: req.protocol === 'https' });
    return reply.code(204).send();
  });
}
