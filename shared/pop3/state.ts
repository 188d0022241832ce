/**
 * How the protocol core works (sans-I/O, after h11). Pop3Protocol never
 * touches a socket or a clock; the transport around it does:
 *
 *   bytes in      receiveData(chunk), and receiveEof() when the input ends
 *   events out    takeEvents(): greeting, status, data, end, continuation, error
 *   commands in   enqueue(command), sendSaslResponse(response)
 *   bytes out     dataToSend()
 *
 * Replies are matched to commands in order (RFC 2449 PIPELINING), and each
 * reply is framed by the command it answers (see ReplyShape in commands.ts).
 *
 * This file holds the session state and every change of it (RFC 1939
 * section 3), so the rest of the core only reports what happened:
 *
 *   GREETING --+OK greeting--> AUTHORIZATION --+OK to PASS/APOP/AUTH--> TRANSACTION
 *   AUTHORIZATION --QUIT's reply--> CLOSED
 *   TRANSACTION --QUIT sent--> UPDATE --QUIT's reply--> CLOSED   (deletions are committed here)
 *   GREETING --(-ERR greeting)--> CLOSED
 *   any open state --input ends with no reply owed--> CLOSED
 *   any open state --server breaks the protocol, or input ends while a reply is owed--> ERROR
 *
 * CLOSED and ERROR are final. A command is refused locally (BAD_STATE) in a
 * state that does not allow it, and after QUIT has been queued.
 */
import type { CommandName } from './commands.ts';
import { Pop3LocalError } from './errors.ts';

export type SessionState = 'GREETING' | 'AUTHORIZATION' | 'TRANSACTION' | 'UPDATE' | 'CLOSED' | 'ERROR';

type OpenState = 'AUTHORIZATION' | 'TRANSACTION';

/** Which command may be queued in which state. Commands queued before the greeting count as AUTHORIZATION. */
const ALLOWED_IN: Readonly<Record<CommandName, readonly OpenState[]>> = {
  USER: ['AUTHORIZATION'],
  PASS: ['AUTHORIZATION'],
  APOP: ['AUTHORIZATION'],
  AUTH: ['AUTHORIZATION'],
  STLS: ['AUTHORIZATION'],
  CAPA: ['AUTHORIZATION', 'TRANSACTION'],
  STAT: ['TRANSACTION'],
  LIST: ['TRANSACTION'],
  UIDL: ['TRANSACTION'],
  RETR: ['TRANSACTION'],
  TOP: ['TRANSACTION'],
  DELE: ['TRANSACTION'],
  NOOP: ['TRANSACTION'],
  RSET: ['TRANSACTION'],
  QUIT: ['AUTHORIZATION', 'TRANSACTION'],
};

/** Commands whose +OK means the maildrop is open (RFC 1939 section 7, RFC 5034). */
const SIGN_IN: ReadonlySet<CommandName> = new Set(['PASS', 'APOP', 'AUTH']);

export class SessionMachine {
  private current: SessionState = 'GREETING';
  private quitQueued = false;

  get state(): SessionState {
    return this.current;
  }

  /** CLOSED or ERROR: nothing more is read or written. */
  get finished(): boolean {
    return this.current === 'CLOSED' || this.current === 'ERROR';
  }

  /** Bytes may leave only once the greeting has arrived and until the session is over. */
  get canSend(): boolean {
    return this.current !== 'GREETING' && !this.finished;
  }

  /** Throws BAD_STATE when the command may not be queued now. */
  check(name: CommandName): void {
    if (this.finished || this.quitQueued) {
      throw new Pop3LocalError('BAD_STATE', `${name} cannot be sent: the session is ending`);
    }
    const state = this.current === 'GREETING' ? 'AUTHORIZATION' : this.current;
    if ((state !== 'AUTHORIZATION' && state !== 'TRANSACTION') || !ALLOWED_IN[name].includes(state)) {
      throw new Pop3LocalError('BAD_STATE', `${name} is not allowed in the ${state} state`);
    }
  }

  /** The command was queued. */
  queued(name: CommandName): void {
    if (name !== 'QUIT') return;
    this.quitQueued = true;
    // RFC 1939 section 6: QUIT from TRANSACTION enters UPDATE, where deletions are committed.
    if (this.current === 'TRANSACTION') this.current = 'UPDATE';
  }

  greeted(ok: boolean): void {
    if (this.current !== 'GREETING') return;
    this.current = ok ? 'AUTHORIZATION' : 'CLOSED';
  }

  /** The final reply to a command arrived. */
  answered(name: CommandName, ok: boolean): void {
    if (this.finished) return;
    if (name === 'QUIT') this.current = 'CLOSED';
    else if (ok && SIGN_IN.has(name) && this.current === 'AUTHORIZATION') this.current = 'TRANSACTION';
  }

  /** The input ended. Returns false when a reply was still owed: the session broke. */
  ended(replyOwed: boolean): boolean {
    if (this.finished) return true;
    const clean = !replyOwed && this.current !== 'GREETING';
    this.current = clean ? 'CLOSED' : 'ERROR';
    return clean;
  }

  /** The server broke the protocol. */
  broken(): void {
    this.current = 'ERROR';
  }
}
