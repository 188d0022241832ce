import { describe, expect, it } from 'vitest';
import { apopDigest, chooseMechanism, cramMd5Response, mechanismsFor } from '../../server/pop3-client/mechanisms.ts';
import { UNKNOWN_CAPABILITIES, parseCapabilities, parseStatusLine } from '../../shared/pop3/index.ts';

const greeting = (text: string) => parseStatusLine(new TextEncoder().encode(`+OK ${text}\r\n`));
const plainGreeting = greeting('ready');
const apopGreeting = greeting('ready <1896.697170952@dbc.mtview.ca.us>');

describe('choosing a sign-in mechanism', () => {
  it('over TLS prefers SASL PLAIN, then LOGIN, then USER', () => {
    expect(mechanismsFor(parseCapabilities(['SASL PLAIN LOGIN CRAM-MD5', 'USER']), apopGreeting, true, false))
      .toEqual(['SASL PLAIN', 'SASL LOGIN', 'USER', 'SASL CRAM-MD5', 'APOP']);
  });

  it('over clear text never offers a mechanism that sends the password, unless the server is configured plain', () => {
    const capabilities = parseCapabilities(['SASL PLAIN CRAM-MD5', 'USER']);
    expect(mechanismsFor(capabilities, apopGreeting, false, false)).toEqual(['SASL CRAM-MD5', 'APOP']);
    expect(mechanismsFor(capabilities, plainGreeting, false, true)).toEqual(['SASL CRAM-MD5', 'SASL PLAIN', 'USER']);
    expect(() => chooseMechanism(parseCapabilities(['USER']), plainGreeting, false, false)).toThrow(/clear text/);
  });

  it('does not try USER when the server lists SASL without USER; does when it lists nothing or has no CAPA', () => {
    expect(mechanismsFor(parseCapabilities(['SASL PLAIN']), plainGreeting, true, false)).toEqual(['SASL PLAIN']);
    expect(mechanismsFor(parseCapabilities(['TOP']), plainGreeting, true, false)).toEqual(['USER']);
    expect(mechanismsFor(UNKNOWN_CAPABILITIES, apopGreeting, true, false)).toEqual(['USER', 'APOP']);
  });

  it('computes the RFC 1939 APOP digest and the RFC 2195 CRAM-MD5 response', () => {
    // The examples of RFC 1939 section 7 and RFC 2195 section 2.
    expect(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf')).toBe('c4c9334bac560ecc979e58001b3e22fb');
    const challenge = Buffer.from('<1896.697170952@postoffice.reston.mci.net>').toString('base64');
    expect(Buffer.from(cramMd5Response({ username: 'tim', password: 'tanstaaftanstaaf' }, challenge), 'base64').toString())
      .toBe('tim b913a602c7eda7a495b4e6e7334d3890');
  });

  it('takes the last timestamp of a greeting as the APOP one', () => {
    expect(mechanismsFor(UNKNOWN_CAPABILITIES, greeting('mail for <postmaster@example.org> <12.34@host>'), true, false)).toContain('APOP');
  });
});
