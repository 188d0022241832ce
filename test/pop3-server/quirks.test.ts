// Each named quirk of test/fixtures/quirks.ts shows on the wire as
// documented, so client tests built on them test what they claim.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPop3Server, type Pop3Server, type Pop3ServerOptions } from '../../server/pop3-server/index.ts';
import {
  barePlus, combine, crawlingTop, dribble, dropAfterQuitBeforeReply, dropBeforeUpdate, dropMidRetr, duplicateUids,
  expireZero, inUse, loginDelay, lowercaseOk, noCapa, noGreeting, noTop, noUidl, overlongLine,
  silentAfterCommand, slowGreeting, stlsMissing, sysTemp, tabbedListings,
} from '../fixtures/quirks.ts';
import { selfSignedCertificate } from './certificate.ts';
import { RawConnection } from './raw-client.ts';

const MAIL = [
  'From: ann@example.test\r\nSubject: One\r\n\r\nfirst\r\n',
  `From: bob@example.test\r\nSubject: Two\r\n\r\n${'.dotted line of text\r\n'.repeat(200)}`,
];

const servers: Pop3Server[] = [];
const connections: RawConnection[] = [];
afterEach(async () => {
  for (const c of connections.splice(0)) c.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(variation: Pop3ServerOptions['variation'], extra: Partial<Pop3ServerOptions> = {}): Promise<Pop3Server> {
  const server = await startPop3Server({
    users: [{ username: 'alice', password: 'pw' }],
    maildrops: { alice: { messages: MAIL } },
    variation,
    ...extra,
  });
  servers.push(server);
  return server;
}

async function connect(server: Pop3Server, greeting = true): Promise<RawConnection> {
  const c = await RawConnection.connect(server.port);
  connections.push(c);
  if (greeting) await c.line();
  return c;
}

async function login(server: Pop3Server): Promise<RawConnection> {
  const c = await connect(server);
  await c.command('USER alice');
  expect(await c.command('PASS pw')).toMatch(/^\+OK/);
  return c;
}

async function capa(c: RawConnection): Promise<string[]> {
  expect(await c.command('CAPA')).toMatch(/^\+OK/);
  return c.dataLines();
}

async function remainingUids(server: Pop3Server): Promise<string[]> {
  for (let i = 0; i < 200 && server.maildrop('alice').locked; i++) await new Promise((r) => setTimeout(r, 10));
  return server.maildrop('alice').messages.map((m) => m.uid);
}

describe('greeting quirks', () => {
  it('noGreeting: the first line the client sees answers its own command', async () => {
    const c = await connect(await start(noGreeting), false);
    expect(await c.command('CAPA')).toBe('+OK Capability list follows');
  });

  it('slowGreeting: the greeting still comes first, before any reply', async () => {
    const c = await connect(await start(slowGreeting(100)), false);
    c.send('CAPA\r\n');
    expect(await c.line()).toMatch(/^\+OK Popbridge/);
    expect(await c.line()).toBe('+OK Capability list follows');
  });

  it('dribble: replies arrive split into many pieces, intact', async () => {
    const c = await connect(await start(dribble), false);
    let pieces = 0;
    c.socket.on('data', () => pieces++);
    const greeting = await c.line();
    expect(greeting).toMatch(/^\+OK Popbridge POP3 server ready <.+>$/);
    expect(pieces).toBeGreaterThan(5);
  });

  it('crawlingTop: login is prompt, TOP crawls in small pieces, and arrives intact', async () => {
    const c = await login(await start(crawlingTop(20, 4)));
    let pieces = 0;
    c.socket.on('data', () => pieces++);
    const started = Date.now();
    expect(await c.command('TOP 1 0')).toBe('+OK Top of message follows');
    expect(await c.dataLines()).toEqual(['From: ann@example.test', 'Subject: One', '']);
    // 41 octets of header and 3 of terminator, 4 at a time, 20 ms apart.
    expect(pieces).toBeGreaterThan(8);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('overlongLine: 100 000 octets with no line end', async () => {
    const c = await connect(await start(overlongLine()), false);
    const text = await c.atLeast(100_000);
    expect(text.startsWith('+OK ')).toBe(true);
    expect(text).not.toContain('\n');
  });
});

describe('status line quirks', () => {
  it('lowercaseOk: "+ok" for positive replies, "-ERR" unchanged', async () => {
    const server = await start(lowercaseOk);
    const c = await connect(server, false);
    expect(await c.line()).toMatch(/^\+ok Popbridge/);
    expect(await c.command('USER alice')).toBe('+ok Send PASS');
    expect(await c.command('PASS nope')).toMatch(/^-ERR \[AUTH\]/);
  });

  it('barePlus: "+" alone as positive status, data lines untouched', async () => {
    const c = await connect(await start(barePlus), false);
    expect(await c.line()).toBe('+');
    expect(await c.command('CAPA')).toBe('+');
    expect(await c.dataLines()).toContain('UIDL');
    expect(await c.command('USER alice')).toBe('+');
    expect(await c.command('PASS pw')).toBe('+');
    expect(await c.command('RETR 2')).toBe('+');
    expect((await c.dataLines())[3]).toBe('..dotted line of text');
  });

  it('tabbedListings: tabs, runs of spaces and trailing fields in STAT, LIST and UIDL', async () => {
    const server = await start(tabbedListings);
    const c = await login(server);
    const total = MAIL.reduce((n, m) => n + m.length, 0);
    expect(await c.command('STAT')).toBe(`+OK 2\t  \t${total} \t extra-field 42`);
    expect(await c.command('LIST 1')).toBe(`+OK 1\t  \t${MAIL[0]!.length} \t extra-field 42`);
    await c.command('LIST');
    expect(await c.dataLines()).toEqual(MAIL.map((m, i) => `${i + 1}\t  \t${m.length} \t extra-field 42`));
    await c.command('UIDL');
    const uids = server.maildrop('alice').messages.map((m) => m.uid);
    expect(await c.dataLines()).toEqual(uids.map((uid, i) => `${i + 1}\t  \t${uid} \t extra-field 42`));
  });
});

describe('missing commands', () => {
  it('noCapa, noUidl, noTop: -ERR, and absent from CAPA', async () => {
    expect(await (await connect(await start(noCapa))).command('CAPA')).toMatch(/^-ERR /);
    for (const [variation, verb, command] of [[noUidl, 'UIDL', 'UIDL'], [noTop, 'TOP', 'TOP 1 0']] as const) {
      const c = await login(await start(variation));
      expect(await capa(c)).not.toContain(verb);
      expect(await c.command(command)).toMatch(/^-ERR /);
      expect(await c.command('LIST 1')).toMatch(/^\+OK 1 /);
    }
  });

  describe('with a certificate', () => {
    let tls: { key: Buffer; cert: Buffer };
    beforeAll(() => {
      tls = selfSignedCertificate();
    });

    it('stlsMissing: no STLS in CAPA and STLS refused, though TLS is configured', async () => {
      const c = await connect(await start(stlsMissing, { tls }));
      expect(await capa(c)).not.toContain('STLS');
      expect(await c.command('STLS')).toMatch(/^-ERR /);
    });
  });

  it('expireZero: CAPA says EXPIRE 0', async () => {
    const lines = await capa(await connect(await start(expireZero)));
    expect(lines).toContain('EXPIRE 0');
    expect(lines).not.toContain('EXPIRE NEVER');
  });
});

describe('login refusals', () => {
  for (const [variation, code] of [[inUse, 'IN-USE'], [loginDelay, 'LOGIN-DELAY'], [sysTemp, 'SYS/TEMP']] as const) {
    it(`${variation.name}: right credentials get -ERR [${code}], by PASS and by AUTH; wrong ones [AUTH]`, async () => {
      const server = await start(variation);
      const c = await connect(server);
      await c.command('USER alice');
      expect(await c.command('PASS pw')).toMatch(new RegExp(`^-ERR \\[${code.replace('/', '\\/')}\\] `));
      expect(await c.command(`AUTH PLAIN ${Buffer.from('\0alice\0pw').toString('base64')}`)).toMatch(/^-ERR \[/);
      expect(await c.command(`AUTH PLAIN ${Buffer.from('\0alice\0nope').toString('base64')}`)).toMatch(/^-ERR \[AUTH\] /);
      expect(server.maildrop('alice').locked).toBe(false);
    });
  }

  it('loginDelay: CAPA announces LOGIN-DELAY 900', async () => {
    expect(await capa(await connect(await start(loginDelay)))).toContain('LOGIN-DELAY 900');
  });
});

describe('drops', () => {
  it('dropMidRetr: "+OK", part of the data, then the connection ends', async () => {
    const c = await login(await start(dropMidRetr));
    c.send('RETR 2\r\n');
    const rest = await c.rest();
    expect(rest.startsWith(`+OK ${MAIL[1]!.length} octets\r\n`)).toBe(true);
    expect(rest.length).toBeGreaterThan(100);
    expect(rest.endsWith('\r\n.\r\n')).toBe(false);
  });

  it('dropAfterQuitBeforeReply: deletions committed, no reply', async () => {
    const server = await start(dropAfterQuitBeforeReply);
    const [first, second] = server.maildrop('alice').messages;
    const c = await login(server);
    await c.command('DELE 1');
    c.send('QUIT\r\n');
    expect(await c.rest()).toBe('');
    expect(await remainingUids(server)).toEqual([second!.uid]);
    expect(first!.uid).not.toBe(second!.uid);
  });

  it('dropBeforeUpdate: nothing deleted, no reply', async () => {
    const server = await start(dropBeforeUpdate);
    const c = await login(server);
    await c.command('DELE 1');
    c.send('QUIT\r\n');
    expect(await c.rest()).toBe('');
    expect(await remainingUids(server)).toHaveLength(2);
  });

  it('silentAfterCommand: that command and all later ones go unanswered', async () => {
    const quiet = await login(await start(silentAfterCommand('STAT')));
    quiet.send('STAT\r\nNOOP\r\n');
    quiet.finish();
    expect(await quiet.rest()).toBe('');
    const answered = await login(await start(silentAfterCommand('STAT', { answered: true })));
    answered.send('STAT\r\nNOOP\r\n');
    answered.finish();
    expect(await answered.rest()).toMatch(/^\+OK 2 \d+\r\n$/);
  });
});

describe('maildrop quirks', () => {
  it('duplicateUids: two identical messages share a unique-id; deleting one keeps the other', async () => {
    const server = await start(duplicateUids);
    const c = await login(server);
    await c.command('UIDL');
    const lines = await c.dataLines();
    expect(lines.slice(2)).toEqual(['3 duplicate-uid', '4 duplicate-uid']);
    await c.command('RETR 3');
    const third = await c.dataLines();
    await c.command('RETR 4');
    expect(await c.dataLines()).toEqual(third);
    await c.command('DELE 4');
    expect(await c.command('QUIT')).toMatch(/^\+OK/);
    expect((await remainingUids(server)).slice(2)).toEqual(['duplicate-uid']);
  });

  it('combine: the quirks of each, capabilities applied in turn', async () => {
    const c = await login(await start(combine(noUidl, expireZero, tabbedListings)));
    const lines = await capa(c);
    expect(lines).not.toContain('UIDL');
    expect(lines).toContain('EXPIRE 0');
    expect(await c.command('UIDL')).toMatch(/^-ERR /);
    expect(await c.command('STAT')).toMatch(/^\+OK 2\t/);
  });
});
