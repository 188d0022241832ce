import type { Upload } from '../../../shared/api/index.ts';
import { toAppError } from '../api/errors.ts';
import { errorText } from '../api/messages.ts';
import * as api from '../api/send.ts';

/** One attachment of the draft: uploading, uploaded, or failed with its reason. */
export interface ComposeFile {
  key: number;
  name: string;
  size: number;
  upload: Upload | null;
  error: string | null;
}

/** The draft's attachments: each file is uploaded as soon as it is picked. */
export class ComposeFiles {
  list = $state<ComposeFile[]>([]);
  #nextKey = 1;
  readonly #changed: () => void;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  get busy(): boolean {
    return this.list.some((f) => !f.upload && !f.error);
  }

  /** Ids for the draft: only what finished uploading. */
  get ids(): string[] {
    return this.list.flatMap((f) => (f.upload ? [f.upload.id] : []));
  }

  reset(uploads: Upload[] = []): void {
    this.list = uploads.map((upload) => ({ key: this.#nextKey++, name: upload.filename, size: upload.size, upload, error: null }));
  }

  async add(blob: Blob, name: string): Promise<void> {
    this.list.push({ key: this.#nextKey++, name, size: blob.size, upload: null, error: null });
    // The proxied entry, so the changes below are seen.
    const file = this.list[this.list.length - 1]!;
    try {
      file.upload = await api.upload(blob, name);
      if (this.list.includes(file)) this.#changed();
      else await api.deleteUpload(file.upload.id).catch(() => {});
    } catch (err) {
      file.error = errorText(toAppError(err));
    }
  }

  async remove(key: number): Promise<void> {
    const file = this.list.find((f) => f.key === key);
    if (!file) return;
    this.list = this.list.filter((f) => f.key !== key);
    if (!file.upload) return;
    this.#changed();
    // The draft stops naming it first; the server keeps it until the draft goes otherwise.
    await api.deleteUpload(file.upload.id).catch(() => {});
  }
}
