// How replies are framed on the wire: status lines through the variation's
// status hook, RFC 1939 §3 multi-line replies byte-stuffed and terminated,
// RFC 5034 §4 SASL continuations. Every byte goes out through session.write.

import { WRITE_BATCH_OCTETS } from './limits.ts';
import type { Session } from './session.ts';
import { dotStuffed, TERMINATOR } from './wire.ts';

function status(session: Session, line: string): string {
  const hook = session.server.variation.status;
  return hook && /^(\+OK|-ERR)/.test(line) ? hook(line) : line;
}

export async function reply(session: Session, line: string): Promise<void> {
  await session.write(Buffer.from(`${status(session, line)}\r\n`, 'latin1'));
}

export async function replyLines(session: Session, statusLine: string, lines: readonly string[]): Promise<void> {
  await replyData(session, statusLine, Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1'));
}

/** Written in batches that wait for the socket to drain, so a large RETR is never one buffer. */
export async function replyData(session: Session, statusLine: string, body: Buffer): Promise<void> {
  let batch: Buffer[] = [Buffer.from(`${status(session, statusLine)}\r\n`, 'latin1')];
  let size = batch[0]!.length;
  for (const piece of dotStuffed(body)) {
    batch.push(piece);
    size += piece.length;
    if (size >= WRITE_BATCH_OCTETS) {
      await session.write(Buffer.concat(batch, size));
      if (session.closed) return;
      batch = [];
      size = 0;
    }
  }
  batch.push(TERMINATOR);
  await session.write(Buffer.concat(batch, size + TERMINATOR.length));
}

export async function continuation(session: Session, base64: string): Promise<void> {
  await session.write(Buffer.from(`+ ${base64}\r\n`, 'latin1'));
}

export function scanLine(session: Session, fields: readonly (string | number)[]): string {
  return session.server.variation.scanLine?.(fields) ?? fields.join(' ');
}
