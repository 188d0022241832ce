import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../server/pop3-client/client.ts';
import type { Mechanism, Pop3Endpoint } from '../../server/pop3-client/client.ts';
import { Pop3Error } from '../../shared/pop3/index.ts';
import { failure } from './failure.ts';
import { startDovecot } from '../support/dovecot.ts';
import type { Dovecot } from '../support/dovecot.ts';

/** What a POP3 server sends for a stored message: every line end as CRLF. */
const crlf = (bytes: Uint8Array): Buffer => Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');


describe('Pop3Client against Dovecot', () => {
  let dovecot: Dovecot;
  let tlsEndpoint: Pop3Endpoint;
  const alice = { username: 'alice', password: 'wonder land' };
  const mallory = { username: 'mallory', password: 'pw' };
  const fixtures = ['plain.eml', 'dot-lines.eml', 'html.eml', 'with-attachment.eml'];

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [alice, mallory, { username: 'carol', password: 'c' }] });
    tlsEndpoint = { host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem };
    for (const name of fixtures) await dovecot.deliver('alice', await readFile(new URL(`../fixtures/mail/${name}`, import.meta.url)));
  });
  afterAll(() => dovecot?.stop());

  async function signIn(credentials = alice): Promise<Pop3Client> {
    const client = await Pop3Client.connect(tlsEndpoint, { commandTimeoutMs: 10_000 });
    await client.login(credentials);
    return client;
  }

  it('implicit TLS: verifies the certificate with the configured CA and signs in with SASL PLAIN', async () => {
    const client = await signIn();
    expect(client.encrypted).toBe(true);
    expect(client.authMechanism).toBe('SASL PLAIN');
    expect(client.capabilities).toMatchObject({ known: true, top: true, uidl: true, pipelining: true, respCodes: true });
    expect(client.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    await client.quit();
    expect(client.closed).toBe(true);
  });

  it('refuses a certificate it cannot verify (implicit TLS and STLS)', async () => {
    const implicit = await failure(Pop3Client.connect({ host: dovecot.host, port: dovecot.tlsPort, security: 'tls' }));
    expect(implicit.code).toBe('TLS');
    const upgraded = await failure(Pop3Client.connect({ host: dovecot.host, port: dovecot.plainPort, security: 'starttls' }));
    expect(upgraded.code).toBe('TLS');
  });

  it('refuses a certificate issued for another name', async () => {
    const error = await failure(Pop3Client.connect({ ...tlsEndpoint, servername: 'mail.example.org' }));
    expect(error.code).toBe('TLS');
  });

  it('STLS: upgrades the plain port, asks CAPA again, and signs in over TLS', async () => {
    const client = await Pop3Client.connect({ host: dovecot.host, port: dovecot.plainPort, security: 'starttls', ca: dovecot.caPem });
    expect(client.encrypted).toBe(true);
    expect(client.capabilities.stls).toBe(false); // CAPA after TLS no longer offers STLS
    await client.login(alice);
    expect(client.authMechanism).toBe('SASL PLAIN');
    expect((await client.stat()).count).toBe(fixtures.length);
    await client.quit();
  });

  it('plain (configured): prefers a challenge-response mechanism so the password never crosses in clear', async () => {
    const client = await Pop3Client.connect({ host: dovecot.host, port: dovecot.plainPort, security: 'plain' });
    expect(client.encrypted).toBe(false);
    await client.login(alice);
    expect(client.authMechanism).toBe('SASL CRAM-MD5');
    await client.quit();
  });

  it.each<Mechanism>(['SASL PLAIN', 'SASL LOGIN', 'SASL CRAM-MD5', 'USER', 'APOP'])('signs in with %s', async (mechanism) => {
    const client = await Pop3Client.connect(tlsEndpoint);
    await client.authenticate(mechanism, alice);
    expect((await client.stat()).count).toBe(fixtures.length);
    await client.quit();
  });

  it.each<Mechanism>(['SASL PLAIN', 'USER', 'APOP'])('a wrong password with %s is AUTH_FAILED and the session may go on (C0010)', async (mechanism) => {
    const client = await Pop3Client.connect(tlsEndpoint);
    const error = await failure(client.authenticate(mechanism, { username: 'alice', password: 'wrong' }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).not.toContain('wrong');
    await client.quit();
  });

  it('STAT, LIST, UIDL, TOP and RETR agree with the files in the maildir', async () => {
    const files = await dovecot.messageFiles('alice');
    const client = await signIn();
    const expected = files.map((file) => crlf(file.bytes));
    expect(await client.stat()).toEqual({ count: files.length, size: expected.reduce((sum, bytes) => sum + bytes.length, 0) });
    expect(await client.list()).toEqual(expected.map((bytes, i) => ({ msg: i + 1, size: bytes.length })));
    const uids = await client.uidl();
    expect(uids?.map((entry) => entry.msg)).toEqual([1, 2, 3, 4]);
    expect(new Set(uids?.map((entry) => entry.uid)).size).toBe(4);
    expect(await client.uidlOne(2)).toBe(uids?.[1]?.uid);
    for (const [i, bytes] of expected.entries()) {
      expect(Buffer.from(await client.retrAll(i + 1)).equals(bytes), `RETR ${i + 1}`).toBe(true);
      const headerEnd = bytes.indexOf('\r\n\r\n') + 4;
      expect(Buffer.from((await client.top(i + 1, 0))!).toString('latin1')).toBe(bytes.subarray(0, headerEnd).toString('latin1'));
    }
    await client.quit();
  });

  it('V0002: a message with lines starting with dots, "+OK" and "-ERR" arrives exactly', async () => {
    const client = await signIn();
    const dotLines = crlf(await readFile(new URL('../fixtures/mail/dot-lines.eml', import.meta.url)));
    expect(Buffer.from(await client.retrAll(2)).equals(dotLines)).toBe(true);
    await client.quit();
  });

  it('C0029: NOOP is answered positively and the session goes on', async () => {
    const client = await signIn();
    await client.noop();
    expect((await client.stat()).count).toBe(fixtures.length);
    await client.quit();
  });

  it('pipelines TOP for many messages, results in order', async () => {
    const client = await signIn();
    const seen: number[] = [];
    await client.topMany([4, 3, 2, 1, 4], 0, (msg, result) => {
      expect(result).toBeInstanceOf(Uint8Array);
      seen.push(msg);
    });
    expect(seen).toEqual([4, 3, 2, 1, 4]);
    await client.quit();
  });

  it('streams RETR in chunks', async () => {
    const client = await signIn();
    let total = 0;
    for await (const chunk of client.retr(4)) total += chunk.length;
    expect(total).toBe((await client.list())[3]!.size);
    await client.quit();
  });
});

describe('deleting against Dovecot', () => {
  let dovecot: Dovecot;
  const bob = { username: 'bob', password: 'builder' };
  let endpoint: Pop3Endpoint;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: [bob] });
    endpoint = { host: dovecot.host, port: dovecot.tlsPort, security: 'tls', ca: dovecot.caPem };
  });
  afterAll(() => dovecot?.stop());

  /** A maildir message's identity: its unique name, whatever folder and flags Dovecot gave it since. */
  const names = async (): Promise<string[]> =>
    (await dovecot.messageFiles('bob')).map((file) => file.path.split('/').at(-1)!.split(':')[0]!);

  async function fill(count: number): Promise<string[]> {
    for (const file of await dovecot.messageFiles('bob')) await import('node:fs/promises').then((fs) => fs.rm(file.path));
    for (let i = 1; i <= count; i++) await dovecot.deliver('bob', `Subject: message ${i}\r\nMessage-ID: <${i}.${Date.now()}@test>\r\n\r\nbody ${i}\r\n`);
    return names();
  }

  async function session(): Promise<Pop3Client> {
    const client = await Pop3Client.connect(endpoint);
    await client.login(bob);
    return client;
  }

  it('DELE then QUIT removes exactly that message and nothing else', async () => {
    const before = await fill(4);
    const client = await session();
    await client.dele(3);
    await client.quit();
    expect(await names()).toEqual(before.filter((_, i) => i !== 2));
  });

  it('C0026: a deleted message cannot be read again in the same session', async () => {
    await fill(2);
    const client = await session();
    await client.dele(1);
    const error = await failure(client.retrAll(1));
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.serverText).toBeTruthy();
    await client.rset();
    await client.quit();
    expect(await dovecot.messageFiles('bob')).toHaveLength(2);
  });

  it('RSET undoes the marks: QUIT afterwards deletes nothing', async () => {
    const before = await fill(3);
    const client = await session();
    await client.dele(1);
    await client.dele(2);
    await client.rset();
    await client.quit();
    expect(await names()).toEqual(before);
  });

  it('a connection dropped without QUIT deletes nothing', async () => {
    const before = await fill(3);
    const client = await session();
    await client.dele(2);
    client.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await names()).toEqual(before);
  });
});
