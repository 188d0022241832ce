// The wire of one POP3 session: command lines in (every complete line, in
// order, with socket back-pressure), bytes out (waiting for the socket to
// drain), the switch to TLS, and the closing. It knows nothing of POP3 verbs.

import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { MAX_LINE_BUFFER_OCTETS, MAX_PENDING_INPUT_OCTETS } from './limits.ts';

const LF = 0x0a;
const CR = 0x0d;
/** Marks where the client overflowed MAX_LINE_BUFFER_OCTETS. */
export const OVERFLOW = Symbol('overflow');
export type Queued = Buffer | typeof OVERFLOW;

export class Connection {
  #raw: Socket;
  #socket: Socket;
  #tls: boolean;
  #closed = false;
  #ending = false;
  #inputEnded = false;
  #paused = false;
  #buffer: Buffer = Buffer.alloc(0);
  #queue: Queued[] = [];
  #queuedOctets = 0;
  #wake: (() => void) | undefined;

  /** `onClose` runs once the socket has closed, before a waiting reader wakes. */
  constructor(socket: Socket, tls: boolean, onClose: () => void) {
    this.#raw = socket;
    this.#socket = socket;
    this.#tls = tls;
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.#closed = true;
      onClose();
      this.#wakeUp();
    });
    this.#listen(socket);
  }

  get tls(): boolean {
    return this.#tls;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** end() or destroy() was called: no more lines are handed out. */
  get ending(): boolean {
    return this.#ending;
  }

  /** The client sent its FIN (or its input was cut off after an overflow). */
  get inputEnded(): boolean {
    return this.#inputEnded;
  }

  /** The next queued line; waits for input; null once nothing more can come. */
  async next(): Promise<Queued | null> {
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

  /** Takes no more input: what is queued is dropped and next() returns null. */
  stopReading(): void {
    this.#inputEnded = true;
    this.#queue = [];
  }

  /** Writes bytes; resolves once the socket takes more (or has closed). */
  async send(bytes: Uint8Array): Promise<void> {
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

  /** RFC 2595 §4: after "+OK" to STLS, the TLS handshake starts. Input the
   * client sent after STLS in plaintext is discarded, so it cannot be taken
   * as commands under TLS (the STARTTLS injection of CVE-2011-0411). */
  startTls(context: SecureContext): void {
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

  /** Closes after the queued replies are sent. */
  end(): void {
    this.#ending = true;
    if (this.#closed) return;
    this.#socket.end();
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.#ending = true;
    if (this.#socket !== this.#raw) this.#socket.destroy();
    this.#raw.destroy();
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
}
