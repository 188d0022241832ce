import type { FastifyRequest } from 'fastify';
import { accountOf } from '../accounts/resolve.ts';
import { BridgeError } from '../errors.ts';

/**
 * The account id (the store's and registry's key) of the session's account
 * that `tag` names; NOT_FOUND for any tag not of this session.
 */
export function sessionAccountFor(req: FastifyRequest, tag: string): string {
  const session = req.webSession;
  if (!session) throw new BridgeError('UNAUTHORIZED');
  return accountOf(session, tag).id;
}
