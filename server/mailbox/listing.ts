import { Pop3RemoteError } from '../../shared/pop3/index.ts';
import type { MailboxClient } from './mailbox-client.ts';
import { assignKeys, idFromHeader, idFromSharedUid, idFromUid, type ListingEntry } from './keys.ts';
import { headerBlock, MAX_HEADER_BYTES } from './summary.ts';

/**
 * One connection's view of the maildrop. Message numbers in it are valid
 * only while that connection lives; the listing dies with it.
 */
export interface Listing {
  entries: ListingEntry[];
  byKey: Map<string, ListingEntry>;
  /**
   * Header blocks already read while listing (servers without UIDL, shared
   * unique-ids). Each is its own copy of at most MAX_HEADER_BYTES, so the
   * map never pins the replies they were cut from.
   */
  headers: Map<number, Uint8Array>;
}

/** Header block of one message by RETR when the server lacks TOP; the rest is drained, not kept. */
async function headerByRetr(conn: MailboxClient, msg: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let kept = 0;
  for await (const chunk of conn.retr(msg)) {
    if (kept >= MAX_HEADER_BYTES) continue;
    const take = chunk.subarray(0, MAX_HEADER_BYTES - kept);
    parts.push(take.slice());
    kept += take.length;
  }
  return headerBlock(Buffer.concat(parts));
}

/** Header blocks of many messages: pipelined TOP n 0, or RETR one by one without TOP. */
export async function fetchHeaders(conn: MailboxClient, msgs: number[], onEach: (msg: number, header: Uint8Array | null) => void): Promise<void> {
  if (msgs.length === 0) return;
  if (conn.capabilities.known && !conn.capabilities.top) {
    for (const m of msgs) onEach(m, await headerByRetr(conn, m));
    return;
  }
  let notSupported = false;
  const missing: number[] = [];
  await conn.topMany(msgs, 0, (msg, result) => {
    if (result instanceof Uint8Array) onEach(msg, result); // TOP n 0: the header block, cut to the cap
    else {
      if (result.code === 'NOT_SUPPORTED' || result.code === 'COMMAND_FAILED') notSupported = true;
      missing.push(msg);
    }
  }, MAX_HEADER_BYTES);
  // A server without CAPA may lack TOP; fall back to RETR for what TOP refused.
  for (const m of missing) onEach(m, notSupported ? await headerByRetr(conn, m) : null);
}

export async function buildListing(conn: MailboxClient): Promise<Listing> {
  // Both in one round trip when the server pipelines.
  const [sizes, uids] = await Promise.all([conn.list(), conn.uidl()]);
  const headers = new Map<number, Uint8Array>();
  const keep = (msg: number, reply: Uint8Array | null): void => {
    // A copy (Buffer#slice would be a view): the map must not pin the reply it was cut from.
    if (reply) headers.set(msg, new Uint8Array(headerBlock(reply)));
  };
  let items: Array<{ msg: number; size: number; id: string; base: string }>;
  if (uids) {
    const byMsg = new Map(uids.map((u) => [u.msg, u.uid]));
    const uses = new Map<string, number>();
    for (const u of uids) uses.set(u.uid, (uses.get(u.uid) ?? 0) + 1);
    // A unique-id on several messages is told apart by content, so a cached
    // summary, a seen flag or a delete can never pass from one to the other.
    const shared = sizes.filter((s) => (uses.get(byMsg.get(s.msg) ?? '') ?? 0) > 1).map((s) => s.msg);
    await fetchHeaders(conn, shared, keep);
    items = sizes.map((s) => {
      const uid = byMsg.get(s.msg);
      if (uid === undefined) throw new Pop3RemoteError('PROTOCOL', `UIDL lacks message ${s.msg}`);
      if ((uses.get(uid) ?? 0) === 1) return { msg: s.msg, size: s.size, id: idFromUid(uid), base: idFromUid(uid) };
      const h = headers.get(s.msg);
      if (!h) throw new Pop3RemoteError('PROTOCOL', `no header block for message ${s.msg}`);
      return { msg: s.msg, size: s.size, id: idFromSharedUid(uid, h, s.size), base: idFromUid(uid) };
    });
  } else {
    await fetchHeaders(conn, sizes.map((s) => s.msg), keep);
    items = sizes.map((s) => {
      const h = headers.get(s.msg);
      if (!h) throw new Pop3RemoteError('PROTOCOL', `no header block for message ${s.msg}`);
      const id = idFromHeader(h, s.size);
      return { msg: s.msg, size: s.size, id, base: id };
    });
  }
  const entries = assignKeys(items);
  return { entries, byKey: new Map(entries.map((e) => [e.key, e])), headers };
}
