import type { FastifyRequest } from 'fastify';
import { BridgeError } from '../errors.ts';
import { accountTag } from '../sessions/account-tag.ts';

/** An account the signed-in person may act as: its store key and where it signs in. */
export interface SessionAccount {
  /** The key drafts, Sent mail and identities are stored under (registry accountId). */
  account: string;
  serverId: string;
  username: string;
}

/**
 * The account a URL's `:account` tag names, if the session may use it; else
 * NOT_FOUND (never FORBIDDEN: a tag of someone else's account reveals
 * nothing). Today a session holds its one account only.
 */
export function sessionAccountFor(req: FastifyRequest, tag: unknown): SessionAccount {
  const s = req.webSession;
  if (!s) throw new BridgeError('UNAUTHORIZED');
  if (typeof tag !== 'string' || tag !== accountTag(s.account)) throw new BridgeError('NOT_FOUND');
  return { account: s.account, serverId: s.serverId, username: s.username };
}
