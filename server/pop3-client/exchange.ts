import { concatBytes, errorForReply } from '../../shared/pop3/index.ts';
import type { Command, StatusReply } from '../../shared/pop3/index.ts';
import type { Pop3Transport, ReplyHandler } from './transport.ts';

/** A reply with its multi-line body collected, for replies known to be small. */
export interface Reply {
  status: StatusReply;
  body: Uint8Array | null;
}

/** Sends one command and collects its whole reply; a -ERR is a reply, not a failure. */
export function exchange(connection: Pop3Transport, command: Command): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const parts: Uint8Array[] = [];
    let status: StatusReply;
    const handler: ReplyHandler = {
      status: (reply, final) => {
        status = reply;
        if (final) resolve({ status: reply, body: null });
      },
      data: (chunk) => parts.push(chunk),
      end: () => resolve({ status, body: concatBytes(parts.length === 0 ? [new Uint8Array(0)] : parts) }),
      error: reject,
    };
    connection.send(command, handler);
  });
}

/** Like `exchange`, but a -ERR rejects with the error its response code names. */
export async function expectOk(connection: Pop3Transport, command: Command): Promise<Reply> {
  const reply = await exchange(connection, command);
  if (!reply.status.ok) throw errorForReply(command, reply.status);
  return reply;
}
