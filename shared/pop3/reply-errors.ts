import type { Command } from './commands.ts';
import { Pop3RemoteError } from './errors.ts';
import type { Pop3RemoteErrorCode } from './errors.ts';
import type { StatusReply } from './status.ts';

/** RFC 2449 section 8 and RFC 3206 response codes that change what a -ERR means. */
const CODE_FOR_RESPONSE: Readonly<Record<string, Pop3RemoteErrorCode>> = {
  'IN-USE': 'MAILDROP_IN_USE',
  'LOGIN-DELAY': 'LOGIN_DELAY',
  'SYS/TEMP': 'TEMPORARY',
  'SYS/PERM': 'PERMANENT',
  AUTH: 'AUTH_FAILED',
};

const SIGN_IN_COMMANDS = new Set(['USER', 'PASS', 'APOP', 'AUTH']);

/** The code itself or its nearest known parent: "SYS/TEMP/DB" is a "SYS/TEMP". */
function known(code: string | null): Pop3RemoteErrorCode | undefined {
  const parts = code === null ? [] : code.split('/');
  for (let length = parts.length; length > 0; length--) {
    const found = CODE_FOR_RESPONSE[parts.slice(0, length).join('/')];
    if (found) return found;
  }
  return undefined;
}

/**
 * The typed error for a -ERR reply the client cannot accept. On sign-in, only
 * a reply that does not say otherwise counts as a wrong password: [IN-USE],
 * [LOGIN-DELAY] and [SYS/TEMP] mean the password was fine, and saying
 * otherwise makes people retype good passwords. Servers without RESP-CODES
 * often say "locked". The server's text travels as a fact, not in a sentence.
 */
export function errorForReply(command: Command, reply: StatusReply): Pop3RemoteError {
  const serverText = reply.fullText;
  let code = known(reply.code);
  if (code === undefined && SIGN_IN_COMMANDS.has(command.name)) {
    code = /\b(locked|lock|in use|busy)\b/i.test(reply.text) ? 'MAILDROP_IN_USE' : 'AUTH_FAILED';
  }
  code ??= 'COMMAND_FAILED';
  return new Pop3RemoteError(code, `${command.name} refused: ${serverText}`, { serverText });
}

/** A -ERR greeting: the server will not serve this connection. */
export function errorForGreeting(reply: StatusReply): Pop3RemoteError {
  const code = known(reply.code) ?? 'TEMPORARY';
  return new Pop3RemoteError(code, `greeting refused: ${reply.fullText}`, { serverText: reply.fullText });
}
