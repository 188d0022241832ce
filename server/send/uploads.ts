import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Upload } from '../../shared/api/index.ts';
import { BridgeError } from '../errors.ts';

interface Held extends Upload {
  account: string;
  path: string;
}

export interface UploadLimits {
  maxBytes: number;
  perAccount: number;
}

/**
 * Attachments uploaded for drafts: streamed to a folder per account under
 * DATA_DIR/uploads (0700, files 0600), known by an unguessable id. They live
 * as long as the account's mailbox session: the folder goes at sign-out and
 * expiry, and the whole tree at start-up (nothing outlives a restart).
 */
export class Uploads {
  private readonly held = new Map<string, Held>();
  private readonly folders = new Map<string, string>();
  private readonly root: string;

  /** `dataDir` ':memory:' (tests) keeps uploads in a folder of its own under the system's temp dir. */
  constructor(dataDir: string, private readonly limits: UploadLimits) {
    this.root = dataDir === ':memory:' ? join(tmpdir(), `popbridge-uploads-${randomBytes(8).toString('hex')}`) : join(dataDir, 'uploads');
    rmSync(this.root, { recursive: true, force: true });
  }

  /** The app stops: no upload outlives it. */
  close(): void {
    this.held.clear();
    this.folders.clear();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Streams one file to disk; ATTACHMENT_TOO_LARGE (and nothing kept) past the limit. */
  async save(account: string, file: { filename: string; mimetype: string; stream: Readable & { truncated?: boolean } }): Promise<Upload> {
    if (this.list(account).length >= this.limits.perAccount) {
      file.stream.resume();
      throw new BridgeError('TOO_MANY_ATTACHMENTS', { limit: this.limits.perAccount });
    }
    const id = randomBytes(16).toString('base64url');
    const path = join(this.folder(account), id);
    let size = 0;
    file.stream.on('data', (chunk: Buffer) => { size += chunk.length; });
    try {
      await pipeline(file.stream, createWriteStream(path, { mode: 0o600, flags: 'wx' }));
    } catch (e) {
      rmSync(path, { force: true });
      throw e;
    }
    if (file.stream.truncated) {
      rmSync(path, { force: true });
      throw new BridgeError('ATTACHMENT_TOO_LARGE', { limit: this.limits.maxBytes });
    }
    const upload: Upload = {
      id, size,
      // Any Unicode name is kept (compose writes it as RFC 2231); only its length is bounded.
      filename: (file.filename || 'attachment').slice(0, 255),
      contentType: /^[\w.+-]+\/[\w.+-]+$/.test(file.mimetype) ? file.mimetype.slice(0, 255) : 'application/octet-stream',
    };
    this.held.set(id, { ...upload, account, path });
    return upload;
  }

  get(account: string, id: string): Upload | undefined {
    const h = this.held.get(id);
    if (!h || h.account !== account) return undefined;
    return { id: h.id, filename: h.filename, contentType: h.contentType, size: h.size };
  }

  /** The bytes of an upload as a stream, read as the message is submitted (never whole in memory). */
  open(account: string, id: string): Readable {
    const h = this.held.get(id);
    if (!h || h.account !== account) throw new BridgeError('NOT_FOUND');
    return createReadStream(h.path);
  }

  list(account: string): Upload[] {
    return [...this.held.values()].filter((h) => h.account === account);
  }

  remove(account: string, ids: readonly string[]): boolean {
    let any = false;
    for (const id of ids) {
      const h = this.held.get(id);
      if (!h || h.account !== account) continue;
      this.held.delete(id);
      rmSync(h.path, { force: true });
      any = true;
    }
    return any;
  }

  /** The account's mailbox session ended: every upload of it goes. */
  removeAccount(account: string): void {
    for (const [id, h] of this.held) if (h.account === account) this.held.delete(id);
    const folder = this.folders.get(account);
    this.folders.delete(account);
    if (folder) rmSync(folder, { recursive: true, force: true });
  }

  private folder(account: string): string {
    let folder = this.folders.get(account);
    if (!folder) {
      // A random name: the account (server and user name) never appears on disk.
      folder = join(this.root, randomBytes(12).toString('base64url'));
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      this.folders.set(account, folder);
    }
    return folder;
  }
}
