import { z } from 'zod';
import { ApiError } from './errors.ts';

/** Longest text body of a draft (octets of UTF-8 are checked on the server too). */
export const MAX_DRAFT_TEXT = 1_000_000;
/** Longest address field (To, Cc, Bcc). */
export const MAX_ADDRESS_FIELD = 8_000;

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const DraftId = Id;
export const UploadId = Id;

/** POST /api/uploads (multipart, one file): the stored attachment. */
export const Upload = z.strictObject({
  id: UploadId,
  filename: z.string().max(255),
  contentType: z.string().max(255),
  size: z.number().int().nonnegative(),
});
export type Upload = z.infer<typeof Upload>;

/** PUT /api/drafts/:id body: the draft as the person wrote it. */
export const DraftInput = z.strictObject({
  /** The account (AccountTag) the message goes out as; the primary when absent. */
  account: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  to: z.string().max(MAX_ADDRESS_FIELD),
  cc: z.string().max(MAX_ADDRESS_FIELD).default(''),
  bcc: z.string().max(MAX_ADDRESS_FIELD).default(''),
  subject: z.string().max(998),
  text: z.string().max(MAX_DRAFT_TEXT),
  /** Message-ID of the message replied to, with angle brackets. */
  inReplyTo: z.string().max(998).optional(),
  references: z.array(z.string().max(998)).max(100).optional(),
  /** Ids of uploads (POST /api/uploads) to attach. */
  attachments: z.array(UploadId).max(100).default([]),
});
export type DraftInput = z.infer<typeof DraftInput>;

/** GET /api/drafts/:id, and each item of GET /api/drafts. */
export const Draft = DraftInput.extend({
  id: DraftId,
  /** Epoch milliseconds of the last save. */
  updatedAt: z.number().int(),
  /** The attachments that still exist (uploads end with the session). */
  files: z.array(Upload),
  /** Why the last send of this draft failed, if it did (SMTP_OUTCOME_UNKNOWN: it may have gone). */
  lastError: ApiError.nullable(),
});
export type Draft = z.infer<typeof Draft>;

/** POST /api/outbox body. */
export const OutboxRequest = z.strictObject({ draftId: DraftId });
export type OutboxRequest = z.infer<typeof OutboxRequest>;

/** 202 reply of POST /api/outbox: sent after `sendInMs` unless DELETE /api/outbox/:id comes first. */
export const OutboxQueued = z.strictObject({ id: Id, sendInMs: z.number().int().nonnegative() });
export type OutboxQueued = z.infer<typeof OutboxQueued>;

/** GET /api/outbox/:id: where a send is. */
export const OutboxStatus = z.strictObject({
  id: Id,
  draftId: DraftId,
  state: z.enum(['waiting', 'sending', 'sent', 'failed', 'cancelled']),
  /** waiting: ms left in the Undo window. */
  sendInMs: z.number().int().nonnegative().optional(),
  /** sent: the id in GET /api/sent/:id. */
  sentId: Id.optional(),
  /** failed: why (also recorded on the draft). */
  error: ApiError.optional(),
});
export type OutboxStatus = z.infer<typeof OutboxStatus>;

const SentAttachment = z.strictObject({ filename: z.string(), contentType: z.string(), size: z.number().int().nonnegative() });

/** One item of GET /api/sent (newest first). */
export const SentSummary = z.strictObject({
  id: Id,
  sentAt: z.number().int(),
  messageId: z.string(),
  to: z.string(),
  cc: z.string(),
  bcc: z.string(),
  subject: z.string(),
  attachments: z.array(SentAttachment),
});
export type SentSummary = z.infer<typeof SentSummary>;

/** GET /api/sent/:id: what was sent and what the server answered. */
export const SentMessage = SentSummary.extend({
  text: z.string(),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()).optional(),
  accepted: z.array(z.string()),
  refused: z.array(z.strictObject({ recipient: z.string(), serverText: z.string().optional() })),
});
export type SentMessage = z.infer<typeof SentMessage>;
