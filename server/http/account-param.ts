import type { FastifyRequest } from 'fastify';
import { accountOf } from '../accounts/resolve.ts';
import { BridgeError } from '../errors.ts';

/** An account the signed-in person may act as: its store key and where it signs in. */
export interface AccountRef {
  /** The registry's accountId: the key its mail, drafts and identity are stored under. */
  account: string;
  serverId: string;
  username: string;
}

/**
 * The account of this session (the primary or one added to it) a URL's or
 * body's `account` tag names; else NOT_FOUND (never FORBIDDEN: a tag of
 * someone else's account reveals nothing). The one check for every route.
 */
export function sessionAccountFor(req: FastifyRequest, tag: unknown): AccountRef {
  const s = req.webSession;
  if (!s) throw new BridgeError('UNAUTHORIZED');
  if (typeof tag !== 'string') throw new BridgeError('NOT_FOUND');
  const a = accountOf(s, tag);
  return { account: a.id, serverId: a.serverId, username: a.username };
}
