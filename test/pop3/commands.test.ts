import { describe, expect, it } from 'vitest';
import { Pop3Error, describeCommand, encodeCommand, encodeSaslResponse } from '../../shared/pop3/index.ts';
import type { Command } from '../../shared/pop3/index.ts';
import { text } from './helpers.ts';

const encoded = (command: Command): string => text(encodeCommand(command));

function refused(command: Command): Pop3Error {
  try {
    encodeCommand(command);
  } catch (error) {
    return error as Pop3Error;
  }
  throw new Error('not refused');
}

describe('commands', () => {
  it('C0003/C0004: keyword and arguments separated by one space, CRLF-terminated', () => {
    expect(encoded({ name: 'TOP', msg: 3, lines: 0 })).toBe('TOP 3 0\r\n');
    expect(encoded({ name: 'USER', username: 'mrose' })).toBe('USER mrose\r\n');
    expect(encoded({ name: 'APOP', username: 'mrose', digest: 'c4c9334bac560ecc979e58001b3e22fb' })).toBe('APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n');
    expect(encoded({ name: 'AUTH', mechanism: 'PLAIN', initialResponse: { data: 'AHUAcA==', final: true } })).toBe('AUTH PLAIN AHUAcA==\r\n');
    expect(encoded({ name: 'AUTH', mechanism: 'PLAIN', initialResponse: { data: '', final: true } })).toBe('AUTH PLAIN =\r\n');
  });

  it('C0012/C0015/C0027/C0030: QUIT, STAT and NOOP are sent without arguments', () => {
    expect(encoded({ name: 'QUIT' })).toBe('QUIT\r\n');
    expect(encoded({ name: 'STAT' })).toBe('STAT\r\n');
    expect(encoded({ name: 'NOOP' })).toBe('NOOP\r\n');
    expect(encoded({ name: 'RSET' })).toBe('RSET\r\n');
  });

  it('V0003/V0007: LIST and UIDL go with or without a message number', () => {
    expect(encoded({ name: 'LIST' })).toBe('LIST\r\n');
    expect(encoded({ name: 'LIST', msg: 2 })).toBe('LIST 2\r\n');
    expect(encoded({ name: 'UIDL' })).toBe('UIDL\r\n');
    expect(encoded({ name: 'UIDL', msg: 9 })).toBe('UIDL 9\r\n');
  });

  it('V0004/C0024/C0032: RETR, DELE and TOP need a valid message number; TOP a non-negative line count', () => {
    expect(encoded({ name: 'RETR', msg: 1 })).toBe('RETR 1\r\n');
    expect(encoded({ name: 'DELE', msg: 12 })).toBe('DELE 12\r\n');
    for (const command of [
      { name: 'RETR', msg: 0 }, { name: 'DELE', msg: -1 }, { name: 'RETR', msg: 1.5 },
      { name: 'TOP', msg: 1, lines: -1 }, { name: 'RETR', msg: Number.NaN },
    ] as Command[]) {
      expect(refused(command).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('refuses CR, LF and NUL in any argument before anything is sent (command injection)', () => {
    for (const command of [
      { name: 'USER', username: 'bob\r\nDELE 1' },
      { name: 'PASS', password: 'secret\nDELE 1' },
      { name: 'PASS', password: 'se\0cret' },
      { name: 'APOP', username: 'bob', digest: 'ab\rcd' },
      { name: 'AUTH', mechanism: 'PLAIN\r\nQUIT' },
    ] as Command[]) {
      const error = refused(command);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).not.toContain('secret');
    }
    expect(() => encodeSaslResponse('abc\r\nDELE 1')).toThrow(Pop3Error);
  });

  it('C0042/C0046: USER takes one word; PASS takes the rest of the line, spaces and UTF-8 included', () => {
    expect(refused({ name: 'USER', username: 'two words' }).code).toBe('INVALID_ARGUMENT');
    expect(refused({ name: 'USER', username: '' }).code).toBe('INVALID_ARGUMENT');
    expect(encoded({ name: 'PASS', password: 'correct horse battery' })).toBe('PASS correct horse battery\r\n');
    expect(encodeCommand({ name: 'PASS', password: 'pässword' })).toEqual(new TextEncoder().encode('PASS pässword\r\n'));
    expect(refused({ name: 'PASS', password: 'tab\there' }).code).toBe('INVALID_ARGUMENT');
  });

  it('bounds the command length (RFC 2449: 255 octets), PASS included, with a message that says why', () => {
    expect(refused({ name: 'USER', username: 'x'.repeat(300) }).code).toBe('INVALID_ARGUMENT');
    expect(refused({ name: 'PASS', password: 'x'.repeat(300) }).message).toMatch(/password is too long/);
    expect(refused({ name: 'AUTH', mechanism: 'PLAIN', initialResponse: { data: 'A'.repeat(300), final: true } }).code).toBe('INVALID_ARGUMENT');
  });

  it('masks secrets when a command is described for a log', () => {
    expect(describeCommand({ name: 'PASS', password: 'hunter2' })).toBe('PASS ***');
    expect(describeCommand({ name: 'AUTH', mechanism: 'PLAIN', initialResponse: { data: 'AGJvYgBodW50ZXIy', final: true } })).toBe('AUTH PLAIN ***');
    expect(describeCommand({ name: 'APOP', username: 'bob', digest: 'abc' })).toBe('APOP bob ***');
    expect(describeCommand({ name: 'TOP', msg: 1, lines: 0 })).toBe('TOP 1 0');
  });
});
