import { randomBytes } from 'node:crypto';
import type { SentMessage } from '../../shared/api/index.ts';
import type { SmtpConfig } from '../config.ts';
import { BridgeError } from '../errors.ts';
import type { Credentials } from '../mailbox/mailbox-client.ts';
import { parseAddressList } from '../smtp/addresses.ts';
import { assertHeaderSafe } from '../smtp/header-guard.ts';
import { sendMessage } from '../smtp/send.ts';
import type { SmtpTimeouts } from '../smtp/submit.ts';
import type { SendStore, StoredDraft } from '../store/send-store.ts';
import type { Uploads } from './uploads.ts';

export interface DraftLimits {
  recipientsPerMessage: number;
  maxAttachmentsPerDraft: number;
}

/**
 * Refuses a draft that cannot be sent as it is, before its Undo window
 * starts: bad addresses, too many recipients or attachments, an attachment
 * that is gone (uploads end with the session).
 */
export function checkDraft(draft: StoredDraft, account: string, uploads: Uploads, limits: DraftLimits): void {
  const { to, cc, bcc, attachments, subject, inReplyTo, references } = draft.input;
  for (const [field, value] of Object.entries({ to, cc, bcc, subject, 'in-reply-to': inReplyTo, references })) assertHeaderSafe(field, value);
  const count = parseAddressList('to', to).length + parseAddressList('cc', cc).length + parseAddressList('bcc', bcc).length;
  if (count === 0) throw new BridgeError('INVALID_ADDRESS', { field: 'to' });
  if (count > limits.recipientsPerMessage) throw new BridgeError('TOO_MANY_RECIPIENTS', { limit: limits.recipientsPerMessage });
  if (attachments.length > limits.maxAttachmentsPerDraft) throw new BridgeError('TOO_MANY_ATTACHMENTS', { limit: limits.maxAttachmentsPerDraft });
  const files = attachments.map((id) => uploads.get(account, id));
  if (files.some((f) => !f)) throw new BridgeError('NOT_FOUND', { field: 'attachments' });
  // Names come as uploaded: refused now, not once the Undo window is over (as sendMessage would).
  for (const f of files) assertHeaderSafe('attachment', [f!.filename, f!.contentType]);
}

/**
 * Sends the draft once as the signed-in user and records it in the Sent
 * table, removing the draft and its uploads. Throws the send's BridgeError
 * (the caller records it on the draft); never retries.
 */
export async function sendDraft(
  account: string, draft: StoredDraft, smtp: SmtpConfig | undefined, credentials: Credentials,
  deps: { store: SendStore; uploads: Uploads; now: () => number; timeouts?: SmtpTimeouts; sendAs?: string },
): Promise<string> {
  const input = draft.input;
  const files = input.attachments.map((id) => {
    const meta = deps.uploads.get(account, id);
    if (!meta) throw new BridgeError('NOT_FOUND', { field: 'attachments' });
    return { meta, open: () => deps.uploads.open(account, id) };
  });
  const result = await sendMessage(smtp, credentials, {
    to: input.to, cc: input.cc, bcc: input.bcc, subject: input.subject, text: input.text,
    // The display name set, when it goes, for the account it goes out as (never the primary's on another account's mail).
    fromName: deps.store.identities.get(deps.sendAs ?? account).displayName,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references?.length ? { references: input.references } : {}),
    // Each file is opened and read only as the message goes out (uploads.ts).
    attachments: files.map((f) => ({ filename: f.meta.filename, contentType: f.meta.contentType, size: f.meta.size, open: f.open })),
  }, ...(deps.timeouts ? [deps.timeouts] : []));
  const sent: SentMessage = {
    id: randomBytes(12).toString('base64url'), sentAt: deps.now(), messageId: result.messageId,
    to: input.to, cc: input.cc, bcc: input.bcc, subject: input.subject, text: input.text,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references?.length ? { references: input.references } : {}),
    attachments: files.map((f) => ({ filename: f.meta.filename, contentType: f.meta.contentType, size: f.meta.size })),
    // Some recipients refused, others taken: it was sent; the refused ones and the server's reasons are kept here (submit.ts).
    accepted: result.accepted, refused: result.refused,
  };
  deps.store.recordSent(account, sent, result.raw, draft.id);
  deps.uploads.remove(account, input.attachments);
  return sent.id;
}
