import { createHash } from 'node:crypto';

/**
 * Message keys: opaque, URL-safe, stable across connections.
 *   u<base64url(unique-id)>   from UIDL
 *   f<hex sha256(header block, size)>  for servers without UIDL
 * A unique-id that the server gives to more than one message (MS-STANOPOP3
 * C0040, C0041) gets ".c<content tag>", so two different messages sharing it
 * never share a key; identical copies then get ".<n>" by occurrence order.
 * "." is outside the base64url and hex alphabets, so keys never collide.
 */

/** Unique-ids longer than this (RFC 1939 says 70) are hashed to keep keys short. */
const MAX_UID_IN_KEY = 150;

export function idFromUid(uid: string): string {
  if (uid.length > MAX_UID_IN_KEY) return 'h' + createHash('sha256').update(uid).digest('hex');
  return 'u' + Buffer.from(uid, 'utf8').toString('base64url');
}

function fingerprint(header: Uint8Array, size: number): string {
  return createHash('sha256').update(header).update(`\0${size}`).digest('hex');
}

export function idFromHeader(header: Uint8Array, size: number): string {
  return 'f' + fingerprint(header, size).slice(0, 40);
}

/** The id of a message whose unique-id is shared: the unique-id plus what its content says. */
export function idFromSharedUid(uid: string, header: Uint8Array, size: number): string {
  return `${idFromUid(uid)}.c${fingerprint(header, size).slice(0, 16)}`;
}

export interface ListingEntry {
  /** Message number: valid only inside the connection that listed it. */
  msg: number;
  size: number;
  /** Identity before occurrence numbering. */
  id: string;
  /** Identity from the unique-id alone (or the fingerprint), before any content tag. */
  base: string;
  key: string;
  /** 1-based occurrence of `id` in this listing, and how many there are. */
  occurrence: number;
  occurrences: number;
}

/** Assign keys in message-number order, so occurrence n is the n-th in the maildrop. */
export function assignKeys(items: Array<{ msg: number; size: number; id: string; base: string }>): ListingEntry[] {
  const sorted = [...items].sort((a, b) => a.msg - b.msg);
  const counts = new Map<string, number>();
  for (const it of sorted) counts.set(it.id, (counts.get(it.id) ?? 0) + 1);
  const seen = new Map<string, number>();
  return sorted.map((it) => {
    const n = (seen.get(it.id) ?? 0) + 1;
    seen.set(it.id, n);
    // Field by field, not a spread plus fields: that is about 20 times slower on Node 20 (see listItem).
    return { msg: it.msg, size: it.size, id: it.id, base: it.base, key: n === 1 ? it.id : `${it.id}.${n}`, occurrence: n, occurrences: counts.get(it.id) ?? 1 };
  });
}

/**
 * What a delete must find again to be sure it hits the same message: its size
 * and, for a repeated id, the sizes of every occurrence in order.
 */
export function duplicateSignature(entries: ListingEntry[], e: ListingEntry): string | null {
  if (e.occurrences === 1) return null;
  return entries.filter((x) => x.id === e.id).map((x) => x.size).join(',');
}
