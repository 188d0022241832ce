import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DraftId, DraftInput, UploadId, type Draft } from '../../shared/api/index.ts';
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';
import type { Outbox } from '../send/outbox.ts';
import type { Uploads } from '../send/uploads.ts';
import type { SendStore, StoredDraft } from '../store/send-store.ts';
import { accountTag } from '../sessions/account-tag.ts';
import { sessionAccountFor } from './account-param.ts';

// A draft's text may be 1M characters, up to 4 octets each in UTF-8, plus its headers.
const DRAFT_BODY_LIMIT = 4 * 1024 * 1024 + 64 * 1024;

export interface SendParts {
  store: SendStore;
  uploads: Uploads;
  outbox: Outbox;
}

export function account(req: FastifyRequest): string {
  const s = req.webSession;
  if (!s) throw new BridgeError('UNAUTHORIZED');
  return s.account;
}

export function idParam(req: FastifyRequest, schema: typeof DraftId): string {
  const parsed = schema.safeParse((req.params as { id?: unknown }).id);
  if (!parsed.success) throw new BridgeError('NOT_FOUND');
  return parsed.data;
}

function toDraft(acc: string, d: StoredDraft, uploads: Uploads): Draft {
  const files = d.input.attachments.map((id) => uploads.get(acc, id)).filter((u) => u !== undefined);
  // Stored by account id (see PUT); the browser knows accounts by their tags.
  const { account: sendAs, ...input } = d.input;
  return { ...input, ...(sendAs !== undefined ? { account: accountTag(sendAs) } : {}), id: d.id, updatedAt: d.updatedAt, files, lastError: d.lastError };
}

/**
 * Attachments (/api/uploads) and drafts (/api/drafts) of the signed-in person: kept under
 * the primary account, each draft naming the account (of this session) it goes out as.
 */
export function draftRoutes(app: FastifyInstance, config: Config, { store, uploads, outbox }: SendParts): void {
  const auth = { preHandler: app.requireSession };

  app.post('/api/uploads', auth, async (req, reply) => {
    const acc = account(req);
    const file = await req.file({ throwFileSizeLimit: false, limits: { fileSize: config.maxAttachmentBytes, files: 1, parts: 2 } });
    if (!file) throw new BridgeError('BAD_REQUEST');
    const upload = await uploads.save(acc, { filename: file.filename, mimetype: file.mimetype, stream: file.file });
    return reply.code(201).send(upload);
  });

  app.delete('/api/uploads/:id', auth, async (req, reply) => {
    const acc = account(req);
    const id = idParam(req, UploadId);
    // A message in its Undo window still needs its files.
    if (store.drafts(acc).some((d) => d.input.attachments.includes(id) && outbox.isLocked(acc, d.id))) throw new BridgeError('DRAFT_LOCKED');
    if (!uploads.remove(acc, [id])) throw new BridgeError('NOT_FOUND');
    return reply.code(204).send();
  });

  app.get('/api/drafts', auth, async (req) => {
    const acc = account(req);
    return store.drafts(acc).map((d) => toDraft(acc, d, uploads));
  });

  app.get('/api/drafts/:id', auth, async (req) => {
    const acc = account(req);
    const d = store.draft(acc, idParam(req, DraftId));
    if (!d) throw new BridgeError('NOT_FOUND');
    return toDraft(acc, d, uploads);
  });

  app.put('/api/drafts/:id', { ...auth, bodyLimit: DRAFT_BODY_LIMIT }, async (req) => {
    const acc = account(req);
    const id = idParam(req, DraftId);
    const parsed = DraftInput.safeParse(req.body);
    if (!parsed.success) throw new BridgeError('BAD_REQUEST');
    if (outbox.isLocked(acc, id)) throw new BridgeError('DRAFT_LOCKED');
    // It may go out as any account of this session, and only as one of them; kept by account id,
    // since a tag is per process and would name nothing after a restart.
    const sendAs = parsed.data.account !== undefined ? sessionAccountFor(req, parsed.data.account).account : undefined;
    if (parsed.data.attachments.length > config.maxAttachmentsPerDraft) {
      throw new BridgeError('TOO_MANY_ATTACHMENTS', { limit: config.maxAttachmentsPerDraft });
    }
    if (!store.draft(acc, id) && store.countDrafts(acc) >= config.maxDraftsPerAccount) {
      throw new BridgeError('BAD_REQUEST', { limit: config.maxDraftsPerAccount });
    }
    store.putDraft(acc, id, sendAs === undefined ? parsed.data : { ...parsed.data, account: sendAs }, Date.now());
    return toDraft(acc, store.draft(acc, id)!, uploads);
  });

  app.delete('/api/drafts/:id', auth, async (req, reply) => {
    const acc = account(req);
    const id = idParam(req, DraftId);
    if (outbox.isLocked(acc, id)) throw new BridgeError('DRAFT_LOCKED');
    const d = store.draft(acc, id);
    if (!d) throw new BridgeError('NOT_FOUND');
    store.removeDraft(acc, id);
    uploads.remove(acc, d.input.attachments);
    return reply.code(204).send();
  });
}
