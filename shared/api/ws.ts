import { z } from 'zod';
import { AccountInfo, AccountTag } from './accounts.ts';
import { ApiError } from './errors.ts';
import { MessageKey, Summary } from './summary.ts';

/**
 * The WebSocket contract at /api/ws. One socket per tab; the session cookie
 * authorises it. Both ends safeParse every frame against these unions.
 */

/** Upper bound of one inbound frame; larger frames close nothing but are refused. */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
/** Upper bound of keys in one request (stops a frame from pinning the session). */
export const MAX_KEYS_PER_REQUEST = 1000;

export const RequestId = z.string().min(1).max(64);
const Keys = z.array(MessageKey).min(1).max(MAX_KEYS_PER_REQUEST);
/**
 * The account a request is for (keys are per account: two accounts may hold
 * the same key); absent = the primary. A tag not of this session: NOT_FOUND.
 */
const ForAccount = AccountTag.optional();

// ---------------------------------------------------------------- requests

export const SyncRequest = z.strictObject({
  type: z.literal('sync'), id: RequestId, account: ForAccount,
  /** true: open a new POP3 connection to see new mail (a maildrop is a snapshot). */
  refresh: z.boolean().optional(),
});
export const MarkSeenRequest = z.strictObject({
  type: z.literal('markSeen'), id: RequestId, account: ForAccount, keys: Keys, seen: z.boolean(),
});
export const DeleteRequest = z.strictObject({
  type: z.literal('delete'), id: RequestId, account: ForAccount, keys: Keys,
});
export const UndoDeleteRequest = z.strictObject({
  type: z.literal('undoDelete'), id: RequestId, account: ForAccount, keys: Keys,
});
export const CommitDeletesRequest = z.strictObject({
  type: z.literal('commitDeletes'), id: RequestId, account: ForAccount,
});
export const PingRequest = z.strictObject({
  type: z.literal('ping'), id: RequestId,
});

export const ClientMessage = z.discriminatedUnion('type', [
  SyncRequest, MarkSeenRequest, DeleteRequest, UndoDeleteRequest, CommitDeletesRequest, PingRequest,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type RequestType = ClientMessage['type'];

/** The `result` of a successful reply, per request type. */
export const ResultSchemas = {
  /** The sync started or joined; its progress arrives as events. */
  sync: z.strictObject({ started: z.boolean() }),
  markSeen: z.strictObject({ keys: z.array(MessageKey) }),
  /** Keys now pending deletion (committed later, undoable until then). */
  delete: z.strictObject({ pending: z.array(MessageKey), commitInMs: z.number().int().nonnegative() }),
  /** Keys taken back from the pending set (already committed ones are not). */
  undoDelete: z.strictObject({ restored: z.array(MessageKey) }),
  /** Outcome of the commit: keys gone, and keys whose delete failed. */
  commitDeletes: z.strictObject({ committed: z.array(MessageKey), failed: z.array(MessageKey) }),
  ping: z.strictObject({ now: z.number() }),
} as const satisfies Record<RequestType, z.ZodType>;

// ---------------------------------------------------------------- server frames

/**
 * Reply to a request: exactly one of `result` (see ResultSchemas) or `error`.
 * `id` is null when the frame was too broken to carry one.
 */
export const Reply = z.strictObject({
  type: z.literal('reply'),
  id: RequestId.nullable(),
  result: z.unknown().optional(),
  error: ApiError.optional(),
});

export const ReadyEvent = z.strictObject({
  type: z.literal('ready'), username: z.string(), serverId: z.string(),
});
export const SyncStartedEvent = z.strictObject({
  type: z.literal('syncStarted'), account: AccountTag,
  /** Messages in the new listing; summaries with index < total follow. */
  total: z.number().int().nonnegative(),
});
export const SyncProgressEvent = z.strictObject({
  type: z.literal('syncProgress'), account: AccountTag,
  phase: z.enum(['queued', 'connecting', 'listing', 'summaries']),
  loaded: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Position in the per-server connection queue (phase "queued"), 1 = next. */
  queuePosition: z.number().int().positive().optional(),
});
export const SummariesEvent = z.strictObject({
  type: z.literal('summaries'), account: AccountTag, items: z.array(Summary),
});
export const SyncDoneEvent = z.strictObject({
  type: z.literal('syncDone'), account: AccountTag, total: z.number().int().nonnegative(),
});
export const SyncFailedEvent = z.strictObject({
  type: z.literal('syncFailed'), account: AccountTag, error: ApiError,
});
/** Keys no longer on the server (deleted elsewhere, expired); drop them. */
export const RemovedEvent = z.strictObject({
  type: z.literal('removed'), account: AccountTag, keys: z.array(MessageKey),
});
export const NewMailEvent = z.strictObject({
  type: z.literal('newMail'), account: AccountTag, count: z.number().int().positive(),
});
export const SeenChangedEvent = z.strictObject({
  type: z.literal('seenChanged'), account: AccountTag, keys: z.array(MessageKey), seen: z.boolean(),
});
/** The full set of keys pending deletion for this account (every tab). */
export const DeletionPendingEvent = z.strictObject({
  type: z.literal('deletionPending'), account: AccountTag, keys: z.array(MessageKey),
});
export const DeletionCommittedEvent = z.strictObject({
  type: z.literal('deletionCommitted'), account: AccountTag, keys: z.array(MessageKey),
});
export const DeletionFailedEvent = z.strictObject({
  type: z.literal('deletionFailed'), account: AccountTag, keys: z.array(MessageKey), error: ApiError,
});
export const SessionExpiredEvent = z.strictObject({
  type: z.literal('sessionExpired'),
});
export const MailboxNoticeEvent = z.strictObject({
  type: z.literal('mailboxNotice'), account: AccountTag,
  /**
   * EXPIRE_ON_READ: the server deletes mail once retrieved (CAPA EXPIRE 0);
   * EXPIRE_DAYS: the server deletes mail after `days`;
   * LOGIN_DELAY: a refresh must wait `seconds` (the server's LOGIN-DELAY);
   * REFRESH_LIMITED: the mailbox was checked moments ago, a refresh must wait
   * `seconds` (the bridge's limit). Both come with the mailbox as of the last login.
   */
  notice: z.enum(['EXPIRE_ON_READ', 'EXPIRE_DAYS', 'LOGIN_DELAY', 'REFRESH_LIMITED']),
  days: z.number().int().nonnegative().optional(),
  seconds: z.number().int().nonnegative().optional(),
});

/**
 * The session's accounts (AccountInfo, primary first): sent after `ready`
 * and whenever one is added, removed, relabelled or changes state.
 */
export const AccountsEvent = z.strictObject({
  type: z.literal('accounts'), items: z.array(AccountInfo),
});

const events = [
  ReadyEvent, SyncStartedEvent, SyncProgressEvent, SummariesEvent, SyncDoneEvent, SyncFailedEvent,
  RemovedEvent, NewMailEvent, SeenChangedEvent, DeletionPendingEvent, DeletionCommittedEvent,
  DeletionFailedEvent, SessionExpiredEvent, MailboxNoticeEvent, AccountsEvent,
] as const;
export const ServerEvent = z.discriminatedUnion('type', [...events]);
export type ServerEvent = z.infer<typeof ServerEvent>;

export const ServerMessage = z.discriminatedUnion('type', [Reply, ...events]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type Reply = z.infer<typeof Reply>;
