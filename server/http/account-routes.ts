import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccountTag, AddAccountRequest, UpdateAccountRequest, type AccountInfo } from '../../shared/api/index.ts';
import { accountInfos } from '../accounts/account-info.ts';
import type { PersonAccounts } from '../accounts/person-accounts.ts';
import type { Config } from '../config.ts';
import { BridgeError, toApiError } from '../errors.ts';
import { userKey, type SignInLimits } from '../sessions/rate-limit.ts';
import type { WebSession } from '../sessions/web-sessions.ts';

/** Bodies hold a user name, a password and a label: small. */
const BODY_LIMIT = 8 * 1024;

function sessionOf(req: FastifyRequest): WebSession {
  const s = req.webSession;
  if (!s) throw new BridgeError('UNAUTHORIZED');
  return s;
}

function tagParam(req: FastifyRequest): string {
  const parsed = AccountTag.safeParse((req.params as { account?: unknown }).account);
  if (!parsed.success) throw new BridgeError('NOT_FOUND');
  return parsed.data;
}

/**
 * The person's accounts at /api/accounts. A password given here is tried by
 * a POP3 login first, under the sign-in rate limits (the same counters as
 * /api/session, so this route is no second way to guess passwords).
 */
export function accountRoutes(app: FastifyInstance, config: Config, accounts: PersonAccounts, limits: SignInLimits): void {
  const auth = { preHandler: app.requireSession };

  const limited = (req: FastifyRequest, serverId: string, username: string): string => {
    const user = userKey(serverId, username);
    const wait = limits.perClient.hit(req.ip) || limits.perUser.hit(user);
    if (wait > 0) throw new BridgeError('RATE_LIMITED', { retryAfterSeconds: wait });
    return user;
  };

  app.get('/api/accounts', auth, async (req): Promise<AccountInfo[]> => accountInfos(sessionOf(req).accounts, config));

  app.post('/api/accounts', { ...auth, bodyLimit: BODY_LIMIT }, async (req, reply) => {
    const session = sessionOf(req);
    const parsed = AddAccountRequest.safeParse(req.body);
    if (!parsed.success) throw new BridgeError('BAD_REQUEST');
    const user = limited(req, parsed.data.serverId, parsed.data.username);
    try {
      const info = await accounts.add(session, parsed.data);
      limits.perUser.reset(user);
      return reply.code(201).send(info);
    } catch (e) {
      req.log.info({ code: toApiError(e).code, serverId: parsed.data.serverId }, 'adding an account failed');
      throw e;
    }
  });

  app.patch('/api/accounts/:account', { ...auth, bodyLimit: BODY_LIMIT }, async (req) => {
    const session = sessionOf(req);
    const tag = tagParam(req);
    const parsed = UpdateAccountRequest.safeParse(req.body);
    if (!parsed.success) throw new BridgeError('BAD_REQUEST');
    const a = session.accounts.byTag(tag);
    if (!a) throw new BridgeError('NOT_FOUND');
    const user = parsed.data.password !== undefined ? limited(req, a.serverId, a.username) : undefined;
    const info = await accounts.update(session, tag, parsed.data);
    if (user) limits.perUser.reset(user);
    return info;
  });

  app.delete('/api/accounts/:account', auth, async (req, reply) => {
    await accounts.remove(sessionOf(req), tagParam(req));
    return reply.code(204).send();
  });
}
