import { errorForGreeting } from '../../shared/pop3/index.ts';
import type { PendingCommand, Pop3Event, Pop3RemoteError, StatusReply } from '../../shared/pop3/index.ts';
import { Pop3TransportError } from './errors.ts';
import type { AnyPop3Error } from './errors.ts';

/** What a command's reply feeds into. */
export interface ReplyHandler {
  status(reply: StatusReply, final: boolean): void;
  data?(chunk: Uint8Array): void;
  end?(): void;
  continuation?(challenge: string): void;
  error(error: AnyPop3Error): void;
}

/** What the connection does with the events that concern it rather than one command. */
export interface RouterHooks {
  greeted(reply: StatusReply): void;
  failed(error: AnyPop3Error): void;
  /** A reply ended or a SASL step began: the reply clock starts over. */
  replyDone(): void;
}

/** The core's "input ended early" is, on a socket, a closed connection. */
function fromCore(error: Pop3RemoteError): AnyPop3Error {
  if (error.code !== 'UNEXPECTED_END') return error;
  return new Pop3TransportError('CONNECTION_CLOSED', `The server closed the connection: ${error.message}`, { cause: error });
}

/** Hands each event of the protocol core to the handler of the command it answers. */
export class ReplyRouter {
  private readonly handlers = new Map<number, ReplyHandler>();

  constructor(private readonly hooks: RouterHooks) {}

  /** Commands whose replies are still awaited. */
  get size(): number {
    return this.handlers.size;
  }

  add(pending: PendingCommand, handler: ReplyHandler): void {
    this.handlers.set(pending.id, handler);
  }

  dispatch(events: Pop3Event[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'greeting':
          if (event.reply.ok) this.hooks.greeted(event.reply);
          else this.hooks.failed(errorForGreeting(event.reply));
          break;
        case 'status': {
          const handler = this.handlers.get(event.command.id);
          if (event.final) this.completed(event.command);
          handler?.status(event.reply, event.final);
          break;
        }
        case 'data':
          this.handlers.get(event.command.id)?.data?.(event.chunk);
          break;
        case 'end': {
          const handler = this.handlers.get(event.command.id);
          this.completed(event.command);
          handler?.end?.();
          break;
        }
        case 'continuation':
          this.hooks.replyDone();
          this.handlers.get(event.command.id)?.continuation?.(event.challenge);
          break;
        case 'error':
          this.hooks.failed(fromCore(event.error));
          break;
      }
    }
  }

  /** Every reply still awaited fails with `error`. */
  failAll(error: AnyPop3Error): void {
    for (const handler of this.handlers.values()) handler.error(error);
    this.handlers.clear();
  }

  private completed(pending: PendingCommand): void {
    this.handlers.delete(pending.id);
    this.hooks.replyDone();
  }
}
