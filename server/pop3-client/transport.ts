import type net from 'node:net';
import tls from 'node:tls';
import { Pop3Protocol } from '../../shared/pop3/index.ts';
import type { Command, PendingCommand, SaslResponse, StatusReply } from '../../shared/pop3/index.ts';
import { Pop3TransportError } from './errors.ts';
import type { AnyPop3Error } from './errors.ts';
import { connectSocket, isTlsError, upgradeSocket } from './connect.ts';
import type { Pop3Endpoint } from './connect.ts';
import { ReplyPace } from './pace.ts';
import { ReplyRouter } from './reply-router.ts';
import type { ReplyHandler } from './reply-router.ts';

export type { Pop3Endpoint, Security } from './connect.ts';
export type { ReplyHandler } from './reply-router.ts';

export interface ConnectionOptions {
  /** TCP (and implicit TLS) set-up; default 10 s. */
  connectTimeoutMs?: number;
  /** From connect to the greeting line; default 15 s. */
  greetingTimeoutMs?: number;
  /** Longest silence while a reply is awaited (default 30 s); a reply must also keep a minimal pace. */
  commandTimeoutMs?: number;
  /** Largest multi-line reply accepted (default 64 MiB, shared/pop3 DEFAULT_MAX_BODY_SIZE). */
  maxMessageSize?: number;
  /** Most commands in flight when the server pipelines (default 1024). */
  pipelineWindow?: number;
}

const DEFAULTS = { connectTimeoutMs: 10_000, greetingTimeoutMs: 15_000, commandTimeoutMs: 30_000 };
// A streamed body pauses the socket while its reader is this far behind.
const STREAM_HIGH_WATER = 1024 * 1024;

/**
 * One POP3 connection: the socket, TLS and every timeout live here, around
 * the sans-I/O protocol core. It writes what the core allows, feeds it what
 * the server sends, and hands each event to the handler of its command.
 */
export class Pop3Transport {
  readonly protocol: Pop3Protocol;
  private socket: net.Socket;
  private readonly replies: ReplyRouter;
  private readonly closeListeners: Array<(error?: AnyPop3Error) => void> = [];
  private failure: AnyPop3Error | undefined;
  private ended = false;
  private secured: boolean;
  private readonly pace: ReplyPace;

  private constructor(socket: net.Socket, secured: boolean, readonly endpoint: Pop3Endpoint, options: ConnectionOptions) {
    this.socket = socket;
    this.secured = secured;
    this.pace = new ReplyPace(options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs);
    this.replies = new ReplyRouter({
      greeted: (reply) => this.greetingWaiter?.resolve(reply),
      failed: (error) => this.finish(error),
      replyDone: () => this.pace.restartReply(),
    });
    this.protocol = new Pop3Protocol({
      ...(options.maxMessageSize !== undefined ? { maxBodySize: options.maxMessageSize } : {}),
      ...(options.pipelineWindow !== undefined ? { pipelineWindow: options.pipelineWindow } : {}),
    });
  }

  /** Opens the TCP (and, for `tls`, TLS) connection and reads the greeting. */
  static async open(endpoint: Pop3Endpoint, options: ConnectionOptions = {}): Promise<{ connection: Pop3Transport; greeting: StatusReply }> {
    const secure = endpoint.security === 'tls';
    const socket = await connectSocket(endpoint, secure, options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs);
    const connection = new Pop3Transport(socket, secure, endpoint, options);
    const greeting = await connection.readGreeting(options.greetingTimeoutMs ?? DEFAULTS.greetingTimeoutMs);
    return { connection, greeting };
  }

  /** How many commands may be in flight at once. */
  get pipelineWindow(): number {
    return this.protocol.pipelineWindow;
  }

  get encrypted(): boolean {
    return this.secured;
  }

  get closed(): boolean {
    return this.ended;
  }

  get tlsSocket(): tls.TLSSocket | undefined {
    return this.socket instanceof tls.TLSSocket ? this.socket : undefined;
  }

  onClose(listener: (error?: AnyPop3Error) => void): void {
    if (this.ended) listener(this.failure);
    else this.closeListeners.push(listener);
  }

  /** Queues a command; its reply goes to `handler`. Throws at once on a refused argument or state. */
  send(command: Command, handler: ReplyHandler): PendingCommand {
    if (this.ended) throw this.failure ?? new Pop3TransportError('CONNECTION_CLOSED', 'The POP3 connection is closed');
    const pending = this.protocol.enqueue(command);
    this.replies.add(pending, handler);
    this.flushSoon();
    return pending;
  }

  private flushScheduled = false;

  /** Commands queued in one turn of the event loop leave in one write (one TLS record, not thousands). */
  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  sendSaslResponse(response: SaslResponse): void {
    this.protocol.sendSaslResponse(response);
    this.flush();
  }

  /** RFC 2595: after STLS's +OK, the same socket carries TLS from the next octet on. */
  async upgradeToTls(timeoutMs = this.pace.commandTimeoutMs): Promise<void> {
    if (this.ended) throw this.failure ?? new Pop3TransportError('CONNECTION_CLOSED', 'The POP3 connection is closed');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secured = await upgradeSocket(plain, this.endpoint, timeoutMs).catch((error: Pop3TransportError) => {
      this.finish(error);
      throw error;
    });
    this.socket = secured;
    this.secured = true;
    this.attach();
  }

  /** Drops the socket without QUIT: nothing marked for deletion is committed. */
  destroy(error?: AnyPop3Error): void {
    this.finish(error ?? new Pop3TransportError('CONNECTION_CLOSED', 'The POP3 connection was closed'));
  }

  /** Closes after the server confirmed QUIT: a clean end, reported without an error. */
  close(): void {
    this.finish();
  }

  private async readGreeting(timeoutMs: number): Promise<StatusReply> {
    return new Promise<StatusReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new Pop3TransportError('TIMEOUT', `The server sent no greeting within ${timeoutMs} ms`);
        reject(error);
        this.finish(error);
      }, timeoutMs);
      this.greetingWaiter = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.attach();
    });
  }

  private greetingWaiter: { resolve(reply: StatusReply): void; reject(error: AnyPop3Error): void } | undefined;

  private attach(): void {
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.protocol.receiveEof();
      this.replies.dispatch(this.protocol.takeEvents());
      this.finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = isTlsError(error) ? 'TLS' : 'CONNECTION_CLOSED';
      this.finish(new Pop3TransportError(code, `The connection to ${this.endpoint.host} failed: ${error.message}`, { cause: error }));
    });
    socket.on('close', () => this.finish());
    this.pace.startWatchdog(() => this.checkTimeouts());
  }

  private onData(chunk: Buffer): void {
    this.pace.received(chunk.length);
    this.protocol.receiveData(chunk);
    this.replies.dispatch(this.protocol.takeEvents());
    this.flush();
  }

  private flush(): void {
    if (this.ended) return;
    const bytes = this.protocol.dataToSend();
    if (bytes === null) return;
    this.pace.sent(this.replies.size > 0);
    this.socket.write(bytes);
  }

  /** Backpressure from a slow reader of a streamed body. */
  setPaused(paused: boolean): void {
    if (paused === this.pace.paused || this.ended) return;
    if (paused) {
      this.pace.pause();
      this.socket.pause();
    } else {
      this.pace.resume();
      this.socket.resume();
    }
  }

  private checkTimeouts(): void {
    if (this.ended || this.protocol.outstanding === 0 || this.protocol.state === 'GREETING') return;
    const error = this.pace.overdue();
    if (error) this.finish(error);
  }

  private finish(error?: AnyPop3Error): void {
    if (this.ended) return;
    this.ended = true;
    this.pace.stopWatchdog();
    const reason = error ?? (this.protocol.closed && this.replies.size === 0
      ? undefined
      : new Pop3TransportError('CONNECTION_CLOSED', `The server ${this.endpoint.host} closed the connection`));
    this.failure = reason;
    this.socket.destroy();
    const failed = reason ?? new Pop3TransportError('CONNECTION_CLOSED', 'The POP3 connection is closed');
    this.greetingWaiter?.reject(failed);
    this.replies.failAll(failed);
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }

  static readonly STREAM_HIGH_WATER = STREAM_HIGH_WATER;
}
