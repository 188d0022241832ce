import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pop3LocalError, Pop3Protocol, Pop3RemoteError, errorForGreeting } from '../../shared/pop3/index.ts';
import type { Command } from '../../shared/pop3/index.ts';
import { bytes, normalise, send, signedIn, text } from './helpers.ts';

/** Misuse is a local error, never the server's fault. */
function misuse(run: () => unknown): Pop3LocalError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Pop3LocalError);
    return error as Pop3LocalError;
  }
  throw new Error('accepted');
}

describe('the protocol state machine', () => {
  it('C0002/C0007: sends nothing before the greeting, then enters AUTHORIZATION', () => {
    const protocol = new Pop3Protocol();
    protocol.enqueue({ name: 'CAPA' });
    expect(protocol.dataToSend()).toBeNull();
    protocol.receiveData(bytes('+OK POP3 ready <1.2@host>\r\n'));
    expect(protocol.state).toBe('AUTHORIZATION');
    expect(normalise(protocol.takeEvents())).toEqual([{ type: 'greeting', reply: expect.objectContaining({ ok: true }) }]);
    expect(text(protocol.dataToSend())).toBe('CAPA\r\n');
  });

  it('a negative greeting is a value that closes the session; its typed error reads [IN-USE] from it', () => {
    const protocol = new Pop3Protocol();
    protocol.receiveData(bytes('-ERR [IN-USE] busy\r\n'));
    const events = protocol.takeEvents();
    expect(events).toMatchObject([{ type: 'greeting', reply: { ok: false, code: 'IN-USE' } }]);
    expect(protocol.state).toBe('CLOSED');
    const greeting = events[0]!.type === 'greeting' ? events[0]!.reply : null;
    expect(errorForGreeting(greeting!)).toMatchObject({ code: 'MAILDROP_IN_USE', serverText: '[IN-USE] busy' });
  });

  it('C0016/C0018/V0005/C0025/C0028/C0033/C0035: transaction commands are refused locally before sign-in', () => {
    const protocol = new Pop3Protocol();
    protocol.receiveData(bytes('+OK\r\n'));
    for (const command of [{ name: 'STAT' }, { name: 'LIST' }, { name: 'RETR', msg: 1 }, { name: 'DELE', msg: 1 }, { name: 'NOOP' }, { name: 'TOP', msg: 1, lines: 0 }, { name: 'UIDL' }] as Command[]) {
      expect(misuse(() => protocol.enqueue(command)).code, command.name).toBe('BAD_STATE');
    }
    expect(protocol.dataToSend()).toBeNull();
  });

  it('C0043/C0047: USER and PASS are refused once signed in', () => {
    const protocol = signedIn();
    expect(protocol.state).toBe('TRANSACTION');
    expect(misuse(() => protocol.enqueue({ name: 'USER', username: 'x' })).code).toBe('BAD_STATE');
    expect(misuse(() => protocol.enqueue({ name: 'PASS', password: 'x' })).code).toBe('BAD_STATE');
  });

  it('QUIT from TRANSACTION enters UPDATE; nothing can follow it; its +OK closes', () => {
    const protocol = signedIn();
    expect(send(protocol, { name: 'QUIT' })).toBe('QUIT\r\n');
    expect(protocol.state).toBe('UPDATE');
    expect(misuse(() => protocol.enqueue({ name: 'NOOP' })).code).toBe('BAD_STATE');
    protocol.receiveData(bytes('+OK bye\r\n'));
    expect(protocol.state).toBe('CLOSED');
  });

  it('a connection closed before QUIT is confirmed leaves the outcome unknown, as an error', () => {
    const protocol = signedIn();
    send(protocol, { name: 'QUIT' });
    protocol.receiveEof();
    const [event] = protocol.takeEvents();
    expect(event).toMatchObject({ type: 'error', error: { code: 'UNEXPECTED_END' } });
    expect(event?.type === 'error' && event.error).toBeInstanceOf(Pop3RemoteError);
    expect(event?.type === 'error' && event.error.message).toMatch(/unknown/);
    expect(protocol.state).toBe('ERROR');
  });

  it('C0006: a connection that closes before the terminator is an error, never the end of a message', () => {
    const protocol = signedIn();
    send(protocol, { name: 'RETR', msg: 1 });
    protocol.receiveData(bytes('+OK 10 octets\r\nSubject: x\r\n\r\nbody\r\n'));
    protocol.receiveEof();
    expect(normalise(protocol.takeEvents())).toEqual([
      { type: 'status', command: 'RETR', ok: true, text: '10 octets', final: false },
      { type: 'data', text: 'Subject: x\r\n\r\nbody\r\n' },
      { type: 'error', code: 'UNEXPECTED_END' },
    ]);
    expect(protocol.state).toBe('ERROR');
  });

  it('input that ends with no reply owed closes the session cleanly, without an error', () => {
    const protocol = signedIn();
    protocol.receiveEof();
    expect(protocol.takeEvents()).toEqual([]);
    expect(protocol.state).toBe('CLOSED');
  });

  it('how a reply is read is decided by the pending command: a mail line "+OK" is data', () => {
    const protocol = signedIn();
    send(protocol, { name: 'RETR', msg: 1 });
    protocol.receiveData(bytes('+OK\r\n+OK fake\r\n-ERR fake\r\n.\r\n'));
    expect(normalise(protocol.takeEvents())).toEqual([
      { type: 'status', command: 'RETR', ok: true, text: '', final: false },
      { type: 'data', text: '+OK fake\r\n-ERR fake\r\n' },
      { type: 'end', command: 'RETR' },
    ]);
  });

  it('C0019/C0036: LIST n and UIDL n are single-line; without an argument they are multi-line (C0020/C0037)', () => {
    const protocol = signedIn();
    send(protocol, { name: 'LIST', msg: 2 });
    protocol.receiveData(bytes('+OK 2 200\r\n'));
    send(protocol, { name: 'UIDL' });
    protocol.receiveData(bytes('+OK\r\n1 a\r\n2 b\r\n.\r\n'));
    expect(normalise(protocol.takeEvents())).toEqual([
      { type: 'status', command: 'LIST', ok: true, text: '2 200', final: true },
      { type: 'status', command: 'UIDL', ok: true, text: '', final: false },
      { type: 'data', text: '1 a\r\n2 b\r\n' },
      { type: 'end', command: 'UIDL' },
    ]);
  });

  it('a -ERR to a multi-line command is a single line, and the next reply is read normally', () => {
    const protocol = signedIn({ pipelining: true });
    protocol.enqueue({ name: 'RETR', msg: 9 });
    protocol.enqueue({ name: 'NOOP' });
    expect(text(protocol.dataToSend())).toBe('RETR 9\r\nNOOP\r\n');
    protocol.receiveData(bytes('-ERR no such message\r\n+OK\r\n'));
    expect(normalise(protocol.takeEvents())).toEqual([
      { type: 'status', command: 'RETR', ok: false, text: 'no such message', final: true },
      { type: 'status', command: 'NOOP', ok: true, text: '', final: true },
    ]);
  });

  it('without PIPELINING, one command at a time', () => {
    const protocol = signedIn();
    protocol.enqueue({ name: 'STAT' });
    protocol.enqueue({ name: 'NOOP' });
    expect(text(protocol.dataToSend())).toBe('STAT\r\n');
    expect(protocol.dataToSend()).toBeNull();
    protocol.receiveData(bytes('+OK 0 0\r\n'));
    expect(text(protocol.dataToSend())).toBe('NOOP\r\n');
  });

  it('with PIPELINING, many commands in flight within a bounded window, replies matched in order', () => {
    const protocol = signedIn({ pipelining: true, pipelineWindow: 3 });
    for (let msg = 1; msg <= 5; msg++) protocol.enqueue({ name: 'TOP', msg, lines: 0 });
    expect(text(protocol.dataToSend())).toBe('TOP 1 0\r\nTOP 2 0\r\nTOP 3 0\r\n');
    expect(protocol.dataToSend()).toBeNull();
    protocol.receiveData(bytes('+OK\r\nA: 1\r\n.\r\n+OK\r\nA: 2\r\n.\r\n'));
    expect(text(protocol.dataToSend())).toBe('TOP 4 0\r\nTOP 5 0\r\n');
    protocol.receiveData(bytes('-ERR gone\r\n+OK\r\nA: 4\r\n.\r\n+OK\r\nA: 5\r\n.\r\n'));
    const ends = protocol.takeEvents().filter((event) => event.type === 'end' || (event.type === 'status' && event.final));
    expect(ends.map((event) => event.type !== 'error' && event.type !== 'greeting' && 'command' in event && event.command.command.name === 'TOP' && event.command.command.msg)).toEqual([1, 2, 3, 4, 5]);
  });

  it('QUIT is never pipelined behind unanswered commands', () => {
    const protocol = signedIn({ pipelining: true });
    protocol.enqueue({ name: 'RETR', msg: 1 });
    protocol.enqueue({ name: 'QUIT' });
    expect(text(protocol.dataToSend())).toBe('RETR 1\r\n');
    protocol.receiveData(bytes('+OK\r\nbig message\r\n'));
    expect(protocol.dataToSend()).toBeNull();
    protocol.receiveData(bytes('.\r\n'));
    expect(text(protocol.dataToSend())).toBe('QUIT\r\n');
  });

  it('sign-in commands are never pipelined', () => {
    const protocol = new Pop3Protocol();
    protocol.setPipelining(true);
    protocol.receiveData(bytes('+OK\r\n'));
    protocol.enqueue({ name: 'USER', username: 'u' });
    protocol.enqueue({ name: 'PASS', password: 'p' });
    expect(text(protocol.dataToSend())).toBe('USER u\r\n');
    expect(protocol.dataToSend()).toBeNull();
  });

  it('RFC 5034: AUTH continuations are events, and the answer goes out at once', () => {
    const protocol = new Pop3Protocol();
    protocol.receiveData(bytes('+OK\r\n'));
    send(protocol, { name: 'AUTH', mechanism: 'LOGIN' });
    protocol.receiveData(bytes('+ VXNlcm5hbWU6\r\n'));
    expect(protocol.takeEvents().at(-1)).toMatchObject({ type: 'continuation', challenge: 'VXNlcm5hbWU6' });
    protocol.sendSaslResponse({ data: 'dQ==', final: false });
    expect(text(protocol.dataToSend())).toBe('dQ==\r\n');
    protocol.receiveData(bytes('+\r\n'));
    expect(protocol.takeEvents().at(-1)).toMatchObject({ type: 'continuation', challenge: '' });
    protocol.sendSaslResponse({ data: 'cA==', final: false });
    protocol.dataToSend();
    protocol.receiveData(bytes('+OK welcome\r\n'));
    expect(protocol.state).toBe('TRANSACTION');
  });

  it('V0001: once the client has sent its last SASL response, a bare "+" is the positive verdict', () => {
    const protocol = new Pop3Protocol();
    protocol.receiveData(bytes('+OK\r\n'));
    send(protocol, { name: 'AUTH', mechanism: 'CRAM-MD5' });
    protocol.receiveData(bytes('+ PDEyMzQ1QGhvc3Q+\r\n'));
    protocol.takeEvents();
    protocol.sendSaslResponse({ data: 'YWJj', final: true });
    protocol.dataToSend();
    protocol.receiveData(bytes('+\r\n'));
    expect(protocol.takeEvents()).toMatchObject([{ type: 'status', reply: { ok: true }, final: true }]);
    expect(protocol.state).toBe('TRANSACTION');
  });

  it('V0001: an AUTH whose initial response is final reads a bare "+" as the verdict; one that is not, as a challenge', () => {
    const final = new Pop3Protocol();
    final.receiveData(bytes('+OK\r\n'));
    send(final, { name: 'AUTH', mechanism: 'PLAIN', initialResponse: { data: 'AHUAcA==', final: true } });
    final.takeEvents();
    final.receiveData(bytes('+\r\n'));
    expect(final.takeEvents()).toMatchObject([{ type: 'status', reply: { ok: true }, final: true }]);
    expect(final.state).toBe('TRANSACTION');

    const more = new Pop3Protocol();
    more.receiveData(bytes('+OK\r\n'));
    send(more, { name: 'AUTH', mechanism: 'X-TWO-STEP', initialResponse: { data: 'AHUAcA==', final: false } });
    more.takeEvents();
    more.receiveData(bytes('+\r\n'));
    expect(more.takeEvents()).toMatchObject([{ type: 'continuation', challenge: '' }]);
    expect(more.state).toBe('AUTHORIZATION');
  });

  it('data after the +OK to STLS is refused (RFC 2595: no clear-text injection into the TLS session)', () => {
    const protocol = new Pop3Protocol();
    protocol.receiveData(bytes('+OK\r\n'));
    send(protocol, { name: 'STLS' });
    protocol.takeEvents();
    protocol.receiveData(bytes('+OK begin TLS\r\n+OK injected\r\n'));
    // The error comes alone: the STLS must not look accepted to whoever waits for it.
    expect(protocol.takeEvents()).toMatchObject([{ type: 'error', error: { code: 'PROTOCOL' } }]);
  });

  it('C0005: a reply line without CRLF is bounded: past the limit it is TOO_LARGE, not an unbounded buffer', () => {
    const protocol = signedIn({ maxStatusLineLength: 1000 });
    send(protocol, { name: 'STAT' });
    for (let i = 0; i < 20; i++) protocol.receiveData(bytes('x'.repeat(100)));
    expect(protocol.takeEvents().at(-1)).toMatchObject({ type: 'error', error: { code: 'TOO_LARGE', limit: 1000 } });
    expect(protocol.state).toBe('ERROR');
    expect(protocol.dataToSend()).toBeNull();
  });

  it('a body larger than the configured maximum is TOO_LARGE', () => {
    const protocol = signedIn({ maxBodySize: 1000 });
    send(protocol, { name: 'RETR', msg: 1 });
    protocol.receiveData(bytes('+OK\r\n'));
    for (let i = 0; i < 20; i++) protocol.receiveData(bytes('y'.repeat(98) + '\r\n'));
    expect(protocol.takeEvents().at(-1)).toMatchObject({ type: 'error', error: { code: 'TOO_LARGE' } });
  });

  it('a reply nobody asked for is a protocol error', () => {
    const protocol = signedIn();
    protocol.receiveData(bytes('+OK surprise\r\n'));
    expect(protocol.takeEvents().at(-1)).toMatchObject({ type: 'error', error: { code: 'PROTOCOL' } });
  });

  it('every way of splitting a pipelined conversation into chunks gives the same events (property)', () => {
    const server = bytes(
      '+OK 3 600\r\n' +
        '+ok\r\n1 100\r\n2\t\t200 extra\r\n.\r\n' +
        '+OK\r\n1 uid-1\r\n2 uid-2\r\n.\r\n' +
        '+OK\r\nSubject: hi\r\n..dot\r\n\r\n.\r\n' +
        '-ERR [SYS/TEMP] later\r\n' +
        '+OK\r\n+OK in mail\r\n.\r\n..\r\n\r\n.\r\n' +
        '+\r\n',
    );
    const commands: Command[] = [
      { name: 'STAT' }, { name: 'LIST' }, { name: 'UIDL' }, { name: 'TOP', msg: 1, lines: 0 },
      { name: 'RETR', msg: 2 }, { name: 'RETR', msg: 1 }, { name: 'NOOP' },
    ];
    const run = (cuts: number[]): unknown[] => {
      const protocol = signedIn({ pipelining: true });
      for (const command of commands) protocol.enqueue(command);
      protocol.dataToSend();
      const points = [...new Set(cuts.map((cut) => cut % (server.length + 1)))].sort((a, b) => a - b);
      let offset = 0;
      for (const end of [...points, server.length]) {
        protocol.receiveData(server.slice(offset, end));
        offset = end;
      }
      return normalise(protocol.takeEvents());
    };
    const expected = run([]);
    expect(expected).toHaveLength(16);
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
      expect(run(cuts)).toEqual(expected);
    }), { numRuns: 1000 });
    expect(run(Array.from({ length: server.length }, (_, i) => i))).toEqual(expected);
  });
});
