import addressparser from 'nodemailer/lib/addressparser';
import { BridgeError } from '../errors.ts';

export interface Mailbox {
  name: string;
  address: string;
}

// A dot-atom or quoted local part, '@', a domain of labels (or an address literal).
// Non-ASCII is allowed (SMTPUTF8 / IDN); spaces and control characters are not.
const ADDRESS = /^(?:[^\s"@<>()\\,;:\x00-\x1f]+|"(?:[^"\\\r\n]|\\.)+")@(?:[^\s@<>()\\,;:\x00-\x1f.]+(?:\.[^\s@<>()\\,;:\x00-\x1f.]+)*|\[[^\]\s]+\])$/;

/**
 * One address field (To, Cc, Bcc) as written by the person, parsed by
 * nodemailer's RFC 5322 address parser; groups are flattened. Anything that
 * is not a usable address refuses the message, naming the field and text.
 */
export function parseAddressList(field: string, text: string): Mailbox[] {
  if (text.trim() === '') return [];
  return addressparser(text, { flatten: true }).map((entry) => {
    // The parser is lenient: "bob@exa mple.org" becomes bob@exa named "mple.org". A name
    // belongs with an address in angle brackets only; anything else is a typo to show.
    const stray = entry.name !== '' && !text.includes(`<${entry.address}>`);
    if (stray || !ADDRESS.test(entry.address)) {
      throw new BridgeError('INVALID_ADDRESS', { field, recipient: (stray ? text : entry.address || entry.name || text).slice(0, 998) });
    }
    return { name: entry.name, address: entry.address };
  });
}

/** A single address (the sender), or INVALID_ADDRESS. */
export function parseMailbox(field: string, text: string): Mailbox {
  const list = parseAddressList(field, text);
  if (list.length !== 1) throw new BridgeError('INVALID_ADDRESS', { field, recipient: text.slice(0, 998) });
  return list[0]!;
}
