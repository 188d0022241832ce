import { z } from 'zod';
import { ApiError } from './errors.ts';

/**
 * A person's POP3 accounts: the primary (the one signed in with) and the
 * accounts added to it. Each is named by its opaque tag (SessionInfo.account
 * for the primary), the same tag as in /api/accounts/:account/messages/...
 */
export const AccountTag = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export type AccountTag = z.infer<typeof AccountTag>;

/** A colour the person picked for an account's marker: #rrggbb. */
export const AccountColour = z.string().regex(/^#[0-9a-f]{6}$/);

/**
 * Where an account stands, apart from its syncs (which arrive as the usual
 * sync events, tagged with the account):
 * signingIn   its stored password is being tried;
 * ready       signed in: its mailbox syncs like the primary's;
 * needsPassword  the server refused the stored password (changed at the provider,
 *             or the primary's password changed so it can no longer be opened):
 *             PATCH /api/accounts/:account with the new password fixes it in place;
 * error       it could not be reached or refused for another reason (`error`); Refresh retries.
 */
export const AccountState = z.enum(['signingIn', 'ready', 'needsPassword', 'error']);
export type AccountState = z.infer<typeof AccountState>;

/** GET /api/accounts item, and the reply of POST and PATCH. */
export const AccountInfo = z.strictObject({
  account: AccountTag,
  serverId: z.string(),
  serverLabel: z.string(),
  username: z.string(),
  /** Short label shown beside each row (default: the user name). */
  label: z.string().max(40),
  colour: AccountColour,
  /** The account signed in with; it cannot be removed (sign out instead). */
  primary: z.boolean(),
  /** Its server has SMTP configured: mail can be sent as this account. */
  canSend: z.boolean(),
  state: AccountState,
  error: ApiError.optional(),
});
export type AccountInfo = z.infer<typeof AccountInfo>;

/** POST /api/accounts: add an account; the password is checked by a POP3 login first. */
export const AddAccountRequest = z.strictObject({
  serverId: z.string().min(1).max(64),
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
  label: z.string().min(1).max(40).optional(),
  colour: AccountColour.optional(),
});
export type AddAccountRequest = z.infer<typeof AddAccountRequest>;

/** PATCH /api/accounts/:account: relabel, recolour, or give the new password. */
export const UpdateAccountRequest = z.strictObject({
  label: z.string().min(1).max(40).optional(),
  colour: AccountColour.optional(),
  password: z.string().min(1).max(1024).optional(),
});
export type UpdateAccountRequest = z.infer<typeof UpdateAccountRequest>;

/** GET /api/identity/:account and PUT body: how mail sent as this account is signed. */
export const IdentityInput = z.strictObject({
  /** The From display name; empty for none. No CR, LF or NUL. */
  displayName: z.string().max(200),
  /** Plain text the compose view puts under new text ("-- " line added by it). */
  signature: z.string().max(4000),
});
export type IdentityInput = z.infer<typeof IdentityInput>;

export const Identity = IdentityInput.extend({
  /** The From address mail sent as this account carries (user name or the server's fromTemplate). */
  address: z.string(),
});
export type Identity = z.infer<typeof Identity>;
