// RFC 1939 §5 TRANSACTION commands and §6 QUIT. Message numbers count from 1
// in the session's snapshot; a number marked deleted stays taken until QUIT
// or RSET, so numbers never shift within a session.

import type { StoredMessage } from '../maildrop.ts';
import type { Session } from '../session.ts';
import type { Handler } from '../types.ts';
import { topOf } from '../wire.ts';

const NUMBER = /^[1-9][0-9]{0,9}$/;

/** The message named by `arg`, or the -ERR line to send. */
export function pickMessage(session: Session, arg: string): { number: number; message: StoredMessage } | string {
  if (!NUMBER.test(arg)) return '-ERR Invalid message number';
  const number = Number(arg);
  const message = session.messages[number - 1];
  if (!message) return `-ERR No such message, only ${session.messages.length} in maildrop`;
  if (session.deleted.has(number)) return `-ERR Message ${number} already deleted`;
  return { number, message };
}

function live(session: Session): Array<{ number: number; message: StoredMessage }> {
  const result: Array<{ number: number; message: StoredMessage }> = [];
  session.messages.forEach((message, index) => {
    if (!session.deleted.has(index + 1)) result.push({ number: index + 1, message });
  });
  return result;
}

function totals(session: Session): { count: number; octets: number } {
  const messages = live(session);
  return { count: messages.length, octets: messages.reduce((sum, { message }) => sum + message.size, 0) };
}

/** Arguments are separated by a single space (RFC 1939 §3). */
function splitArgs(args: string): string[] {
  return args === '' ? [] : args.split(' ');
}

const noArguments = (verb: string) => `-ERR ${verb} takes no arguments`;

export const STAT: Handler = async (session, args) => {
  if (args !== '') return session.reply(noArguments('STAT'));
  const { count, octets } = totals(session);
  await session.reply(`+OK ${session.scanLine([count, octets])}`);
};

export const LIST: Handler = async (session, args) => {
  const parts = splitArgs(args);
  if (parts.length > 1) return session.reply('-ERR LIST takes at most one argument');
  if (parts.length === 1) {
    const picked = pickMessage(session, parts[0]!);
    if (typeof picked === 'string') return session.reply(picked);
    return session.reply(`+OK ${session.scanLine([picked.number, picked.message.size])}`);
  }
  const { count, octets } = totals(session);
  await session.replyLines(
    `+OK ${count} messages (${octets} octets)`,
    live(session).map(({ number, message }) => session.scanLine([number, message.size])),
  );
};

export const UIDL: Handler = async (session, args) => {
  const parts = splitArgs(args);
  if (parts.length > 1) return session.reply('-ERR UIDL takes at most one argument');
  if (parts.length === 1) {
    const picked = pickMessage(session, parts[0]!);
    if (typeof picked === 'string') return session.reply(picked);
    return session.reply(`+OK ${session.scanLine([picked.number, picked.message.uid])}`);
  }
  await session.replyLines(
    '+OK Unique-id listing follows',
    live(session).map(({ number, message }) => session.scanLine([number, message.uid])),
  );
};

export const RETR: Handler = async (session, args) => {
  const picked = pickMessage(session, args);
  if (typeof picked === 'string') return session.reply(picked);
  await session.replyData(`+OK ${picked.message.size} octets`, picked.message.bytes);
};

export const TOP: Handler = async (session, args) => {
  const parts = splitArgs(args);
  if (parts.length !== 2 || !/^[0-9]{1,10}$/.test(parts[1]!)) {
    return session.reply('-ERR Usage: TOP message-number lines');
  }
  const picked = pickMessage(session, parts[0]!);
  if (typeof picked === 'string') return session.reply(picked);
  await session.replyData('+OK Top of message follows', topOf(picked.message.bytes, Number(parts[1])));
};

export const DELE: Handler = async (session, args) => {
  const picked = pickMessage(session, args);
  if (typeof picked === 'string') return session.reply(picked);
  session.deleted.add(picked.number);
  await session.reply(`+OK Message ${picked.number} deleted`);
};

export const NOOP: Handler = async (session, args) => {
  await session.reply(args === '' ? '+OK' : noArguments('NOOP'));
};

export const RSET: Handler = async (session, args) => {
  if (args !== '') return session.reply(noArguments('RSET'));
  session.deleted.clear();
  const { count, octets } = totals(session);
  await session.reply(`+OK Maildrop has ${count} messages (${octets} octets)`);
};

export const QUIT: Handler = async (session, args) => {
  if (args !== '') return session.reply(noArguments('QUIT'));
  if (session.state !== 'TRANSACTION') {
    await session.reply('+OK Popbridge POP3 server signing off');
    return session.end();
  }
  const removed = session.deleted.size;
  const ok = await session.update();
  await session.reply(ok
    ? `+OK Popbridge POP3 server signing off (${removed} messages deleted)`
    : '-ERR [SYS/TEMP] Some deleted messages were not removed');
  session.end();
};
