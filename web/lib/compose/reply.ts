import { bareAddress, formatAddress, formatList, type Address } from './address.ts';
import type { Original } from './original.ts';

// The fields of a reply or forward, from the original message. Pure: the
// compose state fills the form with what these return.

export interface ComposeFields {
  to: string;
  cc: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
}

export type ReplyKind = 'reply' | 'replyAll';

/** References kept at most: the first (the thread's root) and the newest ones. */
export const MAX_REFERENCES = 20;
const RE = /^(\s*re\s*:\s*)+/i;
const FWD = /^(\s*(fwd?|fw)\s*:\s*)+/i;

export function replySubject(subject: string): string {
  return `Re: ${subject.replace(RE, '').trim()}`;
}

export function forwardSubject(subject: string): string {
  return `Fwd: ${subject.replace(FWD, '').trim()}`;
}

/** "> " before each line; lines already quoted get one more ">" (">>"), empty lines a bare ">". */
export function quote(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  // Trailing spaces would make a line "flowed" (RFC 3676) and join it to the next.
  return lines.map((line) => {
    const l = line.trimEnd();
    if (l.startsWith('>')) return `>${l}`;
    return l ? `> ${l}` : '>';
  }).join('\n');
}

/** The signature block under new text: "-- " line then the signature; nothing for an empty one. */
export function signatureBlock(signature: string): string {
  const s = signature.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  return s ? `\n\n-- \n${s}` : '';
}

/** References of a reply: the original's plus its Message-ID, capped, the thread's root kept. */
export function replyReferences(original: Original): string[] {
  const all = [...new Set([...original.references, ...(original.messageId ? [original.messageId] : [])])];
  if (all.length <= MAX_REFERENCES) return all;
  return [all[0]!, ...all.slice(all.length - (MAX_REFERENCES - 1))];
}

function uniqueWithout(list: Address[], exclude: Set<string>): Address[] {
  const out: Address[] = [];
  for (const a of list) {
    const key = bareAddress(a.address);
    if (!key || exclude.has(key)) continue;
    exclude.add(key);
    out.push(a);
  }
  return out;
}

/** Reply goes to Reply-To, else From; reply all adds To and Cc, leaving out the own address and duplicates. */
export function replyRecipients(original: Original, kind: ReplyKind, ownAddress: string): { to: Address[]; cc: Address[] } {
  const author = original.replyTo.length ? original.replyTo : original.from ? [original.from] : [];
  if (kind === 'reply') return { to: author, cc: [] };
  const seen = new Set([ownAddress.trim().toLowerCase()]);
  const to = uniqueWithout([...author, ...original.to], seen);
  const cc = uniqueWithout(original.cc, seen);
  return { to, cc };
}

function attribution(original: Original, dateText: string): string {
  const who = original.from ? original.from.name || original.from.address : 'someone';
  return dateText ? `On ${dateText}, ${who} wrote:` : `${who} wrote:`;
}

/** The form of a reply: recipients, subject, threading, and the quoted original under the signature. */
export function replyFields(original: Original, kind: ReplyKind, own: { address: string; signature: string }, dateText: string): ComposeFields {
  const { to, cc } = replyRecipients(original, kind, own.address);
  const quoted = original.text.trim() ? `\n${quote(original.text)}` : '';
  const fields: ComposeFields = {
    to: formatList(to),
    cc: formatList(cc),
    subject: replySubject(original.subject),
    text: `${signatureBlock(own.signature)}\n\n${attribution(original, dateText)}${quoted}\n`,
    references: replyReferences(original),
  };
  if (original.messageId) fields.inReplyTo = original.messageId;
  if (!fields.references?.length) delete fields.references;
  return fields;
}

/** The form of a forward: the original's headers and text under the signature; no recipients yet. */
export function forwardFields(original: Original, own: { signature: string }, dateText: string): ComposeFields {
  const head = [
    '---------- Forwarded message ---------',
    `From: ${original.from ? formatAddress(original.from) : ''}`,
    `Date: ${dateText}`,
    `Subject: ${original.subject}`,
    `To: ${formatList(original.to)}`,
  ];
  if (original.cc.length) head.push(`Cc: ${formatList(original.cc)}`);
  const body = original.text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  return {
    to: '',
    cc: '',
    subject: forwardSubject(original.subject),
    text: `${signatureBlock(own.signature)}\n\n${head.join('\n')}\n\n${body}\n`,
  };
}

/** A new message: empty but for the signature. */
export function newFields(own: { signature: string }): ComposeFields {
  return { to: '', cc: '', subject: '', text: signatureBlock(own.signature) };
}
