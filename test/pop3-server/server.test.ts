// The POP3 server on the wire, over raw sockets: RFC 1939 replies, the
// maildrop semantics clients depend on, pipelining, and hostile input.

import { createHash, createHmac } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPop3Server, type Pop3Server, type Pop3ServerOptions } from '../../server/pop3-server/index.ts';
import { selfSignedCertificate } from './certificate.ts';
import { RawConnection } from './raw-client.ts';

const FIRST = 'From: ann@example.test\r\nSubject: First\r\n\r\nHello.\r\n';
// Lines starting with "." must be stuffed; the bare LFs must become CRLF.
const DOTTED = 'From: bob@example.test\nSubject: Dots\n\n.leading dot\n..two dots\n.\nlast line\n';
const DOTTED_CRLF = DOTTED.replaceAll('\n', '\r\n');
const THIRD = 'From: cy@example.test\r\nSubject: Third\r\n\r\nline 1\r\nline 2\r\nline 3\r\n';

const servers: Pop3Server[] = [];
const connections: RawConnection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(overrides: Partial<Pop3ServerOptions> = {}): Promise<Pop3Server> {
  const server = await startPop3Server({
    users: [{ username: 'alice', password: 'secret pass' }, { username: 'bob', password: 'b' }],
    maildrops: { alice: { messages: [FIRST, DOTTED, THIRD] } },
    ...overrides,
  });
  servers.push(server);
  return server;
}

async function open(server: Pop3Server, options: { tls?: boolean } = {}): Promise<{ c: RawConnection; greeting: string }> {
  const c = await RawConnection.connect(server.port, options);
  connections.push(c);
  return { c, greeting: await c.line() };
}

async function login(server: Pop3Server, user = 'alice', pass = 'secret pass'): Promise<RawConnection> {
  const { c } = await open(server);
  expect(await c.command(`USER ${user}`)).toMatch(/^\+OK/);
  expect(await c.command(`PASS ${pass}`)).toMatch(/^\+OK/);
  return c;
}

async function uidlOf(server: Pop3Server): Promise<string[]> {
  const c = await login(server);
  expect(await c.command('UIDL')).toMatch(/^\+OK/);
  const lines = await c.dataLines();
  expect(await c.command('QUIT')).toMatch(/^\+OK/);
  await c.closed;
  return lines;
}

describe('greeting and login', () => {
  it('greets with an APOP timestamp unless APOP is off', async () => {
    const { greeting } = await open(await start());
    expect(greeting).toMatch(/^\+OK .*<[^<>@]+@[^<>]+>$/);
    const { greeting: plain } = await open(await start({ apop: false }));
    expect(plain).toMatch(/^\+OK/);
    expect(plain).not.toContain('<');
  });

  it('accepts USER/PASS, with spaces in the password, and hides it in the transcript', async () => {
    const server = await start();
    const c = await login(server);
    expect(await c.command('STAT')).toBe(`+OK 3 ${FIRST.length + DOTTED_CRLF.length + THIRD.length}`);
    expect(server.transcript).toEqual(['USER alice', 'PASS ***', 'STAT']);
  });

  it('refuses a wrong password with [AUTH] and lets the client try again', async () => {
    const server = await start();
    const { c } = await open(server);
    await c.command('USER alice');
    expect(await c.command('PASS wrong')).toMatch(/^-ERR \[AUTH\] /);
    expect(await c.command('STAT')).toMatch(/^-ERR /);
    await c.command('USER alice');
    expect(await c.command('PASS secret pass')).toMatch(/^\+OK/);
  });

  it('refuses unknown users like wrong passwords, and PASS before USER', async () => {
    const { c } = await open(await start());
    expect(await c.command('PASS secret pass')).toMatch(/^-ERR /);
    expect(await c.command('USER nobody')).toMatch(/^\+OK/);
    expect(await c.command('PASS secret pass')).toMatch(/^-ERR \[AUTH\] /);
  });

  it('accepts APOP with the MD5 of timestamp and password', async () => {
    const server = await start();
    const { c, greeting } = await open(server);
    const timestamp = /<[^>]+>/.exec(greeting)![0];
    const digest = createHash('md5').update(timestamp + 'secret pass').digest('hex');
    expect(await c.command(`APOP alice ${'0'.repeat(32)}`)).toMatch(/^-ERR \[AUTH\]/);
    expect(await c.command(`APOP alice ${digest}`)).toMatch(/^\+OK/);
    expect(server.transcript).toEqual(['APOP alice ***', 'APOP alice ***']);
  });

  it('accepts AUTH PLAIN with an initial response and as a continuation', async () => {
    const server = await start();
    const token = Buffer.from('\0alice\0secret pass').toString('base64');
    const first = (await open(server)).c;
    expect(await first.command(`AUTH PLAIN ${token}`)).toMatch(/^\+OK/);
    expect(await first.command('QUIT')).toMatch(/^\+OK/);
    const second = (await open(server)).c;
    expect(await second.command('AUTH PLAIN')).toBe('+ ');
    expect(await second.command(token)).toMatch(/^\+OK/);
    const wrong = Buffer.from('\0alice\0nope').toString('base64');
    const third = (await open(server)).c;
    await second.command('QUIT');
    expect(await third.command(`AUTH PLAIN ${wrong}`)).toMatch(/^-ERR \[AUTH\]/);
    expect(server.transcript).toEqual(['AUTH PLAIN ***', 'QUIT', 'AUTH PLAIN', '***', 'QUIT', 'AUTH PLAIN ***']);
  });

  it('accepts AUTH LOGIN and AUTH CRAM-MD5, and a cancelled exchange', async () => {
    const server = await start();
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const { c } = await open(server);
    expect(await c.command('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
    expect(await c.command('*')).toMatch(/^-ERR /);
    expect(await c.command('AUTH LOGIN')).toBe(`+ ${b64('Username:')}`);
    expect(await c.command(b64('alice'))).toBe(`+ ${b64('Password:')}`);
    expect(await c.command(b64('secret pass'))).toMatch(/^\+OK/);
    await c.command('QUIT');
    const { c: d } = await open(server);
    const challenge = await d.command('AUTH CRAM-MD5');
    expect(challenge).toMatch(/^\+ /);
    const text = Buffer.from(challenge.slice(2), 'base64').toString();
    const digest = createHmac('md5', 'secret pass').update(text).digest('hex');
    expect(await d.command(b64(`alice ${digest}`))).toMatch(/^\+OK/);
  });
});

describe('transaction commands', () => {
  it('lists sizes and unique-ids and skips nothing', async () => {
    const c = await login(await start());
    expect(await c.command('LIST')).toMatch(/^\+OK/);
    expect(await c.dataLines()).toEqual([`1 ${FIRST.length}`, `2 ${DOTTED_CRLF.length}`, `3 ${THIRD.length}`]);
    expect(await c.command('LIST 2')).toBe(`+OK 2 ${DOTTED_CRLF.length}`);
    expect(await c.command('LIST 4')).toMatch(/^-ERR /);
    expect(await c.command('LIST 0')).toMatch(/^-ERR /);
    expect(await c.command('UIDL')).toMatch(/^\+OK/);
    const uids = await c.dataLines();
    expect(uids).toHaveLength(3);
    for (const [i, line] of uids.entries()) expect(line).toMatch(new RegExp(`^${i + 1} [\\x21-\\x7e]{1,70}$`));
    expect(new Set(uids.map((line) => line.split(' ')[1])).size).toBe(3);
    expect(await c.command('UIDL 3')).toBe(`+OK ${uids[2]}`);
  });

  it('byte-stuffs RETR and TOP, and sends CRLF line ends', async () => {
    const c = await login(await start());
    expect(await c.command('RETR 2')).toBe(`+OK ${DOTTED_CRLF.length} octets`);
    expect(await c.dataLines()).toEqual(['From: bob@example.test', 'Subject: Dots', '', '..leading dot', '...two dots', '..', 'last line']);
    expect(await c.command('TOP 2 0')).toMatch(/^\+OK/);
    expect(await c.dataLines()).toEqual(['From: bob@example.test', 'Subject: Dots', '']);
    expect(await c.command('TOP 3 2')).toMatch(/^\+OK/);
    expect(await c.dataLines()).toEqual(['From: cy@example.test', 'Subject: Third', '', 'line 1', 'line 2']);
    expect(await c.command('TOP 3 99')).toMatch(/^\+OK/);
    expect(await c.dataLines()).toHaveLength(6);
    expect(await c.command('TOP 3')).toMatch(/^-ERR /);
  });

  it('refuses arguments where RFC 1939 has none and commands in the wrong state', async () => {
    const { c } = await open(await start());
    expect(await c.command('STAT')).toMatch(/^-ERR .*AUTHORIZATION/);
    expect(await c.command('RETR 1')).toMatch(/^-ERR /);
    await c.command('USER alice');
    await c.command('PASS secret pass');
    expect(await c.command('STAT 1')).toMatch(/^-ERR /);
    expect(await c.command('USER alice')).toMatch(/^-ERR .*TRANSACTION/);
    expect(await c.command('RETR x')).toMatch(/^-ERR /);
    expect(await c.command('stat')).toMatch(/^\+OK 3 /);
    expect(await c.command('NOOP')).toBe('+OK');
  });
});

describe('deletion', () => {
  it('removes exactly the deleted message when QUIT commits', async () => {
    const server = await start();
    const before = await uidlOf(server);
    const c = await login(server);
    expect(await c.command('DELE 2')).toMatch(/^\+OK/);
    expect(await c.command('DELE 2')).toMatch(/^-ERR /);
    expect(await c.command('RETR 2')).toMatch(/^-ERR /);
    expect(await c.command('STAT')).toBe(`+OK 2 ${FIRST.length + THIRD.length}`);
    expect(await c.command('LIST')).toMatch(/^\+OK/);
    expect(await c.dataLines()).toEqual([`1 ${FIRST.length}`, `3 ${THIRD.length}`]);
    expect(await c.command('QUIT')).toMatch(/^\+OK/);
    await c.closed;
    const after = await uidlOf(server);
    expect(after).toEqual([`1 ${before[0]!.split(' ')[1]}`, `2 ${before[2]!.split(' ')[1]}`]);
  });

  it('restores deleted messages on RSET', async () => {
    const server = await start();
    const c = await login(server);
    await c.command('DELE 1');
    await c.command('DELE 3');
    expect(await c.command('RSET')).toMatch(/^\+OK/);
    expect(await c.command('STAT')).toMatch(/^\+OK 3 /);
    await c.command('QUIT');
    await c.closed;
    expect(await uidlOf(server)).toHaveLength(3);
  });

  it('deletes nothing when the connection drops without QUIT', async () => {
    const server = await start();
    const c = await login(server);
    expect(await c.command('DELE 1')).toMatch(/^\+OK/);
    c.destroy();
    // The lock goes when the server notices the drop; wait for that.
    for (let i = 0; i < 200 && server.maildrop('alice').locked; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.maildrop('alice').locked).toBe(false);
    expect(await uidlOf(server)).toHaveLength(3);
  });

  it('refuses a second session with [IN-USE] while the first holds the maildrop', async () => {
    const server = await start();
    const first = await login(server);
    const { c: second } = await open(server);
    await second.command('USER alice');
    expect(await second.command('PASS secret pass')).toMatch(/^-ERR \[IN-USE\] /);
    await first.command('QUIT');
    await first.closed;
    await second.command('USER alice');
    expect(await second.command('PASS secret pass')).toMatch(/^\+OK/);
  });

  it('shows delivered mail only to a new session', async () => {
    const server = await start();
    const c = await login(server);
    server.deliver('alice', 'Subject: new\r\n\r\nnew mail\r\n');
    expect(await c.command('STAT')).toMatch(/^\+OK 3 /);
    expect(await c.command('RETR 4')).toMatch(/^-ERR /);
    await c.command('QUIT');
    await c.closed;
    const d = await login(server);
    expect(await d.command('STAT')).toMatch(/^\+OK 4 /);
    expect(await d.command('RETR 4')).toMatch(/^\+OK/);
    expect(await d.dataLines()).toEqual(['Subject: new', '', 'new mail']);
  });
});

describe('pipelining and framing', () => {
  it('answers pipelined commands from one write in order', async () => {
    const server = await start();
    const { c } = await open(server);
    c.send('CAPA\r\nUSER alice\r\nPASS secret pass\r\nSTAT\r\nLIST\r\nRETR 1\r\nTOP 2 0\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n');
    expect(await c.line()).toBe('+OK Capability list follows');
    expect(await c.dataLines()).toContain('PIPELINING');
    expect(await c.line()).toMatch(/^\+OK/);
    expect(await c.line()).toMatch(/^\+OK Logged in/);
    expect(await c.line()).toMatch(/^\+OK 3 /);
    expect(await c.line()).toMatch(/^\+OK 3 messages/);
    expect(await c.dataLines()).toHaveLength(3);
    expect(await c.line()).toBe(`+OK ${FIRST.length} octets`);
    expect(await c.dataLines()).toEqual(['From: ann@example.test', 'Subject: First', '', 'Hello.']);
    expect(await c.line()).toMatch(/^\+OK/);
    expect(await c.dataLines()).toEqual(['From: bob@example.test', 'Subject: Dots', '']);
    expect(await c.line()).toMatch(/^\+OK 1 \S+$/);
    expect(await c.line()).toBe('+OK');
    expect(await c.line()).toMatch(/^\+OK/);
    expect(await c.rest()).toBe('');
    expect(server.transcript).toEqual(['CAPA', 'USER alice', 'PASS ***', 'STAT', 'LIST', 'RETR 1', 'TOP 2 0', 'UIDL 1', 'NOOP', 'QUIT']);
  });

  it('answers every command of a client that half-closes right after sending them', async () => {
    const { c } = await open(await start());
    c.send('USER alice\r\nPASS secret pass\r\nSTAT\r\n');
    c.finish();
    const rest = await c.rest();
    expect(rest.split('\r\n').filter(Boolean).map((line) => line.slice(0, 3))).toEqual(['+OK', '+OK', '+OK']);
  });

  it('accepts bare LF line ends and answers nothing after QUIT', async () => {
    const server = await start();
    const { c } = await open(server);
    c.send('USER alice\nPASS secret pass\nSTAT\nQUIT\nSTAT\n');
    const rest = await c.rest();
    expect(rest.split('\r\n').filter(Boolean)).toHaveLength(4);
  });

  it('holds back a large RETR while the client is not reading', async () => {
    // Even at the kernel's largest socket buffers (tcp_rmem 32 MB + tcp_wmem
    // 4 MB here) a 48 MB message cannot be handed over whole while unread.
    const line = Buffer.from(`${'y'.repeat(1022)}\r\n`);
    const big = Buffer.concat([Buffer.from('Subject: big\r\n\r\n'), ...Array<Buffer>(48 * 1024).fill(line)]);
    let handedToSocket = 0;
    const server = await start({
      maildrops: { alice: { messages: [big] } },
      variation: {
        async write(bytes, send) {
          handedToSocket += bytes.length;
          await send(bytes);
        },
      },
    });
    const c = await login(server);
    c.socket.pause();
    const before = handedToSocket;
    c.send('RETR 1\r\n');
    await new Promise((r) => setTimeout(r, 500));
    expect(handedToSocket - before).toBeGreaterThan(0);
    expect(handedToSocket - before).toBeLessThan(big.length);
    c.destroy();
    for (let i = 0; i < 200 && server.maildrop('alice').locked; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.maildrop('alice').locked).toBe(false);
  });

  it('sends a 3 MB message intact, stuffed, to a client that pauses', async () => {
    const line = '.a line of forty octets with a dot first.\r\n'.slice(0, 40);
    const big = `Subject: big\r\n\r\n${`${line}\r\n`.repeat(75_000)}`;
    const server = await start({ maildrops: { alice: { messages: [big] } } });
    const c = await login(server);
    c.socket.pause();
    c.send('RETR 1\r\n');
    await new Promise((r) => setTimeout(r, 50));
    c.socket.resume();
    expect(await c.line()).toBe(`+OK ${big.length} octets`);
    const lines = await c.dataLines();
    expect(lines).toHaveLength(75_002);
    expect(lines.slice(2).every((l) => l === `.${line}`)).toBe(true);
  });
});

describe('capabilities and TLS', () => {
  it('lists the RFC 2449 capabilities', async () => {
    const { c } = await open(await start());
    expect(await c.command('CAPA')).toMatch(/^\+OK/);
    expect(await c.dataLines()).toEqual([
      'TOP', 'UIDL', 'USER', 'SASL PLAIN LOGIN CRAM-MD5', 'PIPELINING', 'RESP-CODES',
      'AUTH-RESP-CODE', 'EXPIRE NEVER', 'IMPLEMENTATION Popbridge-demo',
    ]);
  });

  describe('with a certificate', () => {
    let tls: { key: Buffer; cert: Buffer };
    beforeAll(() => {
      tls = selfSignedCertificate();
    });

    it('offers STLS, upgrades, and then no longer offers it', async () => {
      const server = await start({ tls });
      const { c } = await open(server);
      await c.command('CAPA');
      expect(await c.dataLines()).toContain('STLS');
      expect(await c.command('STLS')).toBe('+OK Begin TLS negotiation');
      await c.upgrade();
      await c.command('CAPA');
      expect(await c.dataLines()).not.toContain('STLS');
      expect(await c.command('STLS')).toMatch(/^-ERR /);
      await c.command('USER alice');
      expect(await c.command('PASS secret pass')).toMatch(/^\+OK/);
    });

    it('discards plaintext pipelined after STLS (CVE-2011-0411)', async () => {
      const server = await start({ tls });
      const { c } = await open(server);
      c.send('STLS\r\nUSER mallory\r\n');
      expect(await c.line()).toBe('+OK Begin TLS negotiation');
      await c.upgrade();
      expect(await c.command('PASS secret pass')).toBe('-ERR Send USER first');
      expect(server.transcript).toEqual(['STLS', 'PASS ***']);
    });

    it('speaks TLS from the first byte with implicitTls', async () => {
      const server = await start({ tls, implicitTls: true });
      const { c, greeting } = await open(server, { tls: true });
      expect(greeting).toMatch(/^\+OK /);
      await c.command('CAPA');
      expect(await c.dataLines()).not.toContain('STLS');
      await c.command('USER alice');
      expect(await c.command('PASS secret pass')).toMatch(/^\+OK/);
    });

    it('answers STLS with -ERR when no certificate is configured', async () => {
      const { c } = await open(await start());
      expect(await c.command('STLS')).toMatch(/^-ERR /);
    });
  });

  it('has no CAPA when capabilities are off', async () => {
    const { c } = await open(await start({ capabilities: false }));
    expect(await c.command('CAPA')).toMatch(/^-ERR /);
  });
});

describe('hostile clients', () => {
  it('refuses over-long command lines but keeps the session', async () => {
    const { c } = await open(await start());
    expect(await c.command(`USER ${'a'.repeat(300)}`)).toMatch(/^-ERR /);
    expect(await c.command('USER alice')).toBe('+OK Send PASS');
  });

  it('closes on a line that never ends', async () => {
    const server = await start();
    const { c } = await open(server);
    c.send('x'.repeat(100_000));
    expect(await c.rest()).toMatch(/^-ERR /);
    expect((await login(server)).socket.destroyed).toBe(false);
  });

  it('survives binary garbage and hangs up after too many bad commands', async () => {
    const server = await start();
    const { c } = await open(server);
    const garbage = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 37 + 11) % 256)).toString('latin1');
    c.send(`${garbage}\r\n\0\0\r\n`.repeat(10));
    const rest = await c.rest();
    expect(rest.split('\r\n').filter(Boolean).every((line) => line.startsWith('-ERR '))).toBe(true);
    expect(await uidlOf(server)).toHaveLength(3);
  });

  it('survives a client that drops mid-RETR', async () => {
    const big = `Subject: big\r\n\r\n${'x'.repeat(70)}\r\n`.repeat(50_000);
    const server = await start({ maildrops: { alice: { messages: [big] } } });
    const c = await login(server);
    c.send('RETR 1\r\n');
    await c.atLeast(10_000);
    c.destroy();
    for (let i = 0; i < 200 && server.maildrop('alice').locked; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await uidlOf(server)).toHaveLength(1);
  });

  it('logs out an idle client without committing deletions', async () => {
    const server = await start({ idleTimeoutMs: 100 });
    const c = await login(server);
    await c.command('DELE 1');
    expect(await c.rest()).toMatch(/^-ERR /);
    expect(await uidlOf(server)).toHaveLength(3);
  });
});
