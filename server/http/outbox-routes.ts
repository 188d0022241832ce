import type { FastifyInstance } from 'fastify';
import { OutboxRequest, UploadId, type SentSummary } from '../../shared/api/index.ts';
import { BridgeError } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { accountOf } from '../accounts/resolve.ts';
import { accountTag } from '../sessions/account-tag.ts';
import { account, idParam, type SendParts } from './draft-routes.ts';

/** Sending with Undo (/api/outbox) and what was sent (/api/sent). */
export function outboxRoutes(app: FastifyInstance, registry: MailboxRegistry, { store, outbox }: SendParts): void {
  const auth = { preHandler: app.requireSession };

  app.post('/api/outbox', auth, async (req, reply) => {
    const acc = account(req);
    const parsed = OutboxRequest.safeParse(req.body);
    if (!parsed.success) throw new BridgeError('BAD_REQUEST');
    // The draft goes out as the account it names (one of this session's), else as the primary.
    const named = store.draft(acc, parsed.data.draftId)?.input.account; // an account id (draft-routes.ts)
    const sendAs = accountOf(req.webSession!, named === undefined ? undefined : accountTag(named));
    // Its credentials would be someone else's sign-in while this session has none that work.
    if (sendAs.state !== 'ready') throw new BridgeError('ACCOUNT_NOT_READY');
    const smtp = registry.server(sendAs.serverId)?.smtp;
    return reply.code(202).send(outbox.queue(acc, parsed.data.draftId, smtp, sendAs.id));
  });

  app.get('/api/outbox/:id', auth, async (req) => outbox.status(account(req), idParam(req, UploadId)));
  app.delete('/api/outbox/:id', auth, async (req) => outbox.cancel(account(req), idParam(req, UploadId)));

  app.get('/api/sent', auth, async (req): Promise<SentSummary[]> =>
    store.sentList(account(req)).map((m) => ({
      id: m.id, sentAt: m.sentAt, messageId: m.messageId, to: m.to, cc: m.cc, bcc: m.bcc, subject: m.subject, attachments: m.attachments,
    })));

  app.get('/api/sent/:id', auth, async (req) => {
    const m = store.sent(account(req), idParam(req, UploadId));
    if (!m) throw new BridgeError('NOT_FOUND');
    return m;
  });
}
