import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../server/pop3-client/client.ts';
import type { Pop3Endpoint } from '../../server/pop3-client/client.ts';
import { Pop3Error } from '../../shared/pop3/index.ts';
import { startPopa3d } from '../support/popa3d.ts';
import type { Popa3d } from '../support/popa3d.ts';

// popa3d: a minimal RFC 1939 server (no CAPA, USER/PASS only, mbox), unlike Dovecot.
describe('Pop3Client against popa3d', () => {
  let popa3d: Popa3d;
  let endpoint: Pop3Endpoint;
  const user = { username: 'dora', password: 'Expl0rer!' };
  const messages = [
    'From: a@example.org\nSubject: first\nMessage-ID: <1@example.org>\nDate: Mon, 2 Nov 2026 10:00:00 +0000\n\nhello\n',
    'From: b@example.org\nSubject: second\nMessage-ID: <2@example.org>\nDate: Tue, 3 Nov 2026 10:00:00 +0000\n\n.dot line\n+OK inside\n..two dots\n',
    'From: c@example.org\nSubject: third\nMessage-ID: <3@example.org>\nDate: Wed, 4 Nov 2026 10:00:00 +0000\n\nbye\n',
  ];

  beforeAll(async () => {
    popa3d = await startPopa3d({ users: [user] });
    endpoint = { host: popa3d.host, port: popa3d.port, security: 'plain' };
  });
  afterAll(() => popa3d?.stop());

  async function session(): Promise<Pop3Client> {
    const client = await Pop3Client.connect(endpoint, { commandTimeoutMs: 10_000 });
    await client.login({ username: popa3d.login(user.username), password: user.password });
    return client;
  }

  it('has no CAPA, so Popbridge signs in with USER/PASS', async () => {
    await popa3d.writeMbox(user.username, messages);
    const client = await session();
    expect(client.capabilities.known).toBe(false);
    expect(client.authMechanism).toBe('USER');
    await client.quit();
  });

  it('a wrong password is AUTH_FAILED', async () => {
    const client = await Pop3Client.connect(endpoint);
    try {
      await client.login({ username: popa3d.login(user.username), password: 'nope' });
      throw new Error('signed in with a wrong password');
    } catch (error) {
      expect((error as Pop3Error).code).toBe('AUTH_FAILED');
    }
    client.destroy();
  });

  it('STAT, LIST, UIDL, TOP and RETR match the mbox', async () => {
    await popa3d.writeMbox(user.username, messages);
    const client = await session();
    const stat = await client.stat();
    expect(stat.count).toBe(3);
    const list = await client.list();
    expect(list.map((entry) => entry.msg)).toEqual([1, 2, 3]);
    expect(list.reduce((sum, entry) => sum + entry.size, 0)).toBe(stat.size);
    const uids = await client.uidl();
    expect(uids).not.toBeNull();
    expect(new Set(uids!.map((entry) => entry.uid)).size).toBe(3);
    for (const [i, text] of messages.entries()) {
      const body = Buffer.from(await client.retrAll(i + 1)).toString('latin1');
      expect(body.replace(/\r\n/g, '\n')).toBe(text);
      expect(body.length).toBe(list[i]!.size);
      const top = Buffer.from((await client.top(i + 1, 0))!).toString('latin1');
      expect(top.replace(/\r\n/g, '\n')).toBe(text.slice(0, text.indexOf('\n\n') + 2));
    }
    await client.quit();
  });

  it('DELE + QUIT removes exactly that message; RSET and a dropped connection remove nothing', async () => {
    await popa3d.writeMbox(user.username, messages);
    let client = await session();
    await client.dele(1);
    await client.rset();
    await client.quit();
    expect(await popa3d.readMbox(user.username)).toHaveLength(3);

    client = await session();
    await client.dele(3);
    client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await popa3d.readMbox(user.username)).toHaveLength(3);

    client = await session();
    await client.dele(2);
    await client.quit();
    const left = (await popa3d.readMbox(user.username)).map((bytes) => bytes.toString('latin1'));
    expect(left).toEqual([messages[0], messages[2]]);
  });
});
