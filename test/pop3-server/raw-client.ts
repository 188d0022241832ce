// A deliberately dumb socket for testing the POP3 server on the wire: it
// sends text verbatim and reads raw lines. No POP3 knowledge lives here, so
// the tests state the protocol themselves.

import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';

export class RawConnection {
  #socket: Socket;
  #buffer = '';
  #ended = false;
  #wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.#attach(socket);
  }

  static async connect(port: number, options: { tls?: boolean; host?: string } = {}): Promise<RawConnection> {
    const host = options.host ?? '127.0.0.1';
    const socket = options.tls
      ? connectTls({ host, port, rejectUnauthorized: false })
      : connectTcp({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawConnection(socket);
  }

  get socket(): Socket {
    return this.#socket;
  }

  #attach(socket: Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      this.#buffer += text;
      this.#wakeUp();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wakeUp();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wakeUp();
    });
    socket.on('error', () => {});
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #waitFor<T>(take: () => T | undefined): Promise<T> {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (this.#ended) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer.slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** Sends text as latin1 octets, exactly as given (line ends included). */
  send(text: string): void {
    this.#socket.write(Buffer.from(text, 'latin1'));
  }

  /** The next line, without its CRLF. */
  line(): Promise<string> {
    return this.#waitFor(() => {
      const at = this.#buffer.indexOf('\r\n');
      if (at === -1) return undefined;
      const line = this.#buffer.slice(0, at);
      this.#buffer = this.#buffer.slice(at + 2);
      return line;
    });
  }

  /** Lines up to, not including, the "." terminator line (still stuffed). */
  async dataLines(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line();
      if (line === '.') return lines;
      lines.push(line);
    }
  }

  /** Sends one command line and returns the status line of its reply. */
  async command(line: string): Promise<string> {
    this.send(`${line}\r\n`);
    return this.line();
  }

  /** Everything still to come, until the server closes the connection. */
  async rest(): Promise<string> {
    await this.#waitFor(() => (this.#ended ? true : undefined)).catch(() => {});
    await this.closed.catch(() => {});
    const text = this.#buffer;
    this.#buffer = '';
    return text;
  }

  /** Octets received and not read yet. */
  get unread(): string {
    return this.#buffer;
  }

  /** Waits until at least `n` unread octets arrived (or the connection ends). */
  async atLeast(n: number): Promise<string> {
    await this.#waitFor(() => (this.#buffer.length >= n || this.#ended ? true : undefined));
    return this.#buffer;
  }

  /** RFC 2595: after "+OK" to STLS, the TLS handshake on the same socket. */
  async upgrade(): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    const secure: TLSSocket = connectTls({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#attach(secure);
  }

  /** Half-closes: no more commands, replies still arrive. */
  finish(): void {
    this.#socket.end();
  }

  /** Drops the connection without QUIT. */
  destroy(): void {
    this.#socket.destroy();
  }
}
