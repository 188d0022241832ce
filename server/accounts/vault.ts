import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';

/**
 * The added accounts' passwords, sealed under a key only the person's primary
 * password opens. scrypt is memory-hard (N=2^15, r=8: 32 MiB per derivation),
 * so a stolen database cannot be tried against password lists cheaply; it
 * runs on libuv's thread pool, never on the event loop. AES-256-GCM with a
 * random IV; the owner and account are the associated data, so a sealed
 * password moved to another row (or person) no longer opens.
 */
const SCRYPT: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;
export const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed under the key at vault creation: opening it tells a changed primary password from a damaged row. */
const CHECK_TEXT = 'popbridge vault v1';

export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

/** The person's key; the caller wipes it (fill(0)) when the session ends. */
export function deriveKey(password: string, salt: Buffer): Promise<Buffer> {
  const secret = Buffer.from(password, 'utf8');
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, SCRYPT, (err, key) => {
      secret.fill(0);
      if (err) reject(err); else resolve(key);
    });
  });
}

/** iv | tag | ciphertext. */
export function seal(key: Buffer, plaintext: string, associated: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associated, 'utf8'));
  const clear = Buffer.from(plaintext, 'utf8');
  const body = Buffer.concat([cipher.update(clear), cipher.final()]);
  clear.fill(0);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The plaintext, or null when the key or the associated data is not the one it was sealed with. */
export function unseal(key: Buffer, sealed: Buffer, associated: string): string | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(associated, 'utf8'));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** Associated data of an added account's sealed password. */
export function passwordContext(owner: string, account: string): string {
  return JSON.stringify(['password', owner, account]);
}

export function checkValue(key: Buffer, owner: string): Buffer {
  return seal(key, CHECK_TEXT, JSON.stringify(['check', owner]));
}

export function keyMatches(key: Buffer, owner: string, check: Buffer): boolean {
  return unseal(key, check, JSON.stringify(['check', owner])) === CHECK_TEXT;
}
