import type { Command } from './commands.ts';
import { Pop3Error } from './errors.ts';
import type { Pop3ErrorCode } from './errors.ts';
import type { StatusReply } from './status.ts';

/** RFC 2449 section 8 and RFC 3206 response codes that change what a -ERR means. */
const CODE_FOR_RESPONSE: Readonly<Record<string, Pop3ErrorCode>> = {
  'IN-USE': 'MAILDROP_IN_USE',
  'LOGIN-DELAY': 'LOGIN_DELAY',
  'SYS/TEMP': 'TEMPORARY',
  'SYS/PERM': 'PERMANENT',
  AUTH: 'AUTH_FAILED',
};

const SIGN_IN_COMMANDS = new Set(['USER', 'PASS', 'APOP', 'AUTH']);

/** The code itself or its nearest known parent: "SYS/TEMP/DB" is a "SYS/TEMP". */
function known(code: string | null): Pop3ErrorCode | undefined {
  const parts = code === null ? [] : code.split('/');
  for (let length = parts.length; length > 0; length--) {
    const found = CODE_FOR_RESPONSE[parts.slice(0, length).join('/')];
    if (found) return found;
  }
  return undefined;
}

/**
 * The typed error for a -ERR reply. On sign-in, only a reply that does not
 * say otherwise counts as a wrong password: [IN-USE], [LOGIN-DELAY] and
 * [SYS/TEMP] mean the password was fine, and saying otherwise makes people
 * retype good passwords. Servers without RESP-CODES often say "locked".
 */
export function errorForReply(command: Command, reply: StatusReply): Pop3Error {
  const serverText = reply.fullText;
  let code = known(reply.code);
  if (code === undefined && SIGN_IN_COMMANDS.has(command.name)) {
    code = /\b(locked|lock|in use|busy)\b/i.test(reply.text) ? 'MAILDROP_IN_USE' : 'AUTH_FAILED';
  }
  code ??= 'COMMAND_FAILED';
  return new Pop3Error(code, messageFor(code, command, serverText), { serverText });
}

export function errorForGreeting(reply: StatusReply): Pop3Error {
  const code = known(reply.code) ?? 'TEMPORARY';
  return new Pop3Error(code, `The server refused the connection: ${reply.fullText || 'no reason given'}`, {
    serverText: reply.fullText,
  });
}

function messageFor(code: Pop3ErrorCode, command: Command, serverText: string): string {
  const said = serverText ? ` (server said: ${serverText})` : '';
  switch (code) {
    case 'AUTH_FAILED': return `The server did not accept the user name or password${said}`;
    case 'MAILDROP_IN_USE': return `The mailbox is in use by another mail client; try again in a minute${said}`;
    case 'LOGIN_DELAY': return `The server asks to wait before signing in again${said}`;
    case 'TEMPORARY': return `The server reported a temporary problem; try again later${said}`;
    case 'PERMANENT': return `The server reported a permanent problem${said}`;
    default: return `The server refused ${command.name}${said}`;
  }
}
