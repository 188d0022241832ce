import { describe, expect, test } from 'vitest';
import { checkValue, deriveKey, keyMatches, newSalt, passwordContext, seal, unseal } from '../../server/accounts/vault.ts';
import { WebSessions } from '../../server/sessions/web-sessions.ts';

describe('the credential vault', () => {
  test('a sealed password opens only with the same key and the same owner and account', async () => {
    const salt = newSalt();
    const key = await deriveKey('primary-pw', salt);
    expect(key).toHaveLength(32);
    expect(await deriveKey('primary-pw', salt)).toEqual(key);
    const sealed = seal(key, 'bob-pw', passwordContext('alice', 'bob'));
    expect(sealed.includes(Buffer.from('bob-pw'))).toBe(false);
    expect(unseal(key, sealed, passwordContext('alice', 'bob'))).toBe('bob-pw');
    // Another row (account or owner) or another key: nothing, never a wrong password.
    expect(unseal(key, sealed, passwordContext('alice', 'carol'))).toBeNull();
    expect(unseal(key, sealed, passwordContext('mallory', 'bob'))).toBeNull();
    expect(unseal(await deriveKey('changed-pw', salt), sealed, passwordContext('alice', 'bob'))).toBeNull();
    expect(unseal(await deriveKey('primary-pw', newSalt()), sealed, passwordContext('alice', 'bob'))).toBeNull();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(unseal(key, flipped, passwordContext('alice', 'bob'))).toBeNull();
    // A random IV each time: the same password seals differently.
    expect(seal(key, 'bob-pw', passwordContext('alice', 'bob')).equals(sealed)).toBe(false);
  });

  test('the check value tells a changed primary password', async () => {
    const salt = newSalt();
    const key = await deriveKey('primary-pw', salt);
    const check = checkValue(key, 'alice');
    expect(keyMatches(key, 'alice', check)).toBe(true);
    expect(keyMatches(await deriveKey('changed-pw', salt), 'alice', check)).toBe(false);
    expect(keyMatches(key, 'bob', check)).toBe(false);
  });

  test('the key is derived off the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await deriveKey('primary-pw', newSalt());
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  test('sign-out and expiry wipe the session\'s key', () => {
    const expired: string[] = [];
    const sessions = new WebSessions({ lifetimeMs: 60_000, idleMs: 0, maxTotal: 10, perAccount: 10, perClient: 10 }, (s) => expired.push(s.id));
    try {
      const a = sessions.create('acct-a', 's0', 'alice', '127.0.0.1');
      const key = Buffer.alloc(32, 7);
      a.vaultKey = key;
      sessions.end(a.id);
      expect(key.equals(Buffer.alloc(32))).toBe(true);
      expect(a.vaultKey).toBeNull();

      const b = sessions.create('acct-b', 's0', 'bob', '127.0.0.1');
      const other = Buffer.alloc(32, 9);
      b.vaultKey = other;
      b.expiresAt = Date.now() - 1;
      sessions.sweep();
      expect(expired).toEqual([b.id]);
      expect(other.equals(Buffer.alloc(32))).toBe(true);
    } finally {
      sessions.close();
    }
  });
});
