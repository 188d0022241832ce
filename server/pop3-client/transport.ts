import net from 'node:net';
import tls from 'node:tls';
import { Pop3Protocol, errorForGreeting } from '../../shared/pop3/index.ts';
import type { Command, PendingCommand, Pop3Event, Pop3RemoteError, SaslResponse, StatusReply } from '../../shared/pop3/index.ts';
import { Pop3TransportError } from './errors.ts';
import type { AnyPop3Error } from './errors.ts';

export type Security = 'tls' | 'starttls' | 'plain';

export interface Pop3Endpoint {
  host: string;
  port: number;
  security: Security;
  /** PEM of a custom CA to trust instead of the system's. */
  ca?: string | Buffer;
  /** Name the certificate must carry; defaults to the host. */
  servername?: string;
}

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

/** What a command's reply feeds into. */
export interface ReplyHandler {
  status(reply: StatusReply, final: boolean): void;
  data?(chunk: Uint8Array): void;
  end?(): void;
  continuation?(challenge: string): void;
  error(error: AnyPop3Error): void;
}

const DEFAULTS = { connectTimeoutMs: 10_000, greetingTimeoutMs: 15_000, commandTimeoutMs: 30_000 };
// A reply must average at least this many octets a second once its first
// interval is over, so a server that dribbles a byte now and then still times out.
const MIN_REPLY_RATE = 16 * 1024;
// A paused stream whose reader takes no data for this many command timeouts is abandoned.
const STALLED_READER_FACTOR = 4;
// A streamed body pauses the socket while its reader is this far behind.
const STREAM_HIGH_WATER = 1024 * 1024;

/** OpenSSL and certificate errors, as opposed to the network failing under TLS. */
function isTlsError(error: NodeJS.ErrnoException): boolean {
  return /^(ERR_SSL|ERR_TLS|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(error.code ?? '') || 'library' in error;
}

function isIp(host: string): boolean {
  return net.isIP(host) !== 0;
}

function tlsOptions(endpoint: Pop3Endpoint): tls.ConnectionOptions {
  const servername = endpoint.servername ?? endpoint.host;
  return {
    ...(endpoint.ca !== undefined ? { ca: endpoint.ca } : {}),
    // SNI carries host names only (RFC 6066); an IP is checked against the certificate's IP SANs.
    ...(isIp(servername) ? {} : { servername }),
    checkServerIdentity: (_host, cert) => tls.checkServerIdentity(servername, cert),
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  };
}

function connectError(error: NodeJS.ErrnoException, endpoint: Pop3Endpoint, secure: boolean): Pop3TransportError {
  const where = `${endpoint.host}:${endpoint.port}`;
  const networkCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);
  if (!secure || networkCodes.has(error.code ?? '')) {
    return new Pop3TransportError('CONNECT_FAILED', `Could not connect to ${where}: ${error.code ?? error.message}`, { cause: error });
  }
  return new Pop3TransportError('TLS', `TLS with ${where} failed: ${error.message}`, { cause: error });
}

/**
 * One POP3 connection: the socket, TLS and every timeout live here, around
 * the sans-I/O protocol core. It writes what the core allows, feeds it what
 * the server sends, and hands each event to the handler of its command.
 */
export class Pop3Transport {
  readonly protocol: Pop3Protocol;
  private socket: net.Socket;
  private readonly handlers = new Map<number, ReplyHandler>();
  private readonly closeListeners: Array<(error?: AnyPop3Error) => void> = [];
  private failure: AnyPop3Error | undefined;
  private ended = false;
  private secured: boolean;
  private lastActivity = Date.now();
  private replyStarted = Date.now();
  private replyBytes = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly commandTimeoutMs: number;
  private paused = false;
  private pausedAt = 0;

  private constructor(socket: net.Socket, secured: boolean, readonly endpoint: Pop3Endpoint, options: ConnectionOptions) {
    this.socket = socket;
    this.secured = secured;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
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
    this.handlers.set(pending.id, handler);
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
  async upgradeToTls(timeoutMs = this.commandTimeoutMs): Promise<void> {
    if (this.ended) throw this.failure ?? new Pop3TransportError('CONNECTION_CLOSED', 'The POP3 connection is closed');
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secured = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({ ...tlsOptions(this.endpoint), socket: plain });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Pop3TransportError('TIMEOUT', `The TLS handshake with ${this.endpoint.host} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(connectError(error, this.endpoint, true));
      });
    }).catch((error: Pop3TransportError) => {
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
      this.dispatch(this.protocol.takeEvents());
      this.finish();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = isTlsError(error) ? 'TLS' : 'CONNECTION_CLOSED';
      this.finish(new Pop3TransportError(code, `The connection to ${this.endpoint.host} failed: ${error.message}`, { cause: error }));
    });
    socket.on('close', () => this.finish());
    this.startWatchdog();
  }

  private onData(chunk: Buffer): void {
    this.lastActivity = Date.now();
    this.replyBytes += chunk.length;
    this.protocol.receiveData(chunk);
    this.dispatch(this.protocol.takeEvents());
    this.flush();
  }

  private dispatch(events: Pop3Event[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'greeting':
          if (event.reply.ok) this.greetingWaiter?.resolve(event.reply);
          else this.finish(errorForGreeting(event.reply));
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
          this.restartReplyClock();
          this.handlers.get(event.command.id)?.continuation?.(event.challenge);
          break;
        case 'error':
          this.finish(fromCore(event.error));
          break;
      }
    }
  }

  private completed(pending: PendingCommand): void {
    this.handlers.delete(pending.id);
    this.restartReplyClock();
  }

  private restartReplyClock(): void {
    this.replyStarted = Date.now();
    this.replyBytes = 0;
  }

  private flush(): void {
    if (this.ended) return;
    const bytes = this.protocol.dataToSend();
    if (bytes === null) return;
    if (this.handlers.size > 0 && this.replyBytes === 0) this.replyStarted = Date.now();
    this.lastActivity = Date.now();
    this.socket.write(bytes);
  }

  /** Backpressure from a slow reader of a streamed body. */
  setPaused(paused: boolean): void {
    if (paused === this.paused || this.ended) return;
    this.paused = paused;
    const now = Date.now();
    if (paused) {
      this.pausedAt = now;
      this.socket.pause();
    } else {
      // Time spent waiting for our reader is not the server's slowness.
      this.replyStarted += now - this.pausedAt;
      this.lastActivity = now;
      this.socket.resume();
    }
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    const interval = Math.max(20, Math.min(1000, Math.floor(this.commandTimeoutMs / 4)));
    this.watchdog = setInterval(() => this.checkTimeouts(), interval);
    this.watchdog.unref();
  }

  private checkTimeouts(): void {
    if (this.ended || this.protocol.outstanding === 0 || this.protocol.state === 'GREETING') return;
    const now = Date.now();
    if (this.paused) {
      // A reader that stopped reading must not hold the connection (and the commands behind it) forever.
      if (now - this.pausedAt > this.commandTimeoutMs * STALLED_READER_FACTOR) {
        this.finish(new Pop3TransportError('TIMEOUT', 'The message download stalled: nothing was read for too long'));
      }
      return;
    }
    if (now - this.lastActivity > this.commandTimeoutMs) {
      this.finish(new Pop3TransportError('TIMEOUT', `The server did not answer within ${this.commandTimeoutMs} ms`));
      return;
    }
    const allowed = this.commandTimeoutMs + (this.replyBytes / MIN_REPLY_RATE) * 1000;
    if (now - this.replyStarted > allowed) {
      this.finish(new Pop3TransportError('TIMEOUT', `The server's reply is too slow (under ${MIN_REPLY_RATE} octets a second)`));
    }
  }

  private finish(error?: AnyPop3Error): void {
    if (this.ended) return;
    this.ended = true;
    if (this.watchdog) clearInterval(this.watchdog);
    const reason = error ?? (this.protocol.closed && this.handlers.size === 0
      ? undefined
      : new Pop3TransportError('CONNECTION_CLOSED', `The server ${this.endpoint.host} closed the connection`));
    this.failure = reason;
    this.socket.destroy();
    const failed = reason ?? new Pop3TransportError('CONNECTION_CLOSED', 'The POP3 connection is closed');
    this.greetingWaiter?.reject(failed);
    for (const handler of this.handlers.values()) handler.error(failed);
    this.handlers.clear();
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }

  static readonly STREAM_HIGH_WATER = STREAM_HIGH_WATER;
}

/** The core's "input ended early" is, on a socket, a closed connection. */
function fromCore(error: Pop3RemoteError): AnyPop3Error {
  if (error.code !== 'UNEXPECTED_END') return error;
  return new Pop3TransportError('CONNECTION_CLOSED', `The server closed the connection: ${error.message}`, { cause: error });
}

function connectSocket(endpoint: Pop3Endpoint, secure: boolean, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = secure
      ? tls.connect({ host: endpoint.host, port: endpoint.port, ...tlsOptions(endpoint) })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Pop3TransportError('TIMEOUT', `Could not connect to ${endpoint.host}:${endpoint.port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(connectError(error, endpoint, secure));
    });
  });
}
