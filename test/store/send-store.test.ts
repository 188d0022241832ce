import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { Uploads } from '../../server/send/uploads.ts';
import { SendStore } from '../../server/store/send-store.ts';

const dirs: string[] = [];
afterEach(() => { while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true }); });
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'popbridge-send-'));
  dirs.push(dir);
  return dir;
}

const input = { to: 'bob@example.test', cc: '', bcc: '', subject: 'Hi', text: 'Hello', attachments: [] };

describe('drafts and sent messages in SQLite', () => {
  it('keeps drafts per account, survives a reopen, and a save clears the last send error', () => {
    const dir = dataDir();
    let store = SendStore.open(dir);
    store.putDraft('a', 'd1', input, 1);
    store.setDraftError('a', 'd1', { code: 'SMTP_OUTCOME_UNKNOWN' });
    expect(store.draft('b', 'd1')).toBeUndefined();
    store.close();
    store = SendStore.open(dir);
    expect(store.draft('a', 'd1')).toEqual({ id: 'd1', input, updatedAt: 1, lastError: { code: 'SMTP_OUTCOME_UNKNOWN' } });
    store.putDraft('a', 'd1', { ...input, subject: 'Again' }, 2);
    expect(store.draft('a', 'd1')).toMatchObject({ lastError: null, input: { subject: 'Again' } });
    expect((statSync(join(dir, 'popbridge.sqlite')).mode & 0o777).toString(8)).toBe('600');
    store.close();
  });

  it('recording a sent message removes its draft; the list is newest first', () => {
    const store = SendStore.open(dataDir());
    store.putDraft('a', 'd1', input, 1);
    const base = { messageId: '<x@y>', to: 'bob@example.test', cc: '', bcc: '', subject: 'Hi', text: 'Hello', attachments: [], accepted: [], refused: [] };
    store.recordSent('a', { ...base, id: 's1', sentAt: 10 }, Buffer.from('raw'), 'd1');
    store.recordSent('a', { ...base, id: 's2', sentAt: 20 }, null, 'none');
    expect(store.draft('a', 'd1')).toBeUndefined();
    expect(store.sentList('a').map((m) => m.id)).toEqual(['s2', 's1']);
    expect(store.sentRaw('a', 's1')?.toString()).toBe('raw');
    expect(store.sentList('b')).toEqual([]);
    store.close();
  });
});

describe('uploads on disk', () => {
  const file = (bytes: Buffer) => ({ filename: 'a.bin', mimetype: 'application/octet-stream', stream: Readable.from([bytes]) });

  it('stores files 0600 in a 0700 folder per account, readable only by their account; the account end removes them', async () => {
    const dir = dataDir();
    const uploads = new Uploads(dir, { maxBytes: 100, perAccount: 2 });
    const up = await uploads.save('a', file(Buffer.from('hello')));
    expect(up).toMatchObject({ filename: 'a.bin', size: 5 });
    expect(uploads.get('b', up.id)).toBeUndefined();
    expect(() => uploads.open('b', up.id)).toThrow();
    expect((await buffer(uploads.open('a', up.id))).toString()).toBe('hello');
    const [folder] = readdirSync(join(dir, 'uploads'));
    expect((statSync(join(dir, 'uploads', folder!)).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(join(dir, 'uploads', folder!, up.id)).mode & 0o777).toString(8)).toBe('600');
    await uploads.save('a', file(Buffer.from('x')));
    await expect(uploads.save('a', file(Buffer.from('y')))).rejects.toMatchObject({ code: 'TOO_MANY_ATTACHMENTS', facts: { limit: 2 } });
    uploads.removeAccount('a');
    expect(uploads.list('a')).toEqual([]);
    expect(existsSync(join(dir, 'uploads', folder!))).toBe(false);
  });

  it('a start-up removes uploads a previous run left behind', async () => {
    const dir = dataDir();
    await new Uploads(dir, { maxBytes: 100, perAccount: 2 }).save('a', file(Buffer.from('left')));
    new Uploads(dir, { maxBytes: 100, perAccount: 2 });
    expect(existsSync(join(dir, 'uploads'))).toBe(false);
  });
});
