import type { FastifyInstance } from 'fastify';
import { IdentityInput, type Identity } from '../../shared/api/index.ts';
import { accountOf } from '../accounts/resolve.ts';
import type { SmtpConfig } from '../config.ts';
import { BridgeError } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { assertHeaderSafe } from '../smtp/header-guard.ts';
import { senderAddress } from '../smtp/identity.ts';
import type { SendStore } from '../store/send-store.ts';
import { sessionAccountFor, type AccountRef } from './account-param.ts';

/**
 * The From address mail sent as the account carries; empty when it has
 * none (no SMTP, or a user name that is no address and no fromTemplate).
 */
function fromAddress(smtp: SmtpConfig | undefined, who: AccountRef): string {
  try {
    return senderAddress(smtp ?? {}, who.username).address;
  } catch (e) {
    if (e instanceof BridgeError) return '';
    throw e;
  }
}

/** GET and PUT /api/identity/:account: the display name and signature mail is sent with. */
export function identityRoutes(app: FastifyInstance, registry: MailboxRegistry, store: SendStore): void {
  const auth = { preHandler: app.requireSession };
  const who = (req: { params: unknown }) => (req.params as { account?: unknown }).account;

  const reply = (account: AccountRef): Identity => ({
    ...store.identities.get(account.account),
    address: fromAddress(registry.server(account.serverId)?.smtp, account),
  });

  app.get('/api/identity/:account', auth, async (req) => reply(sessionAccountFor(req, who(req))));

  app.put('/api/identity/:account', { ...auth, bodyLimit: 32 * 1024 }, async (req) => {
    const account = sessionAccountFor(req, who(req));
    // Shared by everyone who signs in with the account: only a session signed in to it may change it.
    if (accountOf(req.webSession!, String(who(req))).state !== 'ready') throw new BridgeError('ACCOUNT_NOT_READY');
    const parsed = IdentityInput.safeParse(req.body);
    if (!parsed.success) throw new BridgeError('BAD_REQUEST');
    // The name goes into the From header: a line break there would add header fields.
    assertHeaderSafe('displayName', parsed.data.displayName);
    store.identities.put(account.account, parsed.data);
    return reply(account);
  });
}
