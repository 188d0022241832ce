import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPopa3d, type Popa3d } from '../support/popa3d.ts';
import { RawSocket } from '../support/raw-socket.ts';

const user = { username: 'carol', password: 'carol-secret' };

async function signIn(popa3d: Popa3d): Promise<RawSocket> {
  const conn = await RawSocket.connect(popa3d.host, popa3d.port);
  expect(await conn.readLine()).toMatch(/^\+OK/);
  expect(await conn.command(`USER ${popa3d.login(user.username)}`)).toMatch(/^\+OK/);
  expect(await conn.command(`PASS ${user.password}`)).toMatch(/^\+OK/);
  return conn;
}

describe('popa3d harness', () => {
  let popa3d: Popa3d;

  beforeAll(async () => {
    popa3d = await startPopa3d({ users: [user] });
  });

  afterAll(async () => {
    await popa3d?.stop();
  });

  it('answers CAPA with -ERR (an RFC 1939-only server)', async () => {
    const conn = await RawSocket.connect(popa3d.host, popa3d.port);
    try {
      await conn.readLine();
      expect(await conn.command('CAPA')).toMatch(/^-ERR/);
    } finally {
      conn.close();
    }
  });

  it('refuses a wrong password', async () => {
    const conn = await RawSocket.connect(popa3d.host, popa3d.port);
    try {
      await conn.readLine();
      await conn.command(`USER ${popa3d.login(user.username)}`);
      expect(await conn.command('PASS wrong-password')).toMatch(/^-ERR/);
    } finally {
      conn.close();
    }
  });

  it('serves the mbox messages with USER/PASS, STAT and RETR', async () => {
    const first = 'From: a@example.test\r\nSubject: first\r\n\r\nHello.\r\nFrom the start.\r\n';
    const second = 'Subject: second\r\n\r\n.dot first\r\n';
    await popa3d.writeMbox(user.username, [first, second]);

    const conn = await signIn(popa3d);
    try {
      // Sizes count CRLF line ends; the mbox quoting adds one ">".
      const firstServed = first.replace('\r\nFrom the', '\r\n>From the');
      expect(await conn.command('STAT')).toBe(`+OK 2 ${firstServed.length + second.length}`);
      expect(await conn.command('RETR 1')).toMatch(/^\+OK/);
      expect((await conn.readMultiline()).join('\r\n') + '\r\n').toBe(firstServed);
      expect(await conn.command('RETR 2')).toMatch(/^\+OK/);
      expect((await conn.readMultiline()).join('\r\n') + '\r\n').toBe(second);
      expect(await conn.command('QUIT')).toMatch(/^\+OK/);
    } finally {
      conn.close();
    }
    expect((await popa3d.readMbox(user.username)).map(String)).toEqual([
      first.replace(/\r\n/g, '\n'),
      second.replace(/\r\n/g, '\n'),
    ]);
  });

  it('commits DELE at QUIT, visible in readMbox', async () => {
    await popa3d.writeMbox(user.username, ['Subject: doomed\n\nx\n', 'Subject: kept\n\ny\n']);
    const conn = await signIn(popa3d);
    try {
      expect(await conn.command('DELE 1')).toMatch(/^\+OK/);
      expect(await conn.command('QUIT')).toMatch(/^\+OK/);
      // popa3d rewrites the mailbox before it closes the connection.
      await expect(conn.readLine()).rejects.toThrow(/closed/);
    } finally {
      conn.close();
    }
    expect((await popa3d.readMbox(user.username)).map(String)).toEqual(['Subject: kept\n\ny\n']);
  });
});
