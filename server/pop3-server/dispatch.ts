// One command line to its handler: the verb map (server.handlers) under the
// RFC 1939 §3 state table (states.ts). Unknown verbs, over-long lines and
// verbs the state forbids are refused before any handler runs.

import { MAX_BAD_COMMANDS, MAX_COMMAND_LINE_OCTETS } from './limits.ts';
import type { Session } from './session.ts';
import { ALLOWED, isVerb } from './states.ts';

/** Passwords and SASL secrets never reach the transcript. */
function redact(line: string): string {
  const match = /^(pass|apop\s+\S+|auth\s+\S+)\s+\S/i.exec(line);
  return match ? `${match[1]} ***` : line;
}

/** Records the line and runs its command; a muted session records only. */
export async function dispatch(session: Session, raw: Buffer): Promise<void> {
  const line = raw.toString('latin1');
  session.server.transcript.push(redact(line));
  if (session.muted) return;
  if (raw.length + 2 > MAX_COMMAND_LINE_OCTETS) {
    await bad(session, '-ERR Command line too long (RFC 2449: 255 octets at most)');
    return;
  }
  const space = line.indexOf(' ');
  const word = (space === -1 ? line : line.slice(0, space)).toUpperCase();
  const args = space === -1 ? '' : line.slice(space + 1);
  const handler = isVerb(word) ? session.server.handlers[word] : undefined;
  if (!isVerb(word) || !handler) {
    await bad(session, '-ERR Unknown command');
    return;
  }
  if (!ALLOWED[session.state].has(word)) {
    await session.reply(`-ERR ${word} is not allowed in the ${session.state} state`);
    return;
  }
  await handler(session, args);
}

async function bad(session: Session, line: string): Promise<void> {
  session.badCommands += 1;
  if (session.badCommands >= MAX_BAD_COMMANDS) {
    await session.reply('-ERR Too many bad commands; closing');
    session.end();
    return;
  }
  await session.reply(line);
}
