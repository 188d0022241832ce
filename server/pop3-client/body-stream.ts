import { concatBytes, errorForReply } from '../../shared/pop3/index.ts';
import type { Command } from '../../shared/pop3/index.ts';
import { Pop3TransportError } from './errors.ts';
import { Pop3Transport } from './transport.ts';

/** A multi-line reply's body as it arrives, dot-unstuffed; the socket pauses while the reader falls behind. */
export function streamBody(connection: Pop3Transport, command: Command): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => {
      const queue: Uint8Array[] = [];
      let queued = 0;
      let done = false;
      let failure: unknown;
      let wake: (() => void) | undefined;
      const notify = (): void => {
        wake?.();
        wake = undefined;
      };
      connection.send(command, {
        status: (reply, final) => {
          if (final) {
            failure = reply.ok ? undefined : errorForReply(command, reply);
            done = true;
            notify();
          }
        },
        data: (chunk) => {
          queue.push(chunk);
          queued += chunk.length;
          if (queued > Pop3Transport.STREAM_HIGH_WATER) connection.setPaused(true);
          notify();
        },
        end: () => {
          done = true;
          notify();
        },
        error: (error) => {
          failure = error;
          done = true;
          notify();
        },
      });
      return {
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
          // Whatever has arrived leaves in one piece: fewer hops through the async pipeline downstream.
          const chunk = queue.length > 1 ? concatBytes(queue.splice(0, queue.length)) : queue.shift();
          if (chunk !== undefined) {
            queued -= chunk.length;
            if (queued <= Pop3Transport.STREAM_HIGH_WATER / 2) connection.setPaused(false);
            return { value: chunk, done: false };
          }
          if (failure !== undefined) throw failure;
          return { value: undefined, done: true };
        },
        return: async (): Promise<IteratorResult<Uint8Array>> => {
          // A reader that stops early leaves the reply half-read: the connection cannot be reused.
          if (!done) connection.destroy(new Pop3TransportError('CONNECTION_CLOSED', 'The message download was abandoned'));
          connection.setPaused(false);
          return { value: undefined, done: true };
        },
      };
    },
  };
}
