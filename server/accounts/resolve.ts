import { BridgeError } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import type { MailboxSession } from '../mailbox/session.ts';
import type { WebSession } from '../sessions/web-sessions.ts';
import type { SessionAccount } from './session-accounts.ts';

/**
 * The account of this session a tag names (absent = the primary). The one
 * check every request that names an account or a message goes through: a tag
 * of another session, or of an account since removed, is not found.
 */
export function accountOf(session: WebSession, tag: string | undefined): SessionAccount {
  const a = tag === undefined ? session.accounts.primary : session.accounts.byTag(tag);
  if (!a) throw new BridgeError('NOT_FOUND');
  return a;
}

/** The live mailbox of the account a tag names. */
export function mailboxOf(session: WebSession, registry: MailboxRegistry, tag: string | undefined): { tag: string; mailbox: MailboxSession } {
  const a = accountOf(session, tag);
  const mailbox = a.state === 'ready' ? registry.get(a.id) : undefined;
  if (!mailbox) throw new BridgeError(a.primary ? 'SESSION_EXPIRED' : 'ACCOUNT_NOT_READY');
  return { tag: a.tag, mailbox };
}
