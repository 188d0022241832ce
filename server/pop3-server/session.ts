// One POP3 session: its RFC 1939 state, the command loop (each line the
// connection hands over is dispatched through the verb map under the state
// table), and the transitions between states. Hostile input (garbage,
// endless lines, early hang-ups) ends this session, never the server.

import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { Connection, OVERFLOW } from './connection.ts';
import { dispatch } from './dispatch.ts';
import { MAX_LINE_BUFFER_OCTETS } from './limits.ts';
import type { Maildrop, StoredMessage } from './maildrop.ts';
import * as replies from './replies.ts';
import type { State, Verb } from './states.ts';
import type { Handler, Pop3ServerOptions, Variation } from './types.ts';

/** What a session needs from its server. */
export interface ServerContext {
  readonly options: Pop3ServerOptions;
  readonly variation: Variation;
  readonly handlers: Readonly<Partial<Record<Verb, Handler>>>;
  readonly transcript: string[];
  readonly secureContext: SecureContext | undefined;
  readonly idleTimeoutMs: number;
  /** The user's password, for APOP and CRAM-MD5, which need the secret itself. */
  password(username: string): string | undefined;
  checkPassword(username: string, password: string): boolean;
  maildrop(username: string): Maildrop;
}

let nextSessionId = 1;

export class Session {
  readonly id = nextSessionId++;
  readonly server: ServerContext;
  /** RFC 1939 §7 APOP timestamp, unique per connection; undefined when APOP is off. */
  readonly timestamp: string | undefined;
  state: State = 'AUTHORIZATION';
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | undefined;
  /** The logged-in user. */
  username: string | undefined;
  /** The maildrop as it was at login: message n is messages[n - 1]. */
  messages: readonly StoredMessage[] = [];
  /** Message numbers marked by DELE in this session. */
  readonly deleted = new Set<number>();
  authFailures = 0;
  badCommands = 0;

  #raw: Socket;
  #connection: Connection;
  #muted = false;
  #delays = new Map<NodeJS.Timeout, (value: boolean) => void>();
  #lockedDrop: Maildrop | undefined;

  constructor(socket: Socket, server: ServerContext, tls: boolean) {
    this.server = server;
    this.#raw = socket;
    this.timestamp = server.options.apop === false
      ? undefined
      : `<${process.pid}.${this.id}.${Date.now()}@popbridge.localhost>`;
    this.#connection = new Connection(socket, tls, () => this.#onClose());
    socket.setTimeout(server.idleTimeoutMs, () => void this.#autologout());
  }

  get tls(): boolean {
    return this.#connection.tls;
  }

  get closed(): boolean {
    return this.#connection.closed;
  }

  /** Set by mute(): lines are still recorded but get no reply. */
  get muted(): boolean {
    return this.#muted;
  }

  /** Sends the greeting and runs the command loop until the connection ends. */
  async run(): Promise<void> {
    try {
      const line = `+OK Popbridge POP3 server ready${this.timestamp ? ` ${this.timestamp}` : ''}`;
      const greeting = this.server.variation.greeting;
      if (greeting) await greeting(this, line);
      else await this.reply(line);
      for (;;) {
        const next = await this.#connection.next();
        if (next === null) break;
        if (next === OVERFLOW) await this.#overflow();
        else await dispatch(this, next);
      }
      if (this.#connection.inputEnded) this.end();
    } catch {
      // A handler bug or a write on a dying socket ends this session only.
      this.destroy();
    }
  }

  // ---- replies (framed in replies.ts) ----------------------------------------

  /** Writes bytes through the variation's write hook, if any. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.closed) return;
    const hook = this.server.variation.write;
    if (hook) await hook(bytes, (b) => this.#connection.send(b), this);
    else await this.#connection.send(bytes);
  }

  /** A single-line reply. */
  reply(line: string): Promise<void> {
    return replies.reply(this, line);
  }

  /** A multi-line reply of text lines (CAPA, LIST, UIDL), byte-stuffed. */
  replyLines(status: string, lines: readonly string[]): Promise<void> {
    return replies.replyLines(this, status, lines);
  }

  /** A multi-line reply whose body is CRLF-normalised bytes: byte-stuffed,
   * terminated, written in batches that wait for the socket to drain. */
  replyData(status: string, body: Buffer): Promise<void> {
    return replies.replyData(this, status, body);
  }

  /** A SASL continuation (RFC 5034 §4): "+ " and base64. */
  continuation(base64: string): Promise<void> {
    return replies.continuation(this, base64);
  }

  /** Formats STAT / LIST / UIDL fields; variations may add tabs or fields. */
  scanLine(fields: readonly (string | number)[]): string {
    return replies.scanLine(this, fields);
  }

  // ---- input for handlers ---------------------------------------------------

  /** The next client line (a SASL response), or null when the connection
   * ends. Recorded in the transcript as "***" (it carries credentials). */
  async readLine(): Promise<string | null> {
    const next = await this.#connection.next();
    if (next === null) return null;
    if (next === OVERFLOW) {
      await this.#overflow();
      return null;
    }
    const line = next.toString('latin1');
    this.server.transcript.push(line === '*' ? '*' : '***');
    return line;
  }

  /** Resolves true after `ms`, or false as soon as the connection closes. */
  delay(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#delays.delete(timer);
        resolve(!this.closed);
      }, ms);
      this.#delays.set(timer, resolve);
    });
  }

  // ---- state transitions ------------------------------------------------------

  /** Enters TRANSACTION for a user whose credentials proved right: locks the
   * maildrop and takes the snapshot. Returns the -ERR line when refused. */
  authorize(username: string): string | undefined {
    const refusal = this.server.variation.login?.(this, username);
    if (refusal !== undefined) return refusal;
    const drop = this.server.maildrop(username);
    if (!drop.tryLock()) return '-ERR [IN-USE] Maildrop is locked by another session; try again later';
    this.#lockedDrop = drop;
    this.username = username;
    this.pendingUser = undefined;
    this.messages = drop.messages;
    this.deleted.clear();
    this.state = 'TRANSACTION';
    return undefined;
  }

  /** RFC 1939 §6: enters UPDATE, removes the marked messages, releases the
   * lock. Returns false if a file could not be removed. */
  async update(): Promise<boolean> {
    this.state = 'UPDATE';
    const drop = this.#lockedDrop;
    if (!drop) return true;
    const gone = new Set<StoredMessage>();
    for (const number of this.deleted) gone.add(this.messages[number - 1]!);
    try {
      await drop.expunge(gone);
      return true;
    } catch {
      return false;
    } finally {
      this.#release();
    }
  }

  /** RFC 2595 §4: after "+OK" to STLS, the connection switches to TLS
   * (dropping plaintext input sent after STLS; see Connection.startTls). */
  startTls(): void {
    const context = this.server.secureContext;
    if (!context || this.tls) return;
    this.#connection.startTls(context);
  }

  // ---- ending ---------------------------------------------------------------

  /** Stops answering: later lines are recorded but get no reply. */
  mute(): void {
    this.#muted = true;
  }

  /** Closes after the queued replies are sent. */
  end(): void {
    this.#connection.end();
  }

  /** Drops the connection at once, as a crash or a network fault would. */
  destroy(): void {
    this.#connection.destroy();
  }

  // ---- internals ------------------------------------------------------------

  async #overflow(): Promise<void> {
    this.server.transcript.push('<line too long>');
    await this.reply(`-ERR Line longer than ${MAX_LINE_BUFFER_OCTETS} octets; closing`);
    this.#connection.stopReading();
    this.end();
  }

  async #autologout(): Promise<void> {
    if (this.closed) return;
    if (this.#connection.ending) {
      this.destroy();
      return;
    }
    // A peer that stopped reading would hold the socket open forever:
    // the next timeout destroys it.
    this.#raw.setTimeout(5_000);
    // RFC 1939 §3: autologout closes without entering UPDATE.
    await this.reply('-ERR Disconnected for inactivity');
    this.end();
  }

  #release(): void {
    this.#lockedDrop?.unlock();
    this.#lockedDrop = undefined;
  }

  #onClose(): void {
    this.#release();
    for (const [timer, resolve] of this.#delays) {
      clearTimeout(timer);
      resolve(false);
    }
    this.#delays.clear();
  }
}
