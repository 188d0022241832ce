import { z } from 'zod';

/**
 * Opaque, stable identity of a message: derived from its UIDL unique-id (or,
 * for servers without UIDL, a fingerprint of its header block and size), never
 * a message number. Duplicated unique-ids get distinct keys by occurrence.
 * URL-safe, so it can be used in /api/messages/:key/raw as is.
 */
export const MessageKey = z.string().min(1).max(256).regex(/^[A-Za-z0-9._-]+$/);
export type MessageKey = z.infer<typeof MessageKey>;

export const Address = z.strictObject({
  name: z.string(),
  address: z.string(),
});
export type Address = z.infer<typeof Address>;

/** What the list shows for one message, from its header block (TOP n 0). */
export const Summary = z.strictObject({
  key: MessageKey,
  /** Position in the current listing, 0 = newest. Changes between syncs. */
  index: z.number().int().nonnegative(),
  from: Address.nullable(),
  to: z.array(Address),
  subject: z.string(),
  /** ISO 8601, or null when the Date header is missing or unparsable. */
  date: z.string().nullable(),
  /** Size in octets as the POP3 server reports it (LIST). */
  size: z.number().int().nonnegative(),
  /** True when the Content-Type suggests attachments (multipart/mixed etc). */
  hasAttachment: z.boolean(),
  seen: z.boolean(),
});
export type Summary = z.infer<typeof Summary>;
