// Property: whatever octets a client sends, split however, the server
// answers in whole status lines or data, ends the session when the client
// stops, releases the maildrop, and keeps serving the next client.

import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPop3Server, type Pop3Server } from '../../server/pop3-server/index.ts';
import { RawConnection } from './raw-client.ts';

let server: Pop3Server;
beforeAll(async () => {
  server = await startPop3Server({
    users: [{ username: 'alice', password: 'pw' }],
    maildrops: { alice: { messages: ['Subject: a\r\n\r\n.x\r\n', 'Subject: b\r\n\r\nb\r\n'] } },
  });
});
afterAll(() => server.close());

const commandLine = fc.oneof(
  fc.constantFrom('USER alice', 'PASS pw', 'PASS nope', 'STAT', 'LIST', 'LIST 1', 'UIDL', 'RETR 1', 'TOP 2 0',
    'NOOP', 'RSET', 'CAPA', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH CRAM-MD5', 'APOP alice x', 'STLS', 'LIST 99999999999', ''),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);
const lineEnd = fc.constantFrom('\r\n', '\n', '\r', '');

it('survives arbitrary input split at arbitrary offsets', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(commandLine, lineEnd), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), async (lines, cuts) => {
      const input = lines.map(([line, end]) => line + end).join('');
      const c = await RawConnection.connect(server.port);
      try {
        const offsets = [...new Set(cuts.map((n) => n % (input.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const at of [...offsets, input.length]) {
          c.send(input.slice(from, at));
          from = at;
        }
        c.finish();
        const output = await c.rest();
        expect(output.startsWith('+OK Popbridge')).toBe(true);
        expect(output.endsWith('\r\n') || output === '').toBe(true);
      } finally {
        c.destroy();
      }
      for (let i = 0; i < 200 && server.maildrop('alice').locked; i++) await new Promise((r) => setTimeout(r, 5));
      expect(server.maildrop('alice').locked).toBe(false);
      // DELE and QUIT are not in the pool, so nothing may be deleted.
      expect(server.maildrop('alice').messages).toHaveLength(2);
    }),
    { numRuns: 60 },
  );
  const c = await RawConnection.connect(server.port);
  await c.line();
  await c.command('USER alice');
  expect(await c.command('PASS pw')).toMatch(/^\+OK/);
  c.destroy();
});
