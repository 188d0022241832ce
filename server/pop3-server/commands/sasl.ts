// RFC 5034 AUTH with SASL PLAIN (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195),
// including the initial response on the AUTH line ("=" for an empty one).

import { randomBytes } from 'node:crypto';
import type { Session } from '../session.ts';
import type { Handler } from '../types.ts';
import { completeLogin, failLogin, hmacMd5Hex, secretsEqual } from './login.ts';

export const SASL_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;
type Mechanism = (typeof SASL_MECHANISMS)[number];

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type Step = { ok: true; text: string } | { ok: false; line: string };

function decode(response: string): Step {
  if (response === '*') return { ok: false, line: '-ERR Authentication cancelled' };
  if (!BASE64.test(response)) return { ok: false, line: '-ERR Malformed base64 in SASL response' };
  return { ok: true, text: Buffer.from(response, 'base64').toString('utf8') };
}

/** Sends a challenge and decodes the answer; null when the client hung up. */
async function ask(session: Session, challenge: string): Promise<Step | null> {
  await session.continuation(Buffer.from(challenge, 'utf8').toString('base64'));
  const line = await session.readLine();
  return line === null ? null : decode(line);
}

async function first(session: Session, initial: string | undefined, challenge: string): Promise<Step | null> {
  if (initial === undefined) return ask(session, challenge);
  return initial === '=' ? { ok: true, text: '' } : decode(initial);
}

type Result = { username: string } | { refused: string } | 'failed' | null;

const MECHANISMS: Record<Mechanism, (session: Session, initial: string | undefined) => Promise<Result>> = {
  async PLAIN(session, initial) {
    const step = await first(session, initial, '');
    if (step === null) return null;
    if (!step.ok) return { refused: step.line };
    const parts = step.text.split('\0');
    if (parts.length !== 3) return { refused: '-ERR Malformed PLAIN response' };
    const [authzid, authcid, password] = parts as [string, string, string];
    if (authzid !== '' && authzid !== authcid) return 'failed';
    return session.server.checkPassword(authcid, password) ? { username: authcid } : 'failed';
  },

  async LOGIN(session, initial) {
    const user = await first(session, initial, 'Username:');
    if (user === null) return null;
    if (!user.ok) return { refused: user.line };
    const pass = await ask(session, 'Password:');
    if (pass === null) return null;
    if (!pass.ok) return { refused: pass.line };
    return session.server.checkPassword(user.text, pass.text) ? { username: user.text } : 'failed';
  },

  async 'CRAM-MD5'(session, initial) {
    if (initial !== undefined) return { refused: '-ERR CRAM-MD5 takes no initial response' };
    const challenge = `<${randomBytes(8).toString('hex')}.${Date.now()}@popbridge.localhost>`;
    const step = await ask(session, challenge);
    if (step === null) return null;
    if (!step.ok) return { refused: step.line };
    const space = step.text.lastIndexOf(' ');
    if (space <= 0) return { refused: '-ERR Malformed CRAM-MD5 response' };
    const username = step.text.slice(0, space);
    const password = session.server.password(username);
    const expected = hmacMd5Hex(password ?? '', challenge);
    const given = step.text.slice(space + 1).toLowerCase();
    return password !== undefined && secretsEqual(expected, given) ? { username } : 'failed';
  },
};

function isMechanism(name: string): name is Mechanism {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

export const AUTH: Handler = async (session, args) => {
  const parts = args.split(' ');
  const name = parts[0]!.toUpperCase();
  if (name === '') return session.reply('-ERR AUTH needs a mechanism; CAPA lists them under SASL');
  if (parts.length > 2) return session.reply('-ERR Usage: AUTH mechanism [initial-response]');
  if (!isMechanism(name)) return session.reply(`-ERR Unsupported SASL mechanism ${name}`);
  const result = await MECHANISMS[name](session, parts[1]);
  if (result === null) return;
  if (result === 'failed') return failLogin(session);
  if ('refused' in result) return session.reply(result.refused);
  await completeLogin(session, result.username);
};
