import { createHmac, randomBytes } from 'node:crypto';

/** Per process: tags mean nothing outside it and reveal nothing about the account. */
const SECRET = randomBytes(32);

/**
 * The opaque name of an account in URLs (/api/accounts/:account/...). Two
 * accounts can hold messages with the same key (the same UIDL on two
 * servers), so every URL that names a message names its account too: a
 * browser can never serve one account's bytes for another's URL.
 */
export function accountTag(account: string): string {
  return createHmac('sha256', SECRET).update(account).digest('base64url').slice(0, 22);
}
