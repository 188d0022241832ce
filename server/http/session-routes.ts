import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { SignInRequest, type PublicConfig } from '../../shared/api/index.ts';
import { signInLimits, userKey, type SignInLimits } from '../sessions/rate-limit.ts';
import type { PersonAccounts } from '../accounts/person-accounts.ts';
import type { Config } from '../config.ts';
import { BridgeError, toApiError } from '../errors.ts';
import { accountId, type MailboxRegistry } from '../mailbox/registry.ts';
import { accountTag } from '../sessions/account-tag.ts';
import { cookieName } from './session-cookie.ts';

/** GET /api/config, /api/health; sign-in and sign-out at /api/session. */
export function sessionRoutes(
  app: FastifyInstance, config: Config, registry: MailboxRegistry, accounts: PersonAccounts,
  { perClient, perUser }: SignInLimits = signInLimits(config),
): void {

  const canSend = (serverId: string): boolean => config.servers.some((s) => s.id === serverId && s.smtp !== undefined);

  app.get('/api/health', async () => ({ status: 'ok' as const }));

  app.get('/api/config', async (): Promise<PublicConfig> => ({
    servers: config.servers.map((s) => ({ id: s.id, label: s.label, canSend: s.smtp !== undefined })),
    demo: config.demo,
  }));

  app.get('/api/session', async (req) => {
    const s = req.webSession;
    if (!s) throw new BridgeError('UNAUTHORIZED');
    return { username: s.username, serverId: s.serverId, account: accountTag(s.account), canSend: canSend(s.serverId) };
  });

  app.post('/api/session', { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const parsed = SignInRequest.safeParse(req.body);
    if (!parsed.success) throw new BridgeError('BAD_REQUEST');
    const { serverId, username, password } = parsed.data;
    if (!registry.server(serverId)) throw new BridgeError('NOT_FOUND');
    // An attempt the per-client limit refuses is not counted against the user as well.
    const user = userKey(serverId, username);
    const wait = perClient.hit(req.ip) || perUser.hit(user);
    if (wait > 0) throw new BridgeError('RATE_LIMITED', { retryAfterSeconds: wait });
    const name = cookieName(req);
    const previous = req.cookies[name];
    let account: string;
    try {
      // Refused before the POP3 login: a full table costs the mail server nothing.
      app.webSessions.assertRoom(accountId(serverId, username), req.ip, previous);
      account = await registry.signIn(serverId, { username, password });
    } catch (e) {
      req.log.info({ code: toApiError(e).code, serverId }, 'sign-in failed');
      throw e;
    }
    perUser.reset(user);
    if (previous) {
      const old = app.webSessions.end(previous);
      if (old) await accounts.end(old, 'signOut');
    }
    let session;
    try {
      session = app.webSessions.create(account, serverId, username, req.ip);
    } catch (e) {
      // Filled up while the POP3 login ran: give the mailbox back (no session, so no early commit).
      await registry.release(account, 'expired');
      throw e;
    }
    // The added accounts sign in in the background: the primary's reply never waits for them.
    accounts.start(session, password);
    reply.setCookie(name, session.id, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: req.protocol === 'https',
      maxAge: config.sessionLifetimeSeconds,
    });
    return { username, serverId, account: accountTag(account), canSend: canSend(serverId) };
  });

  app.delete('/api/session', async (req, reply) => {
    const name = cookieName(req);
    const id = req.cookies[name];
    const ended = id ? app.webSessions.end(id) : undefined;
    if (ended) await accounts.end(ended, 'signOut');
    reply.clearCookie(name, { path: '/', secure: req.protocol === 'https' });
    return reply.code(204).send();
  });
}
