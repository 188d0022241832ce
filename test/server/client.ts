import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { z } from 'zod';
import { ResultSchemas, ServerMessage, type ApiError, type ClientMessage, type Reply, type RequestType, type ServerEvent, type Summary } from '../../shared/api/index.ts';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

/** A browser stand-in: cookie jar, HTTP calls, and one WebSocket per tab. */
export class TestBrowser {
  cookie = '';
  constructor(readonly base: string) {}

  static async of(app: FastifyInstance): Promise<TestBrowser> {
    const addr = app.server.address() as AddressInfo;
    return new TestBrowser(`http://127.0.0.1:${addr.port}`);
  }

  async http(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; json: any; bytes: Uint8Array }> {
    const res = await fetch(this.base + path, {
      method,
      headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const bytes = new Uint8Array(await res.arrayBuffer());
    let json: any = null;
    try { json = JSON.parse(Buffer.from(bytes).toString('utf8')); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, bytes };
  }

  /** The signed-in account's tag, from the sign-in reply: message URLs name it. */
  account = '';

  async signIn(serverId: string, username: string, password: string) {
    const res = await this.http('POST', '/api/session', { serverId, username, password });
    if (res.status === 200) this.account = res.json.account;
    return res;
  }

  /** GET path of a message's bytes in this browser's account. */
  rawPath(key: string, suffix = ''): string {
    return `/api/accounts/${this.account}/messages/${key}/raw${suffix}`;
  }

  async tab(origin = this.base): Promise<Tab> {
    const ws = new WebSocket(this.base.replace('http', 'ws') + '/api/ws', { headers: { cookie: this.cookie }, origin });
    const tab = new Tab(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
    await tab.next('ready');
    return tab;
  }
}

/** Summaries by key; get() of a key the listing lacks fails the test with that key. */
export class Summaries extends Map<string, Summary> {
  override get(key: string): Summary {
    const summary = super.get(key);
    if (summary === undefined) throw new Error(`no summary for key ${key}`);
    return summary;
  }
}

/** A request as a test writes it: the contract's message without the id, which Tab adds. */
export type RequestBody<T extends RequestType = RequestType> = T extends RequestType ? Omit<Extract<ClientMessage, { type: T }>, 'id'> : never;

/**
 * A reply to a request of type T: `error`, or `result` typed (and checked) by
 * the contract's ResultSchemas. Reading `result` of an error reply fails the
 * test with the error's code instead of a TypeError later.
 */
export class TypedReply<T extends RequestType> {
  constructor(private readonly value: z.infer<(typeof ResultSchemas)[T]> | undefined, readonly error?: ApiError) {}

  get result(): z.infer<(typeof ResultSchemas)[T]> {
    if (this.error !== undefined) throw new Error(`the request failed with ${this.error.code}`);
    return this.value!;
  }
}

export class Tab {
  readonly events: ServerEvent[] = [];
  readonly invalid: unknown[] = [];
  private readonly replies = new Map<string, (m: Reply) => void>();
  private waiters: Array<() => void> = [];
  private seq = 0;
  closed = false;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const json = JSON.parse(data.toString());
      const parsed = ServerMessage.safeParse(json);
      if (!parsed.success) { this.invalid.push(json); return; }
      const m = parsed.data;
      if (m.type === 'reply') {
        const r = m.id !== null ? this.replies.get(m.id) : undefined;
        if (r) { this.replies.delete(m.id!); r(m); } else this.events.push(m as unknown as ServerEvent);
      } else {
        this.events.push(m);
      }
      const w = this.waiters; this.waiters = []; w.forEach((f) => f());
    });
    ws.on('close', () => { this.closed = true; const w = this.waiters; this.waiters = []; w.forEach((f) => f()); });
  }

  /**
   * Sends a request and resolves with its reply; a result that breaks the
   * contract fails the test here, not in a later assertion.
   */
  async request<B extends RequestBody>(body: B, timeoutMs = 60_000): Promise<TypedReply<B['type']>> {
    const reply = await this.send(body, timeoutMs);
    if (reply.error !== undefined) return new TypedReply<B['type']>(undefined, reply.error);
    const parsed = ResultSchemas[body.type].safeParse(reply.result);
    if (!parsed.success) throw new Error(`the ${body.type} result breaks the contract: ${parsed.error.message}\n${JSON.stringify(reply.result)}`);
    return new TypedReply<B['type']>(parsed.data as z.infer<(typeof ResultSchemas)[B['type']]>);
  }

  /** Sends any frame, even one the contract refuses (for tests of bad input), and resolves with the raw reply. */
  send(body: Record<string, unknown>, timeoutMs = 60_000): Promise<Reply> {
    // Unguessable, so a test's own hand-written or random frames can never take a reply meant for this request.
    const id = `t${++this.seq}-${randomUUID()}`;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no reply to ${String(body.type)} in ${timeoutMs} ms`)), timeoutMs);
      this.replies.set(id, (m) => { clearTimeout(t); resolve(m); });
      this.ws.send(JSON.stringify({ ...body, id }));
    });
  }

  /** Waits for an event of this type after position `from`; returns it. */
  async next<T extends ServerEvent['type']>(type: T, pred: (e: Extract<ServerEvent, { type: T }>) => boolean = () => true, from = 0, timeoutMs = 60_000): Promise<Extract<ServerEvent, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find((e) => e.type === type && pred(e as any));
      if (found) return found as any;
      if (this.closed) throw new Error(`socket closed while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} event in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => { const t = setTimeout(resolve, left); this.waiters.push(() => { clearTimeout(t); resolve(); }); });
    }
  }

  /** Sync and collect the listing (summaries since the last syncStarted) until syncDone. */
  async sync(refresh = false): Promise<{ keys: string[]; summaries: Summaries }> {
    const from = this.events.length;
    const reply = await this.request({ type: 'sync', refresh });
    if (reply.error) throw Object.assign(new Error(reply.error.code), reply.error);
    const done = await this.next('syncDone', () => true, from);
    const startIdx = this.events.findIndex((e, i) => i >= from && e.type === 'syncStarted');
    const summaries = new Summaries();
    for (const e of this.events.slice(startIdx)) {
      if (e === done) break;
      if (e.type === 'summaries') for (const s of e.items) summaries.set(s.key, s);
    }
    const keys = [...summaries.values()].sort((a, b) => a.index - b.index).map((s) => s.key);
    return { keys, summaries };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => { this.ws.once('close', () => r()); this.ws.close(); });
  }
}

export function listenUrl(app: FastifyInstance): string {
  const addr = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${addr.port}`;
}
