import { concatBytes, errorForReply } from '../../shared/pop3/index.ts';
import type { Command, Pop3RemoteError } from '../../shared/pop3/index.ts';
import type { Pop3Transport } from './transport.ts';

/**
 * TOP for many messages; pipelined when the server allows it, so they go
 * out in batches rather than one round trip each. `onEach` gets each
 * result in order; a -ERR for one message does not stop the others.
 * `maxBytes` keeps at most that much of each reply: the rest is read off
 * the wire and dropped, so a server sending huge replies cannot make them
 * pile up in memory.
 */
export async function topMany(
  connection: Pop3Transport,
  msgs: readonly number[], lines: number, onEach: (msg: number, result: Uint8Array | Pop3RemoteError) => void, maxBytes = Infinity,
): Promise<void> {
  if (msgs.length === 0) return;
  // One handler per command and one promise for all: thousands of replies,
  // little garbage. Commands are handed to the protocol as replies free the
  // window, so the first ones leave at once instead of after all are queued.
  await new Promise<void>((resolve, reject) => {
    let left = msgs.length;
    let next = 0;
    let failed = false;
    const sendNext = (): void => {
      if (failed || next >= msgs.length) return;
      const msg = msgs[next++]!;
      const command: Command = { name: 'TOP', msg, lines };
      const parts: Uint8Array[] = [];
      let kept = 0;
      const done = (result: Uint8Array | Pop3RemoteError): void => {
        if (failed) return;
        onEach(msg, result);
        if (--left === 0) resolve();
        else sendNext();
      };
      connection.send(command, {
        status: (reply, final) => {
          if (final) done(errorForReply(command, reply));
        },
        data: (chunk) => {
          if (kept >= maxBytes) return; // past the cap the reply is read and dropped
          const take = chunk.subarray(0, maxBytes - kept);
          parts.push(take);
          kept += take.length;
        },
        end: () => done(parts.length === 1 ? parts[0]! : concatBytes(parts.length === 0 ? [new Uint8Array(0)] : parts)),
        error: (error) => {
          if (failed) return;
          failed = true;
          reject(error);
        },
      });
    };
    try {
      for (let i = 0; i < Math.min(msgs.length, connection.pipelineWindow); i++) sendNext();
    } catch (error) {
      failed = true;
      reject(error);
    }
  });
}
