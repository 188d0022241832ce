import { describe, expect, test } from 'vitest';
import { ConnectionLimiter } from '../../server/mailbox/limiter.ts';
import type { Pop3Connector } from '../../server/mailbox/mailbox-client.ts';
import { MailboxSession } from '../../server/mailbox/session.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import { FakeMaildrop, type FakeMailboxClient } from '../fixtures/fake-mailbox-client.ts';

// A sign-in hands its checked connection to a mailbox that may be connecting on its own.

describe('adopting the sign-in connection', () => {
  test('while an action is connecting: one connection stays, the other is QUIT and gives its slot back', async () => {
    const drop = new FakeMaildrop([{ name: 'A', uid: 'uid-A' }]);
    const limiter = new ConnectionLimiter(4);
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const clients: FakeMailboxClient[] = [];
    const connector: Pop3Connector = async (serverId, credentials) => {
      await gate;
      const client = await drop.connector(serverId, credentials);
      clients.push(client as FakeMailboxClient);
      return client;
    };
    const session = new MailboxSession({
      account: 'acct', serverId: 's', limiter, connector, store: new SqliteStore(':memory:'),
      idleCloseMs: 60_000, refreshIntervalMs: 0, minRefreshIntervalMs: 0, deleteGraceMs: 60_000,
      log: { warn() {}, info() {} },
    }, { username: 'u', password: 'p' });
    const syncing = session.sync(null, false); // connecting: waits for the gate
    await new Promise((r) => setTimeout(r, 10));
    // A sign-in verified a connection meanwhile and hands it over.
    const release = await limiter.acquire();
    const incoming = (await drop.connector('s', { username: 'u', password: 'p' })) as FakeMailboxClient;
    const adopting = session.adopt(incoming, release);
    open();
    await syncing;
    await adopting;
    await new Promise((r) => setTimeout(r, 10));
    expect(drop.logins).toBe(2);
    const [own] = clients;
    // Exactly one of the two is the mailbox's connection; the other was closed.
    expect([own!.closed, incoming.closed].filter((c) => !c)).toHaveLength(1);
    expect(limiter.inUse).toBe(1);
    await session.shutdown('signOut');
    expect(own!.closed && incoming.closed).toBe(true);
    expect(limiter.inUse).toBe(0);
  });
});
