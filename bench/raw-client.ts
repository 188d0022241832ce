import net from 'node:net';
import tls from 'node:tls';

/**
 * The limit L: the least a Node POP3 client can do. One socket, commands
 * written in one go (RFC 2449 PIPELINING), replies framed by scanning for
 * CRLF "." CRLF with Buffer.indexOf, and nothing decoded or kept unless asked.
 * Written on net/tls alone so it shares no code with Popbridge.
 */

export interface RawEndpoint { host: string; port: number; tls: boolean; ca?: string }
export interface RawReply { ok: boolean; status: string; bytes: number; body: Buffer | null }

interface Pending { multi: boolean; keep: boolean; done: (r: RawReply) => void }

const TERM = Buffer.from('\r\n.\r\n');
const CRLF = Buffer.from('\r\n');

export class RawPop3 {
  private readonly queue: Pending[] = [];
  private head = 0;
  private partial: Buffer | null = null;
  private inBody = false;
  private tail: Buffer = CRLF;
  private consumed = 0;
  private parts: Buffer[] = [];
  private status = '';
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    const fail = (e: Error) => {
      this.failure = e;
      for (let i = this.head; i < this.queue.length; i++) this.queue[i]!.done({ ok: false, status: e.message, bytes: 0, body: null });
      this.head = this.queue.length;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static async connect(endpoint: RawEndpoint): Promise<RawPop3> {
    const socket = endpoint.tls
      ? tls.connect({ host: endpoint.host, port: endpoint.port, ca: endpoint.ca, servername: 'localhost' })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    const client = new RawPop3(socket);
    const greeting = await client.expect(false, false);
    if (!greeting.ok) throw new Error(`RAW_GREETING: ${greeting.status}`);
    return client;
  }

  /** USER/PASS pipelined. */
  async login(username: string, password: string): Promise<void> {
    const [, pass] = await this.pipeline([`USER ${username}`, `PASS ${password}`], false);
    if (!pass!.ok) throw new Error(`RAW_LOGIN: ${pass!.status}`);
  }

  /**
   * Writes every command at once; `onReply` sees each reply as it completes.
   * Resolves when the last reply is in.
   */
  pipeline(commands: string[], multi: boolean, keep = false, onReply?: (i: number, r: RawReply) => void): Promise<RawReply[]> {
    const replies: RawReply[] = new Array(commands.length);
    const all = commands.map((_, i) => this.expect(multi, keep).then((r) => { replies[i] = r; onReply?.(i, r); }));
    this.socket.write(commands.join('\r\n') + '\r\n');
    return Promise.all(all).then(() => replies);
  }

  async quit(): Promise<void> {
    await this.pipeline(['QUIT'], false);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private expect(multi: boolean, keep: boolean): Promise<RawReply> {
    if (this.failure) return Promise.resolve({ ok: false, status: this.failure.message, bytes: 0, body: null });
    return new Promise((done) => this.queue.push({ multi, keep, done }));
  }

  private finish(reply: RawReply): void {
    const p = this.queue[this.head++]!;
    if (this.head > 1024) { this.queue.splice(0, this.head); this.head = 0; }
    p.done(reply);
  }

  private feed(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const cur = this.queue[this.head];
      if (!cur) { this.socket.destroy(new Error('RAW_UNEXPECTED: data with no command outstanding')); return; }
      if (!this.inBody) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) { this.partial = Buffer.concat(this.partial ? [this.partial, chunk.subarray(pos)] : [chunk.subarray(pos)]); return; }
        const piece = chunk.subarray(pos, nl + 1);
        const line = (this.partial ? Buffer.concat([this.partial, piece]) : piece).toString('latin1').trimEnd();
        this.partial = null;
        pos = nl + 1;
        const ok = line.startsWith('+');
        if (cur.multi && ok) {
          this.inBody = true;
          this.tail = CRLF;
          this.consumed = 0;
          this.parts = [];
          this.status = line;
        } else {
          this.finish({ ok, status: line, bytes: 0, body: null });
        }
        continue;
      }
      // A terminator that began in the previous chunk.
      let end = -1;
      const head = Buffer.concat([this.tail, chunk.subarray(pos, pos + 4)]);
      const early = head.indexOf(TERM);
      if (early >= 0 && early < this.tail.length) end = pos + early + TERM.length - this.tail.length;
      else {
        const at = chunk.indexOf(TERM, pos);
        if (at >= 0) end = at + TERM.length;
      }
      if (end < 0) {
        if (cur.keep) this.parts.push(chunk.subarray(pos));
        this.consumed += chunk.length - pos;
        const rest = chunk.subarray(pos);
        this.tail = rest.length >= 4 ? Buffer.from(rest.subarray(rest.length - 4)) : Buffer.concat([this.tail, rest]).subarray(-4);
        return;
      }
      if (cur.keep) this.parts.push(chunk.subarray(pos, end));
      this.consumed += end - pos;
      pos = end;
      this.inBody = false;
      // Counted from the virtual CRLF before the body: the terminator's ".\r\n" is not mail.
      const bytes = this.consumed - 3;
      const body = cur.keep ? Buffer.concat(this.parts).subarray(0, bytes) : null;
      this.parts = [];
      this.finish({ ok: true, status: this.status, bytes, body });
    }
  }
}

/** "n uid" / "n size" scan lines of a kept UIDL or LIST body. */
export function scanLines(body: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const line of body.toString('latin1').split('\r\n')) {
    if (!line) continue;
    const [n, v] = line.split(' ');
    out.push([Number(n), v!]);
  }
  return out;
}

export interface ListOptions { endpoint: RawEndpoint; username: string; password: string; tops?: number; known?: Set<string>; onTop?: (done: number) => void }

/**
 * Sign in, UIDL + LIST pipelined, then TOP n 0 newest first for `tops`
 * messages (all when absent, or only the unique-ids not in `known`), all
 * written at once. Returns the number of header bytes received.
 */
export async function rawListing(o: ListOptions): Promise<{ count: number; headerBytes: number; fetched: number }> {
  const c = await RawPop3.connect(o.endpoint);
  try {
    await c.login(o.username, o.password);
    let tops: Promise<RawReply[]> | undefined;
    let fetched = 0;
    let done = 0;
    const [uidl] = await Promise.all([
      c.pipeline(['UIDL'], true, true, (_, r) => {
        // Send the TOPs the moment the unique-ids are known; LIST is still on its way.
        const ids = scanLines(r.body!);
        const wanted = ids.filter(([, uid]) => !o.known?.has(uid)).map(([n]) => n).reverse();
        const msgs = wanted.slice(0, o.tops ?? wanted.length);
        fetched = msgs.length;
        if (msgs.length) tops = c.pipeline(msgs.map((n) => `TOP ${n} 0`), true, false, () => o.onTop?.(++done));
      }),
      c.pipeline(['LIST'], true),
    ]);
    const replies = tops ? await tops : [];
    const headerBytes = replies.reduce((s, r) => s + r.bytes, 0);
    await c.quit();
    return { count: scanLines(uidl[0]!.body!).length, headerBytes, fetched };
  } catch (e) {
    c.destroy();
    throw e;
  }
}

/** The unique-ids of a maildrop (for W3's "known" set). */
export async function rawUids(endpoint: RawEndpoint, username: string, password: string): Promise<Set<string>> {
  const c = await RawPop3.connect(endpoint);
  await c.login(username, password);
  const [uidl] = await c.pipeline(['UIDL'], true, true);
  await c.quit();
  return new Set(scanLines(uidl!.body!).map(([, u]) => u));
}
