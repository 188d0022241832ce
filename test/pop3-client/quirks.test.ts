import { afterEach, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../server/pop3-client/client.ts';
import type { Pop3ClientOptions, Pop3Endpoint } from '../../server/pop3-client/client.ts';
import { startPop3Server } from '../../server/pop3-server/index.ts';
import type { Pop3Server, Variation } from '../../server/pop3-server/index.ts';
import { Pop3Error } from '../../shared/pop3/index.ts';
import { failure } from './failure.ts';
import * as quirks from '../fixtures/quirks.ts';
import { createCertificate } from '../support/tls-cert.ts';

const alice = { username: 'alice', password: 'secret' };
const mail = [
  'Subject: one\r\nMessage-ID: <1@test>\r\n\r\nfirst\r\n',
  'Subject: two\r\nMessage-ID: <2@test>\r\n\r\n.leading dot\r\n+OK not a reply\r\n',
  'Subject: three\r\nMessage-ID: <3@test>\r\n\r\n' + 'x'.repeat(5000) + '\r\n',
];
// Short limits keep every fault bounded in time; a hang fails the test by its own timeout.
const fast: Pop3ClientOptions = { connectTimeoutMs: 2000, greetingTimeoutMs: 500, commandTimeoutMs: 500 };

let server: Pop3Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(variation?: Variation, extra: Partial<Parameters<typeof startPop3Server>[0]> = {}): Promise<Pop3Endpoint> {
  server = await startPop3Server({ users: [alice], maildrops: { alice: { messages: mail } }, ...(variation ? { variation } : {}), ...extra });
  return { host: server.host, port: server.port, security: 'plain' };
}

async function signIn(variation?: Variation, options: Pop3ClientOptions = fast): Promise<Pop3Client> {
  const client = await Pop3Client.connect(await serve(variation), options);
  await client.login(alice);
  return client;
}


describe('the plain server, as a baseline', () => {
  it('sends exactly the commands a session needs, secrets masked (C0042-C0047: USER before PASS)', async () => {
    const client = await signIn();
    await client.stat();
    await client.quit();
    // Over clear text the challenge-response mechanism is chosen: the password never crosses the wire.
    expect(server!.transcript).toEqual(['CAPA', 'AUTH CRAM-MD5', '***', 'CAPA', 'STAT', 'QUIT']);

    const again = await Pop3Client.connect(await serve(), fast);
    await again.authenticate('USER', alice);
    await again.quit();
    expect(server!.transcript).toEqual(['CAPA', 'USER alice', 'PASS ***', 'QUIT']);
  });

  it('RETR returns the message exactly, dot-stuffed lines restored', async () => {
    const client = await signIn();
    expect(Buffer.from(await client.retrAll(2)).toString()).toBe(mail[1]);
    await client.quit();
  });
});

describe('server quirks', () => {
  it('C0002 noGreeting: a server that never greets gives TIMEOUT, not a hang', async () => {
    const error = await failure(Pop3Client.connect(await serve(quirks.noGreeting), fast));
    expect(error.code).toBe('TIMEOUT');
  });

  it('slowGreeting: a greeting within the limit is waited for; past it, TIMEOUT', async () => {
    const client = await Pop3Client.connect(await serve(quirks.slowGreeting(150)), { ...fast, greetingTimeoutMs: 2000 });
    await client.quit();
    await server!.close();
    const error = await failure(Pop3Client.connect(await serve(quirks.slowGreeting(3000)), fast));
    expect(error.code).toBe('TIMEOUT');
  });

  it('dribble: every reply split at every octet still reads exactly', async () => {
    const client = await signIn(quirks.dribble, { ...fast, commandTimeoutMs: 2000 });
    expect(await client.stat()).toEqual({ count: 3, size: mail.reduce((sum, m) => sum + m.length, 0) });
    expect((await client.uidl())?.length).toBe(3);
    expect(Buffer.from(await client.retrAll(2)).toString()).toBe(mail[1]);
    await client.quit();
  }, 30_000);

  it('a reply trickling in without end gives TIMEOUT, though the link is never silent (C0005, C0014)', async () => {
    // One octet of a STAT reply every 50 ms, never a line end: no single silence is long enough to time out.
    const trickle: Variation = {
      name: 'trickleStat',
      handlers: {
        async STAT(session) {
          for (let i = 0; i < 400; i++) {
            await session.write(Buffer.from(i === 0 ? '+' : 'O'));
            if (!(await session.delay(50))) return;
          }
        },
      },
    };
    const client = await signIn(trickle);
    const started = Date.now();
    expect((await failure(client.stat())).code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('C0006 dropMidRetr: a connection that closes before the terminator is an error, never the end of the message', async () => {
    const client = await signIn(quirks.dropMidRetr);
    const received: Uint8Array[] = [];
    const error = await failure((async () => {
      for await (const chunk of client.retr(3)) received.push(chunk);
    })());
    expect(error.code).toBe('CONNECTION_CLOSED');
    expect(Buffer.concat(received).length).toBeGreaterThan(0);
    expect(Buffer.concat(received).length).toBeLessThan(mail[2]!.length);
  });

  it('dropAfterQuitBeforeReply: QUIT unconfirmed is CONNECTION_CLOSED (outcome unknown)', async () => {
    const client = await signIn(quirks.dropAfterQuitBeforeReply);
    await client.dele(1);
    const error = await failure(client.quit());
    expect(error.code).toBe('CONNECTION_CLOSED');
    expect(error.message).toMatch(/unknown/);
    // This server did commit: only the next UIDL listing can tell.
    expect(server!.maildrop('alice').messages.length).toBe(2);
  });

  it('dropBeforeUpdate: QUIT unconfirmed, and indeed nothing was deleted', async () => {
    const client = await signIn(quirks.dropBeforeUpdate);
    await client.dele(1);
    expect((await failure(client.quit())).code).toBe('CONNECTION_CLOSED');
    expect(server!.maildrop('alice').messages.length).toBe(3);
  });

  it('C0005 overlongLine: a line without CRLF is cut off at the limit with TOO_LARGE, in bounded memory', async () => {
    const before = process.memoryUsage().rss;
    const error = await failure(Pop3Client.connect(await serve(quirks.overlongLine(5_000_000)), { ...fast, greetingTimeoutMs: 5000 }));
    expect(error.code).toBe('TOO_LARGE');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    await server!.close();
    const client = await signIn(quirks.overlongLine(100_000, 'STAT'));
    expect((await failure(client.stat())).code).toBe('TOO_LARGE');
  });

  it('V0001 lowercaseOk: "+ok" is positive', async () => {
    const client = await signIn(quirks.lowercaseOk);
    expect((await client.stat()).count).toBe(3);
    expect(Buffer.from(await client.retrAll(1)).toString()).toBe(mail[0]);
    await client.quit();
  });

  it('V0001 barePlus: a bare "+" after the last SASL response is the verdict, not another challenge', async () => {
    const client = await signIn(quirks.barePlus);
    expect(client.authMechanism).toBe('SASL CRAM-MD5');
    expect(server!.transcript).toEqual(['CAPA', 'AUTH CRAM-MD5', '***', 'CAPA']);
    expect((await client.list()).length).toBe(3);
  });

  it('V0001 barePlus: "+" alone is positive', async () => {
    const client = await Pop3Client.connect(await serve(quirks.barePlus), fast);
    await client.authenticate('USER', alice);
    expect((await client.list()).length).toBe(3);
    expect(Buffer.from(await client.retrAll(1)).toString()).toBe(mail[0]);
    // A bare "+" to STAT carries no drop listing: a protocol error, not a guess.
    expect((await failure(client.stat())).code).toBe('PROTOCOL');
  });

  it('C0004/C0017/C0021/C0038 tabbedListings: tabs, runs of spaces and extra fields are read right', async () => {
    const client = await signIn(quirks.tabbedListings);
    expect(await client.stat()).toEqual({ count: 3, size: mail.reduce((sum, m) => sum + m.length, 0) });
    expect(await client.list()).toEqual(mail.map((m, i) => ({ msg: i + 1, size: m.length })));
    const uids = await client.uidl();
    expect(uids?.map((entry) => entry.msg)).toEqual([1, 2, 3]);
    expect(uids?.every((entry) => !/\s/.test(entry.uid) && entry.uid !== 'extra-field')).toBe(true);
    await client.quit();
  });

  it('noCapa: an RFC 1939 minimal server still works', async () => {
    const client = await signIn(quirks.noCapa);
    expect(client.capabilities.known).toBe(false);
    expect((await client.uidl())?.length).toBe(3);
    expect(await client.top(1, 0)).not.toBeNull();
    await client.quit();
  });

  it('noUidl: uidl() says there is none', async () => {
    const client = await signIn(quirks.noUidl);
    expect(await client.uidl()).toBeNull();
    await client.quit();
  });

  it('noTop: top() says there is none', async () => {
    const client = await signIn(quirks.noTop);
    expect(await client.top(1, 0)).toBeNull();
    await client.quit();
  });

  it.each([
    ['inUse', quirks.inUse, 'MAILDROP_IN_USE'],
    ['loginDelay', quirks.loginDelay, 'LOGIN_DELAY'],
    ['sysTemp', quirks.sysTemp, 'TEMPORARY'],
  ] as const)('%s on sign-in is %2$s, never a wrong password', async (_name, variation, code) => {
    const client = await Pop3Client.connect(await serve(variation), fast);
    const error = await failure(client.login(alice));
    expect(error.code).toBe(code);
    expect(error.serverText).toMatch(/\[/);
  });

  it('C0041 duplicateUids: both copies are listed with their numbers', async () => {
    const client = await signIn(quirks.duplicateUids);
    const uids = await client.uidl();
    expect(uids?.filter((entry) => entry.uid === 'duplicate-uid').map((entry) => entry.msg)).toEqual([4, 5]);
    await client.quit();
  });

  it('C0014 silentAfterCommand: a command that is never answered gives TIMEOUT', async () => {
    const client = await signIn(quirks.silentAfterCommand('STAT'));
    const error = await failure(client.stat());
    expect(error.code).toBe('TIMEOUT');
    expect(client.closed).toBe(true);
  });

  it('stlsMissing: starttls refuses to go on in clear text, and no credential is sent', async () => {
    const { certPem, keyPem } = await createCertificate();
    server = await startPop3Server({ users: [alice], tls: { key: keyPem, cert: certPem }, variation: quirks.stlsMissing });
    const error = await failure(Pop3Client.connect({ host: server.host, port: server.port, security: 'starttls', ca: certPem }, fast));
    expect(error.code).toBe('STLS_UNAVAILABLE');
    expect(server.transcript.some((line) => /^(USER|PASS|AUTH|APOP)/.test(line))).toBe(false);
  });

  it('STLS on Popbridge\'s own server upgrades and signs in', async () => {
    const { certPem, keyPem } = await createCertificate();
    server = await startPop3Server({ users: [alice], maildrops: { alice: { messages: mail } }, tls: { key: keyPem, cert: certPem } });
    const client = await Pop3Client.connect({ host: server.host, port: server.port, security: 'starttls', ca: certPem }, fast);
    await client.login(alice);
    expect(client.authMechanism).toBe('SASL PLAIN');
    expect(server.transcript.slice(0, 4)).toEqual(['CAPA', 'STLS', 'CAPA', 'AUTH PLAIN ***']);
    await client.quit();
  });

  it('data injected in clear text after the +OK to STLS is a PROTOCOL error at once, before any credential', async () => {
    const { certPem, keyPem } = await createCertificate();
    const injecting: Variation = { name: 'stlsInjection', handlers: { STLS: (session) => session.write(Buffer.from('+OK Begin TLS\r\n+OK injected\r\n')) } };
    server = await startPop3Server({ users: [alice], tls: { key: keyPem, cert: certPem }, variation: injecting });
    const started = Date.now();
    const error = await failure(Pop3Client.connect({ host: server.host, port: server.port, security: 'starttls', ca: certPem }, { ...fast, commandTimeoutMs: 5000 }));
    expect(error.code).toBe('PROTOCOL');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.transcript).toEqual(['CAPA', 'STLS']);
  });

  it('a password too long for an inline AUTH PLAIN is sent at the first continuation (RFC 5034 section 4)', async () => {
    const { certPem, keyPem } = await createCertificate();
    const long = { username: 'alice', password: 'p'.repeat(200) };
    server = await startPop3Server({ users: [long], tls: { key: keyPem, cert: certPem }, implicitTls: true });
    const client = await Pop3Client.connect({ host: server.host, port: server.port, security: 'tls', ca: certPem }, fast);
    await client.login(long);
    expect(server.transcript).toEqual(['CAPA', 'AUTH PLAIN', '***', 'CAPA']);
    await client.quit();
  });

  it('a clean QUIT closes without an error; a reader that stops reading is cut off with TIMEOUT, not held forever', async () => {
    const big = 'Subject: big\r\n\r\n' + ('y'.repeat(998) + '\r\n').repeat(6000);
    server = await startPop3Server({ users: [alice], maildrops: { alice: { messages: [big] } } });
    const endpoint: Pop3Endpoint = { host: server.host, port: server.port, security: 'plain' };
    const clean = await Pop3Client.connect(endpoint, fast);
    await clean.login(alice);
    const closedWith = new Promise((resolve) => clean.onClose(resolve));
    await clean.quit();
    expect(await closedWith).toBeUndefined();

    const stalled = await Pop3Client.connect(endpoint, { ...fast, commandTimeoutMs: 300 });
    await stalled.login(alice);
    const ended = new Promise<Pop3Error | undefined>((resolve) => stalled.onClose(resolve));
    const reader = stalled.retr(1)[Symbol.asyncIterator]();
    await reader.next(); // then nothing more is read
    const error = await ended;
    expect(error?.code).toBe('TIMEOUT');
    expect(stalled.closed).toBe(true);
  });

  it('expireZero: EXPIRE 0 is visible, so the bridge can warn that reading deletes', async () => {
    const client = await signIn(quirks.expireZero);
    expect(client.capabilities.expire).toEqual({ days: 0, perUser: false });
    await client.quit();
  });

  it('plain configured against a server with only USER: refuses nothing, uses USER/PASS', async () => {
    const client = await Pop3Client.connect(await serve(undefined, { apop: false }), fast);
    await client.login(alice);
    expect(['SASL CRAM-MD5', 'USER', 'SASL PLAIN']).toContain(client.authMechanism);
    await client.quit();
  });
});
