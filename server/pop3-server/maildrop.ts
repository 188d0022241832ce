// A user's maildrop: an ordered list of messages, an exclusive lock, and
// RFC 1939's deferred delete. Sessions take a snapshot when they lock it, so
// mail delivered meanwhile shows only in a new session (RFC 1939 §8 leaves
// this open; real servers behave so and clients must cope).

import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Pop3dError } from './errors.ts';
import { normaliseCrlf } from './wire.ts';

export interface StoredMessage {
  /** RFC 1939 §7 unique-id: 1 to 70 octets in 0x21..0x7E, stable across restarts. */
  readonly uid: string;
  /** The message with CRLF line ends, not byte-stuffed. */
  readonly bytes: Buffer;
  /** Octets of `bytes`: what STAT and LIST announce. */
  readonly size: number;
  /** The .eml file it came from, for folder-backed maildrops. */
  readonly file?: string;
}

/** A message given in memory; `uid` defaults to a hash of position and content. */
export type MessageInput = Uint8Array | string | { bytes: Uint8Array | string; uid?: string };

export interface FolderOptions {
  /** Remove the .eml file when a QUIT commits its deletion. Off by default:
   * the folder is a source of samples, copied into memory. */
  deleteFiles?: boolean;
}

const UID_PATTERN = /^[\x21-\x7e]{1,70}$/;

function uidFrom(...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 40);
}

function toBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

function stored(bytes: Uint8Array, uid: string, file?: string): StoredMessage {
  if (!UID_PATTERN.test(uid)) {
    throw new Pop3dError('POP3D_INVALID_OPTIONS', `Unique-id ${JSON.stringify(uid)} must be 1 to 70 printable ASCII characters without spaces (RFC 1939 §7).`);
  }
  const normalised = normaliseCrlf(bytes);
  return file === undefined
    ? { uid, bytes: normalised, size: normalised.length }
    : { uid, bytes: normalised, size: normalised.length, file };
}

export class Maildrop {
  #messages: StoredMessage[];
  #locked = false;
  readonly #deleteFiles: boolean;
  // Delivered mail has no file name to hash; a per-instance salt keeps its
  // unique-ids from repeating those of mail delivered before a restart.
  readonly #salt = randomUUID();
  #delivered = 0;

  constructor(messages: readonly MessageInput[] = [], options: { deleteFiles?: boolean } = {}) {
    this.#deleteFiles = options.deleteFiles ?? false;
    this.#messages = messages.map((input, index) => {
      if (input instanceof Uint8Array || typeof input === 'string') {
        const bytes = toBytes(input);
        return stored(bytes, uidFrom(`memory:${index}`, bytes));
      }
      const bytes = toBytes(input.bytes);
      return stored(bytes, input.uid ?? uidFrom(`memory:${index}`, bytes));
    });
  }

  /** Loads every *.eml in `folder`, sorted by file name; the unique-id hashes
   * the name and content, so it survives restarts. */
  static async fromFolder(folder: string, options: FolderOptions = {}): Promise<Maildrop> {
    let names: string[];
    try {
      names = (await readdir(folder)).filter((name) => name.toLowerCase().endsWith('.eml')).sort();
    } catch (cause) {
      throw new Pop3dError('POP3D_MAILDROP_LOAD_FAILED', `Cannot read the maildrop folder ${folder}: check that it exists and is readable.`, { cause });
    }
    const drop = new Maildrop([], options);
    for (const name of names) {
      const file = join(folder, name);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (cause) {
        throw new Pop3dError('POP3D_MAILDROP_LOAD_FAILED', `Cannot read ${file}: check its permissions.`, { cause });
      }
      drop.#messages.push(stored(bytes, uidFrom(`file:${name}`, bytes), file));
    }
    return drop;
  }

  /** The current messages, in maildrop order (a copy: a session's snapshot). */
  get messages(): readonly StoredMessage[] {
    return this.#messages.slice();
  }

  get locked(): boolean {
    return this.#locked;
  }

  /** RFC 1939 §4: the server acquires an exclusive-access lock on the maildrop. */
  tryLock(): boolean {
    if (this.#locked) return false;
    this.#locked = true;
    return true;
  }

  unlock(): void {
    this.#locked = false;
  }

  /** Adds mail at runtime, locked or not; it appears to the next session. */
  deliver(input: Uint8Array | string, options: { uid?: string } = {}): StoredMessage {
    const bytes = toBytes(input);
    this.#delivered += 1;
    const message = stored(bytes, options.uid ?? uidFrom(`delivered:${this.#salt}:${this.#delivered}`, bytes));
    this.#messages.push(message);
    return message;
  }

  /** The UPDATE state: removes exactly these messages (by identity, so two
   * copies sharing a unique-id are told apart) and, when asked to, their
   * files. Rejects if a file could not be removed; the memory copy is gone
   * either way. */
  async expunge(gone: ReadonlySet<StoredMessage>): Promise<void> {
    if (gone.size === 0) return;
    this.#messages = this.#messages.filter((message) => !gone.has(message));
    if (!this.#deleteFiles) return;
    const failures: unknown[] = [];
    for (const message of gone) {
      if (message.file === undefined) continue;
      try {
        await unlink(message.file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new Pop3dError('POP3D_MAILDROP_UPDATE_FAILED', `${failures.length} deleted message file(s) could not be removed: check the folder's permissions.`, { cause: failures[0] });
    }
  }
}
