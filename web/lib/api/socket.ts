import type { z } from 'zod';
import {
  ResultSchemas,
  ServerMessage,
  type ClientMessage,
  type RequestType,
  type ServerEvent,
} from '../../../shared/api/index.ts';
import { AppError } from './errors.ts';

type Payload<T extends RequestType> = Omit<Extract<ClientMessage, { type: T }>, 'type' | 'id'>;
type Result<T extends RequestType> = z.infer<(typeof ResultSchemas)[T]>;

interface Pending {
  type: RequestType;
  resolve: (value: unknown) => void;
  reject: (err: AppError) => void;
}

// A reconnect gives up after this many failed attempts in a row, so a dead
// server or an ended session surfaces as an error instead of a silent loop.
const MAX_RECONNECT_ATTEMPTS = 6;

export interface SocketHandlers {
  onEvent: (event: ServerEvent) => void;
  /** Connected (again): the caller should sync. */
  onOpen: () => void;
  /** Gave up reconnecting: the session is probably gone. */
  onLost: () => void;
}

/** One WebSocket per tab: requests with ids, replies matched by id, pushed events. */
export class MailSocket {
  #ws: WebSocket | null = null;
  #pending = new Map<string, Pending>();
  #queue: string[] = [];
  #nextId = 1;
  #attempts = 0;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #handlers: SocketHandlers;

  constructor(handlers: SocketHandlers) {
    this.#handlers = handlers;
  }

  connect(): void {
    if (this.#closed) return;
    const url = new URL('/api/ws', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.#ws = ws;
    ws.onopen = () => {
      this.#attempts = 0;
      for (const frame of this.#queue.splice(0)) ws.send(frame);
      this.#handlers.onOpen();
    };
    ws.onmessage = (event) => this.#receive(event.data);
    ws.onclose = (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      for (const p of this.#pending.values()) p.reject(new AppError('CONNECTION_CLOSED', 'socket closed'));
      this.#pending.clear();
      if (this.#closed) return;
      // 4029: the server refused this tab's socket (too many open); retrying would only be refused again.
      if (event.code === 4029 || ++this.#attempts > MAX_RECONNECT_ATTEMPTS) {
        this.#handlers.onLost();
        return;
      }
      this.#timer = setTimeout(() => this.connect(), Math.min(8000, 250 * 2 ** this.#attempts));
    };
  }

  request<T extends RequestType>(type: T, payload: Payload<T>): Promise<Result<T>> {
    const id = String(this.#nextId++);
    const frame = JSON.stringify({ ...payload, type, id });
    return new Promise<Result<T>>((resolve, reject) => {
      this.#pending.set(id, { type, resolve: resolve as (v: unknown) => void, reject });
      if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(frame);
      else this.#queue.push(frame);
    });
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#ws?.close(1000);
    this.#ws = null;
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type !== 'reply') {
      this.#handlers.onEvent(msg);
      return;
    }
    if (msg.id === null) return;
    const pending = this.#pending.get(msg.id);
    if (!pending) return;
    this.#pending.delete(msg.id);
    if (msg.error) {
      pending.reject(AppError.from(msg.error));
      return;
    }
    const result = ResultSchemas[pending.type].safeParse(msg.result);
    if (result.success) pending.resolve(result.data);
    else pending.reject(new AppError('BAD_RESPONSE', result.error.message));
  }
}
