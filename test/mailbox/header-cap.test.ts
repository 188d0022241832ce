import { afterEach, describe, expect, test } from 'vitest';
import { buildListing } from '../../server/mailbox/listing.ts';
import type { MailboxClient } from '../../server/mailbox/mailbox-client.ts';
import { MAX_HEADER_BYTES } from '../../server/mailbox/summary.ts';
import { Pop3Client } from '../../server/pop3-client/client.ts';
import { startPop3Server, type Pop3Server, type Variation } from '../../server/pop3-server/index.ts';
import { combine, noUidl, topIgnoresLines } from '../fixtures/quirks.ts';

// A hostile server without UIDL whose header blocks (and so TOP n 0 replies)
// are megabytes: the listing must keep only small copies, never the replies.
const filler = `X-Filler: ${'a'.repeat(990)}\r\n`.repeat(2_200); // ~2.2 MB of header
const huge = (n: number) => `Subject: huge ${n}\r\nMessage-ID: <huge${n}@test>\r\n${filler}\r\nbody ${n}\r\n`;
const ALICE = { username: 'alice', password: 'pw' };

let server: Pop3Server | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function listWith(messages: string[], variation: Variation) {
  server = await startPop3Server({ users: [ALICE], maildrops: { alice: { messages } }, variation });
  const client = await Pop3Client.connect({ host: server.host, port: server.port, security: 'plain' },
    { connectTimeoutMs: 5000, greetingTimeoutMs: 5000, commandTimeoutMs: 15000 });
  await client.login(ALICE);
  const mailbox = client as unknown as MailboxClient;
  const replySizes: number[] = [];
  const watched: MailboxClient = Object.assign(Object.create(mailbox) as MailboxClient, {
    topMany: (msgs: number[], lines: number, onEach: (msg: number, r: Uint8Array | Error) => void, maxBytes?: number) =>
      mailbox.topMany(msgs, lines, (msg, r) => { if (r instanceof Uint8Array) replySizes.push(r.byteLength); onEach(msg, r); }, maxBytes),
  });
  const listing = await buildListing(watched);
  await client.quit();
  return { listing, replySizes };
}

describe('header blocks of a listing', () => {
  test('huge header blocks: replies are cut as they arrive, and what is kept owns its bytes', async () => {
    const { listing, replySizes } = await listWith([huge(1), huge(2), huge(3)], noUidl);
    expect(listing.entries).toHaveLength(3);
    expect(new Set(listing.entries.map((e) => e.key)).size).toBe(3);
    expect(replySizes).toHaveLength(3);
    for (const size of replySizes) expect(size).toBeLessThanOrEqual(MAX_HEADER_BYTES);
    expect(listing.headers.size).toBe(3);
    for (const h of listing.headers.values()) {
      expect(h.byteLength).toBeLessThanOrEqual(MAX_HEADER_BYTES);
      expect(h.buffer.byteLength).toBe(h.byteLength);
    }
  });

  test('a server answering TOP n 0 with whole messages: only the small header blocks are kept', async () => {
    const big = (n: number) => `Subject: big ${n}\r\nMessage-ID: <big${n}@test>\r\n\r\n${'b'.repeat(2_000_000)}\r\n`;
    const { listing, replySizes } = await listWith([big(1), big(2)], combine(noUidl, topIgnoresLines));
    for (const size of replySizes) expect(size).toBeLessThanOrEqual(MAX_HEADER_BYTES);
    expect(listing.headers.size).toBe(2);
    for (const h of listing.headers.values()) {
      expect(h.byteLength).toBeLessThan(100);
      expect(h.buffer.byteLength).toBe(h.byteLength);
    }
  });
});
