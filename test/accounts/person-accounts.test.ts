import { describe, expect, test } from 'vitest';
import { AccountStore } from '../../server/accounts/account-store.ts';
import { PersonAccounts } from '../../server/accounts/person-accounts.ts';
import { SessionAccounts } from '../../server/accounts/session-accounts.ts';
import { passwordContext, unseal } from '../../server/accounts/vault.ts';
import type { Config } from '../../server/config.ts';
import type { MailboxRegistry } from '../../server/mailbox/registry.ts';
import { accountId } from '../../server/mailbox/registry.ts';
import type { WebSession } from '../../server/sessions/web-sessions.ts';
import type { MailStore } from '../../server/store/store.ts';

const ALICE = accountId('s0', 'alice');
const BOB = accountId('s0', 'bob');

function session(account = ALICE, username = 'alice'): WebSession {
  return {
    id: `web-${username}`, account, serverId: 's0', username, client: '127.0.0.1', expiresAt: Infinity, lastUsedAt: 0,
    sockets: 0, onEnd: new Set(), vaultKey: null,
    accounts: new SessionAccounts({ id: account, serverId: 's0', username, label: username, colour: '#000000', primary: true }),
  };
}

/** A registry whose logins finish when the test says so. */
function slowRegistry() {
  let finish: (() => void) | undefined;
  const registry = {
    server: () => ({ id: 's0' }),
    signIn: (_: string, c: { username: string }) => new Promise<string>((resolve) => { finish = () => resolve(accountId('s0', c.username)); }),
    release: async () => undefined,
    get: () => undefined,
  } as unknown as MailboxRegistry;
  return { registry, finish: () => finish!() };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('a person\'s accounts', () => {
  test('a new password given while the session ends is never sealed under the wiped key', async () => {
    const store = new AccountStore(':memory:');
    store.put(ALICE, { account: BOB, serverId: 's0', username: 'bob', label: 'bob', colour: '#111111', secret: null });
    const { registry, finish } = slowRegistry();
    const accounts = new PersonAccounts({ servers: [], maxAccountsPerPerson: 5 } as unknown as Config, registry, store, {} as MailStore, { warn() {} });
    const s = session();
    accounts.start(s, 'alice-pw');
    const tag = s.accounts.byId(BOB)!.tag;
    await until(() => s.accounts.byTag(tag)?.state === 'needsPassword');

    const update = accounts.update(s, tag, { password: 'bob-new-pw' });
    await until(() => s.vaultKey !== null);
    // Signed out during the login (WebSessions.end, then PersonAccounts.end).
    s.vaultKey!.fill(0);
    s.vaultKey = null;
    await accounts.end(s, 'signOut');
    finish();
    const outcome = await update.then(() => 'updated', (e: { code?: string }) => e.code);
    // A key of zeros opens nothing: the password is not stored as good as in clear.
    const secret = store.added(ALICE)[0]!.secret;
    if (secret) expect(unseal(Buffer.alloc(32), secret, passwordContext(ALICE, BOB))).toBeNull();
    expect(outcome).toBe('SESSION_EXPIRED');
    store.close();
  });

  test('removing an added account keeps the cached mail and seen flags of the person whose own account it is', async () => {
    const store = new AccountStore(':memory:');
    store.put(ALICE, { account: BOB, serverId: 's0', username: 'bob', label: 'bob', colour: '#111111', secret: null });
    const { registry } = slowRegistry();
    const removed: string[] = [];
    const mail = { removeAccount: (a: string) => removed.push(a) } as unknown as MailStore;
    const accounts = new PersonAccounts({ servers: [], maxAccountsPerPerson: 5 } as unknown as Config, registry, store, mail, { warn() {} });
    // Bob signs in to Popbridge himself, then signs out: his seen flags stay in the store for his next visit.
    const bob = session(BOB, 'bob');
    accounts.start(bob, 'bob-pw');
    await until(() => bob.vaultKey !== null);
    await accounts.end(bob, 'signOut');

    const alice = session();
    accounts.start(alice, 'alice-pw');
    await until(() => alice.accounts.byId(BOB)?.state === 'needsPassword');
    await accounts.remove(alice, alice.accounts.byId(BOB)!.tag);
    expect(store.added(ALICE)).toEqual([]);
    expect(removed).toEqual([]);
    store.close();
  });
});
