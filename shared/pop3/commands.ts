import { Pop3LocalError } from './errors.ts';
import { encodeText } from './bytes.ts';

/**
 * One SASL response (RFC 5034): base64, or "*" to cancel. `final` says the
 * mechanism has nothing more to send, so a "+" line after it is the server's
 * verdict (V0001: "+" alone is positive), not another challenge.
 */
export interface SaslResponse {
  data: string;
  final: boolean;
}

export type Command =
  | { name: 'USER'; username: string }
  | { name: 'PASS'; password: string }
  | { name: 'APOP'; username: string; digest: string }
  | { name: 'AUTH'; mechanism: string; initialResponse?: SaslResponse }
  | { name: 'STLS' }
  | { name: 'CAPA' }
  | { name: 'STAT' }
  | { name: 'LIST'; msg?: number }
  | { name: 'UIDL'; msg?: number }
  | { name: 'RETR'; msg: number }
  | { name: 'TOP'; msg: number; lines: number }
  | { name: 'DELE'; msg: number }
  | { name: 'NOOP' }
  | { name: 'RSET' }
  | { name: 'QUIT' };

export type CommandName = Command['name'];

/**
 * How a reply is framed is decided by the command that asked for it, never
 * by the reply's content: a mail line may well begin with "+OK" or "-ERR".
 * - single: one status line
 * - listing: status line, then lines up to a line beginning with "." (V0002:
 *   for LIST, UIDL and CAPA the terminator is found by its first octet alone)
 * - message: status line, then dot-stuffed data up to "." CRLF, streamed
 * - sasl: "+ challenge" continuations until a final status line (RFC 5034)
 */
export type ReplyShape = 'single' | 'listing' | 'message' | 'sasl';

interface CommandRule {
  /** Must be alone on the wire: sent only when nothing is outstanding, and nothing follows it until it is answered. */
  exclusive: boolean;
  shape: (command: Command) => ReplyShape;
}

const single = (): ReplyShape => 'single';
const listingWithoutArgument = (command: Command): ReplyShape =>
  'msg' in command && command.msg !== undefined ? 'single' : 'listing';

/** How each command travels and how its reply is read; which state allows it is in state.ts. */
export const COMMAND_RULES: Readonly<Record<CommandName, CommandRule>> = {
  USER: { exclusive: true, shape: single },
  PASS: { exclusive: true, shape: single },
  APOP: { exclusive: true, shape: single },
  AUTH: { exclusive: true, shape: () => 'sasl' },
  STLS: { exclusive: true, shape: single },
  CAPA: { exclusive: false, shape: () => 'listing' },
  STAT: { exclusive: false, shape: single },
  LIST: { exclusive: false, shape: listingWithoutArgument },
  UIDL: { exclusive: false, shape: listingWithoutArgument },
  RETR: { exclusive: false, shape: () => 'message' },
  TOP: { exclusive: false, shape: () => 'message' },
  DELE: { exclusive: false, shape: single },
  NOOP: { exclusive: false, shape: single },
  RSET: { exclusive: false, shape: single },
  // QUIT waits for every earlier reply: over POP3S a server was seen dropping
  // the tail of a large RETR when QUIT followed it unanswered.
  QUIT: { exclusive: true, shape: single },
};

/** RFC 2449: a command line is at most 255 octets with its CRLF. */
export const MAX_COMMAND_LENGTH = 255;
/** SASL responses (RFC 5034) may be longer than a command; this still bounds them. */
export const MAX_SASL_LINE_LENGTH = 8192;

function fail(message: string): never {
  throw new Pop3LocalError('INVALID_ARGUMENT', message);
}

/** Refuses CR, LF and NUL anywhere, so no argument can smuggle in a second command. */
function rejectLineBreaks(value: string, what: string): void {
  if (/[\r\n\0]/.test(value)) fail(`The ${what} contains a line break or NUL and was not sent`);
}

/** A keyword argument: printable ASCII without spaces (C0003, C0004). */
function token(value: string, what: string): string {
  rejectLineBreaks(value, what);
  if (value.length === 0) fail(`The ${what} is empty`);
  if (!/^[\x21-\x7e]+$/.test(value)) fail(`The ${what} must be printable ASCII without spaces`);
  return value;
}

/**
 * A user name or password: no control characters; other Unicode is sent as
 * UTF-8 (RFC 6856), since servers compare octets. A user name has no spaces;
 * a password may (RFC 1939 PASS: the argument is the rest of the line).
 */
function credential(value: string, what: string, allowSpace: boolean): string {
  rejectLineBreaks(value, what);
  if (value.length === 0) fail(`The ${what} is empty`);
  if (/[\x00-\x1f\x7f]/.test(value)) fail(`The ${what} contains a control character`);
  if (!allowSpace && /\s/.test(value)) fail(`The ${what} contains a space`);
  return value;
}

function number(value: number, what: string, min: number): string {
  if (!Number.isSafeInteger(value) || value < min) fail(`The ${what} must be a whole number of at least ${min}`);
  return String(value);
}

function words(command: Command): string[] {
  switch (command.name) {
    case 'USER': return [credential(command.username, 'user name', false)];
    case 'PASS': return [credential(command.password, 'password', true)];
    case 'APOP': return [credential(command.username, 'user name', false), token(command.digest, 'APOP digest')];
    case 'AUTH': {
      const args = [token(command.mechanism, 'SASL mechanism')];
      if (command.initialResponse !== undefined) {
        // RFC 5034: an empty initial response is sent as "=".
        const { data } = command.initialResponse;
        args.push(data === '' ? '=' : token(data, 'SASL initial response'));
      }
      return args;
    }
    case 'LIST':
    case 'UIDL':
      return command.msg === undefined ? [] : [number(command.msg, 'message number', 1)];
    case 'RETR':
    case 'DELE':
      return [number(command.msg, 'message number', 1)];
    case 'TOP':
      return [number(command.msg, 'message number', 1), number(command.lines, 'line count', 0)];
    // C0012, C0015, C0027, C0030: QUIT, STAT, NOOP (and RSET, CAPA, STLS) take no argument.
    default:
      return [];
  }
}

/** The command's octets: keyword and arguments separated by single spaces, CRLF-terminated (C0003, C0004). */
export function encodeCommand(command: Command): Uint8Array {
  const line = [command.name, ...words(command)].join(' ') + '\r\n';
  const bytes = encodeText(line);
  // RFC 2449 bounds every command, PASS and AUTH included (RFC 5034 section 4:
  // an initial response that does not fit waits for the first continuation).
  if (bytes.length > MAX_COMMAND_LENGTH) {
    fail(command.name === 'PASS'
      ? `The password is too long for POP3 (a command line is at most ${MAX_COMMAND_LENGTH} octets)`
      : `The ${command.name} command is longer than ${MAX_COMMAND_LENGTH} octets`);
  }
  return bytes;
}

/** A SASL continuation answer (base64, or "*" to cancel), RFC 5034. */
export function encodeSaslResponse(data: string): Uint8Array {
  if (data !== '*' && data !== '' && !/^[A-Za-z0-9+/]+=*$/.test(data)) {
    fail('A SASL response must be base64');
  }
  const bytes = encodeText(data + '\r\n');
  if (bytes.length > MAX_SASL_LINE_LENGTH) fail('The SASL response is too long');
  return bytes;
}

/** For logs and transcripts: the command with its secrets masked. */
export function describeCommand(command: Command): string {
  switch (command.name) {
    case 'PASS': return 'PASS ***';
    case 'APOP': return `APOP ${command.username} ***`;
    case 'AUTH': return command.initialResponse === undefined ? `AUTH ${command.mechanism}` : `AUTH ${command.mechanism} ***`;
    default: return [command.name, ...words(command)].join(' ');
  }
}
