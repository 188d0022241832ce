import { describe, expect, it } from 'vitest';
import { errorForReply, parseStatusLine } from '../../shared/pop3/index.ts';
import { bytes } from './helpers.ts';

const reply = (line: string) => parseStatusLine(bytes(line + '\r\n'));

describe('typed errors from -ERR replies', () => {
  it('[IN-USE], [LOGIN-DELAY] and [SYS/TEMP] on PASS are not a wrong password', () => {
    expect(errorForReply({ name: 'PASS', password: 'p' }, reply('-ERR [IN-USE] locked')).code).toBe('MAILDROP_IN_USE');
    expect(errorForReply({ name: 'PASS', password: 'p' }, reply('-ERR [LOGIN-DELAY] wait')).code).toBe('LOGIN_DELAY');
    expect(errorForReply({ name: 'PASS', password: 'p' }, reply('-ERR [SYS/TEMP] db down')).code).toBe('TEMPORARY');
    expect(errorForReply({ name: 'AUTH', mechanism: 'PLAIN' }, reply('-ERR [SYS/PERM] disabled')).code).toBe('PERMANENT');
    expect(errorForReply({ name: 'AUTH', mechanism: 'PLAIN' }, reply('-ERR [IN-USE] locked')).code).toBe('MAILDROP_IN_USE');
  });

  it('[AUTH] or a plain -ERR on sign-in is a wrong password; "locked" without a code is in use', () => {
    expect(errorForReply({ name: 'PASS', password: 'p' }, reply('-ERR [AUTH] Authentication failed.')).code).toBe('AUTH_FAILED');
    expect(errorForReply({ name: 'PASS', password: 'p' }, reply('-ERR invalid password')).code).toBe('AUTH_FAILED');
    expect(errorForReply({ name: 'PASS', password: 'p' }, reply('-ERR maildrop already locked')).code).toBe('MAILDROP_IN_USE');
  });

  it('other commands fail with COMMAND_FAILED and keep the server text', () => {
    const error = errorForReply({ name: 'DELE', msg: 4 }, reply('-ERR message 4 already deleted'));
    expect(error.code).toBe('COMMAND_FAILED');
    expect(error.serverText).toBe('message 4 already deleted');
    expect(error.message).toContain('message 4 already deleted');
  });

  it('an unknown response code falls back on its parent (RFC 2449 hierarchy)', () => {
    expect(errorForReply({ name: 'PASS', password: 'p' }, reply('-ERR [SYS/TEMP/DB] later')).code).toBe('TEMPORARY');
  });
});
