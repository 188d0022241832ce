import net from 'node:net';
import tls from 'node:tls';

/**
 * A bare line-oriented socket for the harness smoke tests: send a line, read
 * a line, read until a lone ".". Deliberately not a POP3 client: the tests
 * that use it check the servers, not Popbridge.
 */
export class RawSocket {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private closed = false;
  private failure: Error | undefined;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(host: string, port: number): Promise<RawSocket> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSocket(socket);
  }

  /** Implicit TLS; rejects when the certificate does not verify against ca. */
  static async connectTls(host: string, port: number, ca?: string): Promise<RawSocket> {
    const socket = tls.connect({ host, port, servername: 'localhost', ...(ca === undefined ? {} : { ca }) });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return new RawSocket(socket);
  }

  /** STLS: upgrades this connection in place (after the server said +OK). */
  async startTls(ca?: string): Promise<RawSocket> {
    const socket = tls.connect({ socket: this.socket, servername: 'localhost', ...(ca === undefined ? {} : { ca }) });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return new RawSocket(socket);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  async readLine(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return line;
      }
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line within ${timeoutMs} ms; unread: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async command(line: string): Promise<string> {
    this.send(line);
    return this.readLine();
  }

  /** Lines of a multi-line body up to the terminating ".", dot-unstuffed. */
  async readMultiline(): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.readLine();
      if (line === '.') return lines;
      lines.push(line.startsWith('.') ? line.slice(1) : line);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
