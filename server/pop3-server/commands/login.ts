// RFC 1939 §7 USER/PASS and APOP, and the login step every mechanism ends in.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_AUTH_FAILURES } from '../limits.ts';
import type { Session } from '../session.ts';
import type { Handler } from '../types.ts';

/** Compares secrets without leaking, through timing, how much matched. */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function hmacMd5Hex(key: string, text: string): string {
  return createHmac('md5', key).update(text, 'latin1').digest('hex');
}

/** Replies to a login whose credentials were right (or refuses it). */
export async function completeLogin(session: Session, username: string): Promise<void> {
  const refusal = session.authorize(username);
  if (refusal !== undefined) return session.reply(refusal);
  const count = session.messages.length;
  const octets = session.messages.reduce((sum, message) => sum + message.size, 0);
  await session.reply(`+OK Logged in, ${count} messages (${octets} octets)`);
}

/** RFC 2449 [AUTH]: the credentials were wrong. Repeated guessing hangs up. */
export async function failLogin(session: Session): Promise<void> {
  session.pendingUser = undefined;
  session.authFailures += 1;
  await session.reply('-ERR [AUTH] Invalid username or password');
  if (session.authFailures >= MAX_AUTH_FAILURES) session.end();
}

export const USER: Handler = async (session, args) => {
  if (args === '' || args.includes(' ')) return session.reply('-ERR Usage: USER name');
  // +OK for unknown names too, so USER does not reveal which accounts exist.
  session.pendingUser = args;
  await session.reply('+OK Send PASS');
};

export const PASS: Handler = async (session, args) => {
  const username = session.pendingUser;
  if (username === undefined) return session.reply('-ERR Send USER first');
  // RFC 1939 §7: PASS has one argument, so spaces belong to the password.
  if (!session.server.checkPassword(username, args)) return failLogin(session);
  await completeLogin(session, username);
};

export const APOP: Handler = async (session, args) => {
  if (session.timestamp === undefined) return session.reply('-ERR APOP is not offered by this server');
  const parts = args.split(' ');
  if (parts.length !== 2 || !/^[0-9a-fA-F]{32}$/.test(parts[1]!)) return session.reply('-ERR Usage: APOP name digest');
  const [username, digest] = parts as [string, string];
  const password = session.server.password(username);
  const expected = createHash('md5').update(session.timestamp + (password ?? ''), 'utf8').digest('hex');
  if (password === undefined || !secretsEqual(expected, digest.toLowerCase())) return failLogin(session);
  await completeLogin(session, username);
};
