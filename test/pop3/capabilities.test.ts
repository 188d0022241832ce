import { describe, expect, it } from 'vitest';
import { parseCapabilities } from '../../shared/pop3/index.ts';

describe('CAPA', () => {
  it('reads every capability Popbridge uses into typed fields', () => {
    const capabilities = parseCapabilities([
      'TOP', 'UIDL', 'USER', 'PIPELINING', 'RESP-CODES', 'AUTH-RESP-CODE', 'STLS', 'UTF8 USER',
      'SASL plain LOGIN\tCRAM-MD5', 'EXPIRE 0', 'LOGIN-DELAY 900 USER', 'IMPLEMENTATION Shlemazle Plus 1.0',
    ]);
    expect(capabilities).toMatchObject({
      known: true, top: true, uidl: true, user: true, pipelining: true, respCodes: true, authRespCode: true,
      stls: true, utf8: true, sasl: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
      expire: { days: 0, perUser: false },
      loginDelay: { seconds: 900, perUser: true },
      implementation: 'Shlemazle Plus 1.0',
    });
  });

  it('reads EXPIRE NEVER and is case-insensitive', () => {
    const capabilities = parseCapabilities(['expire never', 'top']);
    expect(capabilities.expire).toEqual({ days: 'NEVER', perUser: false });
    expect(capabilities.top).toBe(true);
    expect(capabilities.uidl).toBe(false);
  });

  it('leaves what is not listed off', () => {
    const capabilities = parseCapabilities([]);
    expect(capabilities).toMatchObject({ known: true, top: false, pipelining: false, sasl: [], expire: null, loginDelay: null });
  });
});
