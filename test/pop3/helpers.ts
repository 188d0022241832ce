import { Pop3Protocol, concatBytes } from '../../shared/pop3/index.ts';
import type { Command, Pop3Event, ProtocolOptions } from '../../shared/pop3/index.ts';

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array | null): string => (data === null ? '' : new TextDecoder().decode(data));

/** A protocol past the greeting, in TRANSACTION state unless told otherwise. */
export function signedIn(options: ProtocolOptions & { pipelining?: boolean } = {}): Pop3Protocol {
  const protocol = new Pop3Protocol(options);
  protocol.receiveData(bytes('+OK ready\r\n'));
  protocol.enqueue({ name: 'USER', username: 'u' });
  protocol.dataToSend();
  protocol.receiveData(bytes('+OK\r\n'));
  protocol.enqueue({ name: 'PASS', password: 'p' });
  protocol.dataToSend();
  protocol.receiveData(bytes('+OK signed in\r\n'));
  protocol.setPipelining(options.pipelining ?? false);
  protocol.takeEvents();
  return protocol;
}

/** Sends one command and returns the bytes that went out. */
export function send(protocol: Pop3Protocol, command: Command): string {
  protocol.enqueue(command);
  return text(protocol.dataToSend());
}

/** Events with the data of each reply merged, so chunking does not show. */
export function normalise(events: Pop3Event[]): unknown[] {
  const out: unknown[] = [];
  let data: Uint8Array[] = [];
  for (const event of events) {
    if (event.type === 'data') {
      data.push(event.chunk);
      continue;
    }
    if (data.length > 0) {
      out.push({ type: 'data', text: text(concatBytes(data)) });
      data = [];
    }
    switch (event.type) {
      case 'status': out.push({ type: 'status', command: event.command.command.name, ok: event.reply.ok, text: event.reply.fullText, final: event.final }); break;
      case 'end': out.push({ type: 'end', command: event.command.command.name }); break;
      case 'error': out.push({ type: 'error', code: event.error.code }); break;
      default: out.push(event);
    }
  }
  if (data.length > 0) out.push({ type: 'data', text: text(concatBytes(data)) });
  return out;
}
