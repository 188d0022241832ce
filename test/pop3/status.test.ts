import { describe, expect, it } from 'vitest';
import { apopTimestamp, parseStatusLine } from '../../shared/pop3/index.ts';
import { bytes } from './helpers.ts';

describe('status lines', () => {
  it('V0001: any line beginning with "+" is positive, in any case', () => {
    expect(parseStatusLine(bytes('+OK fine\r\n')).ok).toBe(true);
    expect(parseStatusLine(bytes('+ok fine\r\n')).ok).toBe(true);
    expect(parseStatusLine(bytes('+Ok\r\n')).ok).toBe(true);
    expect(parseStatusLine(bytes('+\r\n')).ok).toBe(true);
    expect(parseStatusLine(bytes('+\r\n')).text).toBe('');
  });

  it('V0001: any other line is negative', () => {
    expect(parseStatusLine(bytes('-ERR no\r\n')).ok).toBe(false);
    expect(parseStatusLine(bytes('-err no\r\n')).ok).toBe(false);
    expect(parseStatusLine(bytes('OK but no plus\r\n')).ok).toBe(false);
    expect(parseStatusLine(bytes('\r\n')).ok).toBe(false);
  });

  it('reads the text after the indicator, separated by spaces or tabs (C0004)', () => {
    expect(parseStatusLine(bytes('+OK \t 2 320\r\n')).text).toBe('2 320');
    expect(parseStatusLine(bytes('-ERR\tnope\n')).text).toBe('nope');
  });

  it('reads RFC 2449 response codes, with or without RESP-CODES advertised', () => {
    const inUse = parseStatusLine(bytes('-ERR [IN-USE] Mailbox locked\r\n'));
    expect(inUse.code).toBe('IN-USE');
    expect(inUse.text).toBe('Mailbox locked');
    expect(inUse.fullText).toBe('[IN-USE] Mailbox locked');
    expect(parseStatusLine(bytes('-ERR [sys/temp] try later\r\n')).code).toBe('SYS/TEMP');
    expect(parseStatusLine(bytes('-ERR [LOGIN-DELAY]\r\n')).code).toBe('LOGIN-DELAY');
    expect(parseStatusLine(bytes('-ERR no code [IN-USE]\r\n')).code).toBeNull();
  });

  it('finds the APOP timestamp in a greeting (V0008: Popbridge supports APOP)', () => {
    const greeting = parseStatusLine(bytes('+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n'));
    expect(apopTimestamp(greeting)).toBe('<1896.697170952@dbc.mtview.ca.us>');
    expect(apopTimestamp(parseStatusLine(bytes('+OK Dovecot ready.\r\n')))).toBeNull();
  });
});
