// One POP3 connection: reads command lines (pipelined: every complete line,
// in order), dispatches them through the verb map under the state table, and
// writes replies in order with socket back-pressure. Hostile input (garbage,
// endless lines, early hang-ups) ends this session, never the server.

import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Maildrop, StoredMessage } from './maildrop.ts';
import {
  MAX_BAD_COMMANDS, MAX_COMMAND_LINE_OCTETS, MAX_LINE_BUFFER_OCTETS,
  MAX_PENDING_INPUT_OCTETS, WRITE_BATCH_OCTETS,
} from './limits.ts';
import { ALLOWED, isVerb, type State, type Verb } from './states.ts';
import type { Handler, Pop3ServerOptions, Variation } from './types.ts';
import { dotStuffed, TERMINATOR } from './wire.ts';

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

const LF = 0x0a;
const CR = 0x0d;
/** Marks where the client overflowed MAX_LINE_BUFFER_OCTETS. */
const OVERFLOW = Symbol('overflow');
type Queued = Buffer | typeof OVERFLOW;

let nextSessionId = 1;

/** Passwords and SASL secrets never reach the transcript. */
function redact(line: string): string {
  const match = /^(pass|apop\s+\S+|auth\s+\S+)\s+\S/i.exec(line);
  return match ? `${match[1]} ***` : line;
}

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
  #socket: Socket;
  #tls: boolean;
  #closed = false;
  #muted = false;
  #inputEnded = false;
  #paused = false;
  #buffer: Buffer = Buffer.alloc(0);
  #queue: Queued[] = [];
  #queuedOctets = 0;
  #wake: (() => void) | undefined;
  #delays = new Map<NodeJS.Timeout, (value: boolean) => void>();
  #ending = false;
  #lockedDrop: Maildrop | undefined;

  constructor(socket: Socket, server: ServerContext, tls: boolean) {
    this.server = server;
    this.#raw = socket;
    this.#socket = socket;
    this.#tls = tls;
    this.timestamp = server.options.apop === false
      ? undefined
      : `<${process.pid}.${this.id}.${Date.now()}@popbridge.localhost>`;
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.#onClose());
    socket.setTimeout(server.idleTimeoutMs, () => void this.#autologout());
    this.#listen(socket);
  }

  get tls(): boolean {
    return this.#tls;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends the greeting and runs the command loop until the connection ends. */
  async run(): Promise<void> {
    try {
      const line = `+OK Popbridge POP3 server ready${this.timestamp ? ` ${this.timestamp}` : ''}`;
      const greeting = this.server.variation.greeting;
      if (greeting) await greeting(this, line);
      else await this.reply(line);
      for (;;) {
        const next = await this.#next();
        if (next === null) break;
        await this.#dispatch(next);
      }
      if (this.#inputEnded) this.end();
    } catch {
      // A handler bug or a write on a dying socket ends this session only.
      this.destroy();
    }
  }

  // ---- replies -------------------------------------------------------------

  /** Writes bytes through the variation's write hook, if any. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return;
    const hook = this.server.variation.write;
    if (hook) await hook(bytes, (b) => this.#send(b), this);
    else await this.#send(bytes);
  }

  /** A single-line reply. */
  async reply(line: string): Promise<void> {
    await this.write(Buffer.from(`${this.#status(line)}\r\n`, 'latin1'));
  }

  /** A multi-line reply of text lines (CAPA, LIST, UIDL), byte-stuffed. */
  async replyLines(status: string, lines: readonly string[]): Promise<void> {
    await this.replyData(status, Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1'));
  }

  /** A multi-line reply whose body is CRLF-normalised bytes: byte-stuffed,
   * terminated, written in batches that wait for the socket to drain. */
  async replyData(status: string, body: Buffer): Promise<void> {
    let batch: Buffer[] = [Buffer.from(`${this.#status(status)}\r\n`, 'latin1')];
    let size = batch[0]!.length;
    for (const piece of dotStuffed(body)) {
      batch.push(piece);
      size += piece.length;
      if (size >= WRITE_BATCH_OCTETS) {
        await this.write(Buffer.concat(batch, size));
        if (this.#closed) return;
        batch = [];
        size = 0;
      }
    }
    batch.push(TERMINATOR);
    await this.write(Buffer.concat(batch, size + TERMINATOR.length));
  }

  /** A SASL continuation (RFC 5034 §4): "+ " and base64. */
  async continuation(base64: string): Promise<void> {
    await this.write(Buffer.from(`+ ${base64}\r\n`, 'latin1'));
  }

  /** Formats STAT / LIST / UIDL fields; variations may add tabs or fields. */
  scanLine(fields: readonly (string | number)[]): string {
    return this.server.variation.scanLine?.(fields) ?? fields.join(' ');
  }

  // ---- input for handlers ---------------------------------------------------

  /** The next client line (a SASL response), or null when the connection
   * ends. Recorded in the transcript as "***" (it carries credentials). */
  async readLine(): Promise<string | null> {
    const next = await this.#next();
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
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#delays.delete(timer);
        resolve(!this.#closed);
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

  /** RFC 2595 §4: after "+OK" to STLS, the TLS handshake starts. Input the
   * client sent after STLS in plaintext is discarded, so it cannot be taken
   * as commands under TLS (the STARTTLS injection of CVE-2011-0411). */
  startTls(): void {
    const context = this.server.secureContext;
    if (!context || this.#tls) return;
    this.#raw.removeAllListeners('data');
    this.#queue = [];
    this.#queuedOctets = 0;
    this.#buffer = Buffer.alloc(0);
    const secure = new TLSSocket(this.#raw, { isServer: true, secureContext: context });
    secure.on('error', () => this.destroy());
    this.#socket = secure;
    this.#tls = true;
    this.#listen(secure);
    if (this.#paused) {
      this.#paused = false;
      this.#raw.resume();
    }
  }

  // ---- ending ---------------------------------------------------------------

  /** Stops answering: later lines are recorded but get no reply. */
  mute(): void {
    this.#muted = true;
  }

  /** Closes after the queued replies are sent. */
  end(): void {
    this.#ending = true;
    if (this.#closed) return;
    this.#socket.end();
  }

  /** Drops the connection at once, as a crash or a network fault would. */
  destroy(): void {
    this.#ending = true;
    if (this.#socket !== this.#raw) this.#socket.destroy();
    this.#raw.destroy();
  }

  // ---- internals ------------------------------------------------------------

  #status(line: string): string {
    const hook = this.server.variation.status;
    return hook && /^(\+OK|-ERR)/.test(line) ? hook(line) : line;
  }

  async #send(bytes: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (this.#closed || socket.destroyed || socket.writableEnded) return;
    if (socket.write(bytes)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        this.#raw.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      this.#raw.on('close', done);
    });
  }

  #listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      this.#inputEnded = true;
      this.#wakeUp();
    });
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    let buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const lf = buffer.indexOf(LF);
      if (lf === -1) break;
      const end = lf > 0 && buffer[lf - 1] === CR ? lf - 1 : lf;
      // Copy, so one long-lived line does not pin the whole chunk.
      this.#queue.push(Buffer.from(buffer.subarray(0, end)));
      this.#queuedOctets += lf + 1;
      buffer = buffer.subarray(lf + 1);
    }
    if (buffer.length > MAX_LINE_BUFFER_OCTETS) {
      this.#queue.push(OVERFLOW);
      buffer = Buffer.alloc(0);
      this.#socket.pause();
      this.#paused = true;
    }
    this.#buffer = buffer;
    if (this.#queuedOctets > MAX_PENDING_INPUT_OCTETS && !this.#paused) {
      this.#socket.pause();
      this.#paused = true;
    }
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** The next queued line; waits for input; null once nothing more can come. */
  async #next(): Promise<Queued | null> {
    for (;;) {
      if (this.#ending) return null;
      const line = this.#queue.shift();
      if (line !== undefined) {
        if (line !== OVERFLOW) this.#queuedOctets -= line.length + 1;
        if (this.#paused && this.#queuedOctets <= MAX_PENDING_INPUT_OCTETS / 2 && !this.#queue.includes(OVERFLOW)) {
          this.#paused = false;
          this.#socket.resume();
        }
        return line;
      }
      if (this.#closed || this.#inputEnded) return null;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async #dispatch(queued: Queued): Promise<void> {
    if (queued === OVERFLOW) {
      await this.#overflow();
      return;
    }
    const line = queued.toString('latin1');
    this.server.transcript.push(redact(line));
    if (this.#muted) return;
    if (queued.length + 2 > MAX_COMMAND_LINE_OCTETS) {
      await this.#bad('-ERR Command line too long (RFC 2449: 255 octets at most)');
      return;
    }
    const space = line.indexOf(' ');
    const word = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const args = space === -1 ? '' : line.slice(space + 1);
    const handler = isVerb(word) ? this.server.handlers[word] : undefined;
    if (!isVerb(word) || !handler) {
      await this.#bad('-ERR Unknown command');
      return;
    }
    if (!ALLOWED[this.state].has(word)) {
      await this.reply(`-ERR ${word} is not allowed in the ${this.state} state`);
      return;
    }
    await handler(this, args);
  }

  async #bad(line: string): Promise<void> {
    this.badCommands += 1;
    if (this.badCommands >= MAX_BAD_COMMANDS) {
      await this.reply('-ERR Too many bad commands; closing');
      this.end();
      return;
    }
    await this.reply(line);
  }

  async #overflow(): Promise<void> {
    this.server.transcript.push('<line too long>');
    await this.reply(`-ERR Line longer than ${MAX_LINE_BUFFER_OCTETS} octets; closing`);
    this.#inputEnded = true;
    this.#queue = [];
    this.end();
  }

  async #autologout(): Promise<void> {
    if (this.#closed) return;
    if (this.#ending) {
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
    this.#closed = true;
    this.#release();
    for (const [timer, resolve] of this.#delays) {
      clearTimeout(timer);
      resolve(false);
    }
    this.#delays.clear();
    this.#wakeUp();
  }
}
