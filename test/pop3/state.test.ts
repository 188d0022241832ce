import { describe, expect, it } from 'vitest';
import { Pop3LocalError, SessionMachine } from '../../shared/pop3/index.ts';
import type { CommandName } from '../../shared/pop3/index.ts';

function refused(machine: SessionMachine, name: CommandName): string {
  try {
    machine.check(name);
  } catch (error) {
    expect(error).toBeInstanceOf(Pop3LocalError);
    return (error as Pop3LocalError).code;
  }
  return 'accepted';
}

function signedIn(): SessionMachine {
  const machine = new SessionMachine();
  machine.greeted(true);
  machine.queued('PASS');
  machine.answered('PASS', true);
  return machine;
}

describe('the session states (RFC 1939 section 3), every transition', () => {
  it('GREETING: +OK enters AUTHORIZATION, -ERR closes; commands may be queued but nothing is sent yet (C0002)', () => {
    const ok = new SessionMachine();
    expect([ok.state, ok.canSend, refused(ok, 'USER'), refused(ok, 'STAT')]).toEqual(['GREETING', false, 'accepted', 'BAD_STATE']);
    ok.greeted(true);
    expect([ok.state, ok.canSend]).toEqual(['AUTHORIZATION', true]);
    const refusedGreeting = new SessionMachine();
    refusedGreeting.greeted(false);
    expect([refusedGreeting.state, refusedGreeting.finished]).toEqual(['CLOSED', true]);
  });

  it('AUTHORIZATION: a -ERR to PASS stays, a +OK to PASS, APOP or AUTH enters TRANSACTION, a +OK to USER does not', () => {
    for (const name of ['PASS', 'APOP', 'AUTH'] as const) {
      const machine = new SessionMachine();
      machine.greeted(true);
      machine.answered('USER', true);
      expect(machine.state).toBe('AUTHORIZATION');
      machine.answered(name, false);
      expect(machine.state).toBe('AUTHORIZATION');
      machine.answered(name, true);
      expect(machine.state, name).toBe('TRANSACTION');
    }
  });

  it('C0043/C0047: TRANSACTION refuses sign-in commands; AUTHORIZATION refuses mail commands', () => {
    const machine = signedIn();
    for (const name of ['USER', 'PASS', 'APOP', 'AUTH', 'STLS'] as const) expect(refused(machine, name), name).toBe('BAD_STATE');
    for (const name of ['STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'NOOP', 'RSET', 'CAPA', 'QUIT'] as const) {
      expect(refused(machine, name), name).toBe('accepted');
    }
  });

  it('QUIT from TRANSACTION enters UPDATE at once; its reply, +OK or -ERR, ends in CLOSED; nothing is queued after it', () => {
    for (const ok of [true, false]) {
      const machine = signedIn();
      machine.queued('QUIT');
      expect(machine.state).toBe('UPDATE');
      expect(refused(machine, 'NOOP')).toBe('BAD_STATE');
      machine.answered('QUIT', ok);
      expect([machine.state, machine.finished, machine.canSend]).toEqual(['CLOSED', true, false]);
    }
  });

  it('QUIT from AUTHORIZATION closes without UPDATE: nothing can have been marked for deletion', () => {
    const machine = new SessionMachine();
    machine.greeted(true);
    machine.queued('QUIT');
    expect(machine.state).toBe('AUTHORIZATION');
    expect(refused(machine, 'USER')).toBe('BAD_STATE');
    machine.answered('QUIT', true);
    expect(machine.state).toBe('CLOSED');
  });

  it('the input ending with no reply owed is CLOSED; with one owed, or before the greeting, it is ERROR', () => {
    const clean = signedIn();
    expect(clean.ended(false)).toBe(true);
    expect(clean.state).toBe('CLOSED');
    const owed = signedIn();
    expect(owed.ended(true)).toBe(false);
    expect(owed.state).toBe('ERROR');
    const early = new SessionMachine();
    expect(early.ended(false)).toBe(false);
    expect(early.state).toBe('ERROR');
  });

  it('a broken protocol is ERROR from any state; CLOSED and ERROR are final', () => {
    const machine = signedIn();
    machine.broken();
    expect([machine.state, machine.finished, machine.canSend, refused(machine, 'NOOP')]).toEqual(['ERROR', true, false, 'BAD_STATE']);
    machine.greeted(true);
    machine.answered('PASS', true);
    expect(machine.ended(false)).toBe(true);
    expect(machine.state).toBe('ERROR');
  });
});
