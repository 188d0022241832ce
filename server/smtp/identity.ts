import type { SmtpConfig } from '../config.ts';
import { BridgeError } from '../errors.ts';
import { parseMailbox, type Mailbox } from './addresses.ts';

/**
 * The From address of a signed-in user: the user name itself when it is an
 * address, otherwise the server's fromTemplate with {user} filled in.
 */
export function senderAddress(smtp: Pick<SmtpConfig, 'fromTemplate'>, username: string, displayName = ''): Mailbox {
  const address = username.includes('@') ? username : smtp.fromTemplate?.replace('{user}', username);
  if (address === undefined) throw new BridgeError('SEND_NOT_CONFIGURED', { field: 'from' });
  const { address: parsed } = parseMailbox('from', address);
  return { name: displayName, address: parsed };
}
