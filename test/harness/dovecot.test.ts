import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type Dovecot } from '../support/dovecot.ts';
import { RawSocket } from '../support/raw-socket.ts';

const user = { username: 'alice', password: 'alice-secret' };
const other = { username: 'bob', password: 'bob-secret' };

describe('Dovecot harness', () => {
  let dovecot: Dovecot;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [user, other] });
  });

  afterAll(async () => {
    await dovecot?.stop();
  });

  it('greets on the plain port and offers STLS there', async () => {
    const conn = await RawSocket.connect(dovecot.host, dovecot.plainPort);
    try {
      // The APOP timestamp is present because apop is an enabled mechanism.
      expect(await conn.readLine()).toMatch(/^\+OK .*<[^>]+@[^>]+>$/);
      expect(await conn.command('CAPA')).toMatch(/^\+OK/);
      const capabilities = await conn.readMultiline();
      expect(capabilities).toContain('STLS');
      expect(capabilities).toContain('UIDL');
      expect(capabilities.find((c) => c.startsWith('SASL '))?.split(' ')).toEqual(
        expect.arrayContaining(['PLAIN', 'LOGIN', 'CRAM-MD5']),
      );
    } finally {
      conn.close();
    }
  });

  it('greets over implicit TLS when the test CA is given', async () => {
    const conn = await RawSocket.connectTls(dovecot.host, dovecot.tlsPort, dovecot.caPem);
    try {
      expect(await conn.readLine()).toMatch(/^\+OK /);
    } finally {
      conn.close();
    }
  });

  it('upgrades the plain port with STLS, verified by the test CA', async () => {
    const conn = await RawSocket.connect(dovecot.host, dovecot.plainPort);
    await conn.readLine();
    expect(await conn.command('STLS')).toMatch(/^\+OK/);
    const secure = await conn.startTls(dovecot.caPem);
    try {
      expect(await secure.command(`USER ${user.username}`)).toMatch(/^\+OK/);
      expect(await secure.command(`PASS ${user.password}`)).toMatch(/^\+OK/);
    } finally {
      secure.close();
    }
  });

  it('accepts APOP and AUTH CRAM-MD5, which need the plaintext password', async () => {
    const apop = await RawSocket.connect(dovecot.host, dovecot.plainPort);
    try {
      const timestamp = /<[^>]+>/.exec(await apop.readLine())?.[0] ?? '';
      const digest = createHash('md5').update(timestamp + other.password).digest('hex');
      expect(await apop.command(`APOP ${other.username} ${digest}`)).toMatch(/^\+OK/);
    } finally {
      apop.close();
    }
    const cram = await RawSocket.connect(dovecot.host, dovecot.plainPort);
    try {
      await cram.readLine();
      const challenge = (await cram.command('AUTH CRAM-MD5')).replace(/^\+ /, '');
      const hmac = createHmac('md5', other.password).update(Buffer.from(challenge, 'base64')).digest('hex');
      expect(await cram.command(Buffer.from(`${other.username} ${hmac}`).toString('base64'))).toMatch(/^\+OK/);
    } finally {
      cram.close();
    }
  });

  it('fails TLS verification without the test CA', async () => {
    await expect(RawSocket.connectTls(dovecot.host, dovecot.tlsPort)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('serves delivered messages in delivery order', async () => {
    const first = 'From: a@example.test\r\nSubject: first\r\n\r\nOne.\r\n';
    const second = 'From: a@example.test\r\nSubject: second\r\n\r\nTwo, longer.\r\n';
    await dovecot.deliver(user.username, first);
    await dovecot.deliver(user.username, second);

    const conn = await RawSocket.connect(dovecot.host, dovecot.plainPort);
    try {
      await conn.readLine();
      expect(await conn.command(`USER ${user.username}`)).toMatch(/^\+OK/);
      expect(await conn.command(`PASS ${user.password}`)).toMatch(/^\+OK/);
      expect(await conn.command('STAT')).toBe(`+OK 2 ${first.length + second.length}`);
      expect(await conn.command('RETR 2')).toMatch(/^\+OK/);
      expect((await conn.readMultiline()).join('\r\n') + '\r\n').toBe(second);
      expect(await conn.command('UIDL')).toMatch(/^\+OK/);
      const uidls = await conn.readMultiline();
      expect(uidls).toHaveLength(2);
      expect(uidls[0]).toMatch(/^1 00000001[0-9a-f]{8}$/);
      expect(uidls[1]).toMatch(/^2 00000002[0-9a-f]{8}$/);
      expect(await conn.command('QUIT')).toMatch(/^\+OK/);
    } finally {
      conn.close();
    }

    const files = await dovecot.messageFiles(user.username);
    expect(files.map((f) => f.bytes.toString())).toEqual([first, second]);
    expect(await dovecot.messageFiles(other.username)).toEqual([]);
  });

  it('refuses a wrong password', async () => {
    const conn = await RawSocket.connect(dovecot.host, dovecot.plainPort);
    try {
      await conn.readLine();
      await conn.command(`USER ${other.username}`);
      expect(await conn.command('PASS wrong')).toMatch(/^-ERR/);
    } finally {
      conn.close();
    }
  });

  it('commits DELE at QUIT, visible in messageFiles', async () => {
    const doomed = 'Subject: doomed\r\n\r\nx\r\n';
    const kept = 'Subject: kept\r\n\r\ny\r\n';
    await dovecot.deliver(other.username, doomed);
    await dovecot.deliver(other.username, kept);
    const conn = await RawSocket.connect(dovecot.host, dovecot.plainPort);
    try {
      await conn.readLine();
      await conn.command(`USER ${other.username}`);
      expect(await conn.command(`PASS ${other.password}`)).toMatch(/^\+OK/);
      expect(await conn.command('DELE 1')).toMatch(/^\+OK/);
      expect(await conn.command('QUIT')).toMatch(/^\+OK/);
    } finally {
      conn.close();
    }
    expect((await dovecot.messageFiles(other.username)).map((f) => f.bytes.toString())).toEqual([kept]);
  });
});
