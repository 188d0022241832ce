// Maildrops: loading .eml folders, stable unique-ids, the lock, and the
// UPDATE state removing exactly the marked messages.

import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Maildrop, Pop3dError, startPop3Server } from '../../server/pop3-server/index.ts';
import { RawConnection } from './raw-client.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pop3d-maildrop-'));
  writeFileSync(join(dir, '02-second.eml'), 'Subject: second\n\nbody two\n');
  writeFileSync(join(dir, '01-first.eml'), 'Subject: first\r\n\r\nbody one\r\n');
  writeFileSync(join(dir, '03-third.eml'), 'Subject: third\r\n\r\nno final line end');
  writeFileSync(join(dir, 'notes.txt'), 'not mail');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(Pop3dError);
  expect((error as Pop3dError).code).toBe(code);
}

describe('Maildrop', () => {
  it('loads the .eml files sorted by name, with CRLF line ends and a final CRLF', async () => {
    const drop = await Maildrop.fromFolder(dir);
    expect(drop.messages.map((m) => m.bytes.toString())).toEqual([
      'Subject: first\r\n\r\nbody one\r\n',
      'Subject: second\r\n\r\nbody two\r\n',
      'Subject: third\r\n\r\nno final line end\r\n',
    ]);
    expect(drop.messages.map((m) => m.size)).toEqual(drop.messages.map((m) => m.bytes.length));
  });

  it('gives unique-ids that survive a reload and change with the file', async () => {
    const first = (await Maildrop.fromFolder(dir)).messages.map((m) => m.uid);
    const again = (await Maildrop.fromFolder(dir)).messages.map((m) => m.uid);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(3);
    writeFileSync(join(dir, '02-second.eml'), 'Subject: replaced\r\n\r\n');
    const changed = (await Maildrop.fromFolder(dir)).messages.map((m) => m.uid);
    expect(changed[0]).toBe(first[0]);
    expect(changed[1]).not.toBe(first[1]);
  });

  it('gives identical in-memory messages distinct unique-ids unless told otherwise', () => {
    const drop = new Maildrop(['same\r\n', 'same\r\n', { bytes: 'x\r\n', uid: 'given-uid' }]);
    const uids = drop.messages.map((m) => m.uid);
    expect(uids[0]).not.toBe(uids[1]);
    expect(uids[2]).toBe('given-uid');
    expect(drop.deliver('same\r\n').uid).not.toBe(drop.deliver('same\r\n').uid);
    expect(() => new Maildrop([{ bytes: 'x', uid: 'has space' }])).toThrowError(Pop3dError);
  });

  it('locks exclusively', () => {
    const drop = new Maildrop();
    expect(drop.tryLock()).toBe(true);
    expect(drop.tryLock()).toBe(false);
    drop.unlock();
    expect(drop.tryLock()).toBe(true);
  });

  it('expunges by identity, so one of two copies sharing a unique-id goes', async () => {
    const drop = new Maildrop([{ bytes: 'twin\r\n', uid: 'dup' }, { bytes: 'twin\r\n', uid: 'dup' }, 'other\r\n']);
    const [, second] = drop.messages;
    await drop.expunge(new Set([second!]));
    expect(drop.messages.map((m) => m.uid)).toHaveLength(2);
    expect(drop.messages[0]!.uid).toBe('dup');
    expect(drop.messages[1]!.bytes.toString()).toBe('other\r\n');
  });

  it('reports a missing folder with a code', async () => {
    await expectCode(Maildrop.fromFolder(join(dir, 'missing')), 'POP3D_MAILDROP_LOAD_FAILED');
  });
});

describe('folder-backed maildrops on the server', () => {
  async function deleteFirstAndQuit(deleteFiles: boolean): Promise<string[]> {
    const server = await startPop3Server({
      users: [{ username: 'demo', password: 'demo' }],
      maildrops: { demo: { folder: dir, deleteFiles } },
    });
    try {
      const c = await RawConnection.connect(server.port);
      await c.line();
      await c.command('USER demo');
      expect(await c.command('PASS demo')).toBe('+OK Logged in, 3 messages (94 octets)');
      expect(await c.command('DELE 1')).toMatch(/^\+OK/);
      expect(await c.command('QUIT')).toMatch(/^\+OK/);
      await c.closed;
      expect(server.maildrop('demo').messages.map((m) => m.bytes.toString().split('\r\n')[0])).toEqual(['Subject: second', 'Subject: third']);
      return readdirSync(dir).sort();
    } finally {
      await server.close();
    }
  }

  it('keeps the files by default: a restart restores the samples', async () => {
    expect(await deleteFirstAndQuit(false)).toEqual(['01-first.eml', '02-second.eml', '03-third.eml', 'notes.txt']);
    expect((await Maildrop.fromFolder(dir)).messages).toHaveLength(3);
  });

  it('removes the file of a committed deletion when asked to', async () => {
    expect(await deleteFirstAndQuit(true)).toEqual(['02-second.eml', '03-third.eml', 'notes.txt']);
    expect(existsSync(join(dir, '01-first.eml'))).toBe(false);
  });
});

describe('server options', () => {
  it('refuses inconsistent options with POP3D_INVALID_OPTIONS', async () => {
    await expectCode(startPop3Server({ users: [{ username: 'a', password: 'x' }, { username: 'a', password: 'y' }] }), 'POP3D_INVALID_OPTIONS');
    await expectCode(startPop3Server({ users: [], maildrops: { ghost: { messages: [] } } }), 'POP3D_INVALID_OPTIONS');
    await expectCode(startPop3Server({ users: [], implicitTls: true }), 'POP3D_INVALID_OPTIONS');
  });

  it('refuses deliveries to unknown users with POP3D_UNKNOWN_USER', async () => {
    const server = await startPop3Server({ users: [{ username: 'a', password: 'x' }] });
    try {
      expect(() => server.deliver('b', 'x')).toThrowError(expect.objectContaining({ code: 'POP3D_UNKNOWN_USER' }));
      expect(server.deliver('a', 'Subject: x\n\nhi').size).toBe('Subject: x\r\n\r\nhi\r\n'.length);
    } finally {
      await server.close();
    }
  });
});
