import { BridgeError } from '../errors.ts';
import type { OpenConnection } from './connection-lease.ts';

export interface RawMessage { size: number; body: AsyncIterable<Uint8Array> }

/**
 * RETR one message inside an action of the connection's queue. The action
 * (and so the connection) stays busy until the body is consumed or closed;
 * closing early drains the rest so the connection stays in step.
 */
export function openRawMessage(
  run: (action: () => Promise<void>) => Promise<void>,
  listed: () => Promise<OpenConnection>,
  key: string,
): Promise<RawMessage> {
  let finish!: () => void;
  const consumed = new Promise<void>((resolve) => { finish = resolve; });
  return new Promise<RawMessage>((resolve, reject) => {
    run(async () => {
      const open = await listed();
      const entry = open.listing!.byKey.get(key);
      if (!entry) throw new BridgeError('MESSAGE_GONE');
      const chunks = open.client.retr(entry.msg)[Symbol.asyncIterator]();
      async function* body(): AsyncGenerator<Uint8Array> {
        let finished = false;
        try {
          for (;;) {
            const next = await chunks.next();
            if (next.done) { finished = true; return; }
            yield next.value;
          }
        } finally {
          try { if (!finished) while (!(await chunks.next()).done) { /* drain */ } } catch { /* dropped: the lease sees the close */ }
          finish();
        }
      }
      resolve({ size: entry.size, body: body() });
      await consumed;
    }).catch((e) => { reject(e); finish(); });
  });
}
