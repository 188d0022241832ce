import { chown, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Maildir delivery that keeps POP3 numbering predictable.
 *
 * Dovecot gives new files their UIDs (and so their POP3 message numbers) in
 * the order of the leading decimal number of the file name, the delivery
 * timestamp by maildir convention (maildir_filename_sort_cmp in Dovecot's
 * lib-storage/index/maildir). We make that number base + sequence, one
 * second apart per delivery, so delivery order and numbering order are the
 * same even for many deliveries within one real second.
 */
export class MaildirWriter {
  private sequence = 0;
  private readonly baseSeconds = Math.floor(Date.now() / 1000);

  constructor(
    private readonly owner: { uid: number; gid: number },
  ) {}

  async create(maildir: string): Promise<void> {
    for (const sub of ['', 'cur', 'new', 'tmp']) {
      const folder = path.join(maildir, sub);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      await chown(folder, this.owner.uid, this.owner.gid);
    }
  }

  /** Writes into tmp/, then renames into new/, as the maildir rules ask. */
  async deliver(maildir: string, bytes: Uint8Array | string): Promise<string> {
    const sequence = ++this.sequence;
    const name = `${this.baseSeconds + sequence}.M${sequence}P${process.pid}Q${sequence}.popbridge-test`;
    const tmpPath = path.join(maildir, 'tmp', name);
    const newPath = path.join(maildir, 'new', name);
    await writeFile(tmpPath, bytes, { mode: 0o600 });
    await chown(tmpPath, this.owner.uid, this.owner.gid);
    await rename(tmpPath, newPath);
    return newPath;
  }
}

function leadingNumber(name: string): number {
  const match = /^\d+/.exec(name);
  return match ? Number(match[0]) : Number.POSITIVE_INFINITY;
}

function baseName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

/**
 * The messages of a maildir (cur/ and new/), in the order Dovecot numbers
 * them: by the leading number of the file name, then by the rest of it.
 * Exact for files written by MaildirWriter; Dovecot's flag suffix (":2,S")
 * does not change the order. A running POP3 session may move a file from
 * new/ to cur/ while we read, so a vanished file means "list again".
 */
export async function listMaildir(maildir: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  for (let attempt = 1; ; attempt++) {
    const byBase = new Map<string, { name: string; path: string }>();
    for (const sub of ['new', 'cur']) {
      for (const name of await readdir(path.join(maildir, sub))) {
        byBase.set(baseName(name), { name, path: path.join(maildir, sub, name) });
      }
    }
    const files = [...byBase.values()].sort(
      (a, b) => leadingNumber(a.name) - leadingNumber(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    try {
      return await Promise.all(files.map(async (file) => ({ path: file.path, bytes: await readFile(file.path) })));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}
