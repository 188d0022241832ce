import { concatBytes, LF, PLUS } from './bytes.ts';
import { COMMAND_RULES, encodeCommand, encodeSaslResponse } from './commands.ts';
import type { Command, ReplyShape, SaslResponse } from './commands.ts';
import { Pop3LocalError, Pop3RemoteError } from './errors.ts';
import { MultilineDecoder } from './multiline.ts';
import { SessionMachine } from './state.ts';
import type { SessionState } from './state.ts';
import { parseStatusLine } from './status.ts';
import type { StatusReply } from './status.ts';

/** A command handed to the protocol, waiting to be sent or answered. */
export interface PendingCommand {
  readonly id: number;
  readonly command: Command;
  readonly shape: ReplyShape;
  readonly exclusive: boolean;
}

export type Pop3Event =
  /** The server's first line; a -ERR greeting closes the session (the client decides what it means). */
  | { type: 'greeting'; reply: StatusReply }
  /** A status line. `final` is false when a multi-line body follows. */
  | { type: 'status'; command: PendingCommand; reply: StatusReply; final: boolean }
  /** A piece of a multi-line body, dot-unstuffed, line ends as the server sent them. */
  | { type: 'data'; command: PendingCommand; chunk: Uint8Array }
  | { type: 'end'; command: PendingCommand }
  /** RFC 5034: the server asks for the next SASL response. */
  | { type: 'continuation'; command: PendingCommand; challenge: string }
  /** The server broke the protocol or the input ended early: the session is in ERROR, every outstanding command has failed. */
  | { type: 'error'; error: Pop3RemoteError };

export interface ProtocolOptions {
  /** Longest status line accepted. RFC 2449 allows 512 octets; servers add more to greetings. */
  maxStatusLineLength?: number;
  /** Largest multi-line body accepted; bounds memory against a runaway server. */
  maxBodySize?: number;
  /** Most commands in flight at once when the server allows PIPELINING. */
  pipelineWindow?: number;
}

export const DEFAULT_MAX_STATUS_LINE_LENGTH = 4096;
export const DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024;
// Commands are a few octets each, so a wide window costs little memory while
// keeping a long pipeline full over a slow link; replies are read as they come,
// so the server is never blocked writing them.
export const DEFAULT_PIPELINE_WINDOW = 1024;

type Outgoing = { kind: 'command'; pending: PendingCommand; bytes: Uint8Array } | { kind: 'raw'; bytes: Uint8Array };

/**
 * The POP3 client protocol, sans I/O; how it is driven and how its state
 * moves is described at the top of state.ts.
 */
export class Pop3Protocol {
  private readonly session = new SessionMachine();
  private pipelining = false;
  /** The client has sent its final SASL response: a bare "+" now is the verdict, positive (V0001). */
  private saslOutcomeExpected = false;
  private nextId = 1;
  private readonly outbox: Outgoing[] = [];
  private readonly inFlight: PendingCommand[] = [];
  private readonly events: Pop3Event[] = [];
  private buffer: Uint8Array = new Uint8Array(0);
  private scannedTo = 0;
  private body: { decoder: MultilineDecoder; size: number; limit: number } | null = null;
  private readonly maxStatusLineLength: number;
  private readonly maxBodySize: number;
  readonly pipelineWindow: number;

  constructor(options: ProtocolOptions = {}) {
    this.maxStatusLineLength = options.maxStatusLineLength ?? DEFAULT_MAX_STATUS_LINE_LENGTH;
    this.maxBodySize = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
    this.pipelineWindow = Math.max(1, options.pipelineWindow ?? DEFAULT_PIPELINE_WINDOW);
  }

  get state(): SessionState {
    return this.session.state;
  }

  /** CLOSED or ERROR: the session is over. */
  get closed(): boolean {
    return this.session.finished;
  }

  /** Commands sent or waiting to be sent, not yet fully answered. */
  get outstanding(): number {
    return this.inFlight.length + this.outbox.filter((item) => item.kind === 'command').length;
  }

  /** Turn pipelining on once CAPA has listed PIPELINING (RFC 2449 section 6.6). */
  setPipelining(enabled: boolean): void {
    this.pipelining = enabled;
  }

  /**
   * Queue a command. Refuses, before anything is sent, a command the current
   * state does not allow and an argument that could inject a second command.
   */
  enqueue(command: Command): PendingCommand {
    this.session.check(command.name);
    const rule = COMMAND_RULES[command.name];
    const bytes = encodeCommand(command);
    const pending: PendingCommand = { id: this.nextId++, command, shape: rule.shape(command), exclusive: rule.exclusive };
    // AUTH is exclusive, so no other exchange is in flight when this one is queued.
    if (command.name === 'AUTH') this.saslOutcomeExpected = command.initialResponse?.final ?? false;
    this.session.queued(command.name);
    this.outbox.push({ kind: 'command', pending, bytes });
    return pending;
  }

  /** Answer a SASL continuation (RFC 5034); the response says whether it is the mechanism's last. */
  sendSaslResponse(response: SaslResponse): void {
    const head = this.inFlight[0];
    if (head === undefined || head.shape !== 'sasl') {
      throw new Pop3LocalError('BAD_STATE', 'No SASL exchange is in progress');
    }
    this.outbox.unshift({ kind: 'raw', bytes: encodeSaslResponse(response.data) });
    this.saslOutcomeExpected = response.final;
  }

  /** The bytes that may be written now, or null. Respects pipelining, the window and exclusive commands. */
  dataToSend(): Uint8Array | null {
    if (!this.session.canSend) return null;
    const out: Uint8Array[] = [];
    while (this.outbox.length > 0) {
      const item = this.outbox[0]!;
      if (item.kind === 'raw') {
        out.push(item.bytes);
        this.outbox.shift();
        continue;
      }
      const alone = item.pending.exclusive || !this.pipelining || this.session.state === 'AUTHORIZATION';
      const head = this.inFlight[0];
      if (head !== undefined && (alone || head.exclusive)) break;
      if (this.inFlight.length >= this.pipelineWindow) break;
      this.outbox.shift();
      this.inFlight.push(item.pending);
      out.push(item.bytes);
      if (alone) break;
    }
    return out.length === 0 ? null : concatBytes(out);
  }

  /** Every event since the last call, in order (one array per call: cheap in a hot loop). */
  takeEvents(): Pop3Event[] {
    return this.events.splice(0, this.events.length);
  }

  receiveData(chunk: Uint8Array): void {
    if (this.session.finished) return;
    const data = this.buffer.length === 0 ? chunk : concatBytes([this.buffer, chunk]);
    let pos = 0;
    try {
      while (pos < data.length && !this.closed) {
        const next = this.body ? this.readBody(data, pos) : this.readStatus(data, pos);
        if (next === pos) break; // need more data
        pos = next;
      }
    } catch (error) {
      this.fail(error instanceof Pop3RemoteError ? error : new Pop3RemoteError('PROTOCOL', String(error), { cause: error }));
      return;
    }
    const rest = data.subarray(pos);
    // Keep only what is unread; copy it so the caller's chunk is not pinned.
    this.buffer = rest.length === 0 ? new Uint8Array(0) : rest.slice();
  }

  /** The input ended. If a reply was still owed, that is an UNEXPECTED_END error. */
  receiveEof(): void {
    const head = this.inFlight[0];
    const wasGreeting = this.session.state === 'GREETING';
    if (this.session.finished || this.session.ended(head !== undefined || this.body !== null)) return;
    const message = wasGreeting
      ? 'input ended before the greeting'
      : head?.command.name === 'QUIT'
        ? 'input ended before QUIT was confirmed; whether deletions were committed is unknown'
        : `input ended before the reply to ${head?.command.name ?? 'a command'} was complete`;
    this.fail(new Pop3RemoteError('UNEXPECTED_END', message));
  }

  private fail(error: Pop3RemoteError): void {
    this.session.broken();
    this.body = null;
    this.buffer = new Uint8Array(0);
    this.inFlight.length = 0;
    this.outbox.length = 0;
    this.events.push({ type: 'error', error });
  }

  private readStatus(data: Uint8Array, pos: number): number {
    const from = Math.max(pos, pos + this.scannedTo);
    const lf = data.indexOf(LF, from);
    if (lf < 0) {
      this.scannedTo = data.length - pos;
      if (data.length - pos > this.maxStatusLineLength) {
        throw this.lineTooLong();
      }
      return pos;
    }
    this.scannedTo = 0;
    if (lf + 1 - pos > this.maxStatusLineLength) {
      throw this.lineTooLong();
    }
    const line = data.subarray(pos, lf + 1);
    this.onStatusLine(line, data.length > lf + 1);
    return lf + 1;
  }

  private lineTooLong(): Pop3RemoteError {
    const limit = this.maxStatusLineLength;
    return new Pop3RemoteError('TOO_LARGE', `reply line longer than ${limit} octets`, { limit });
  }

  private onStatusLine(line: Uint8Array, moreBuffered: boolean): void {
    if (this.session.state === 'GREETING') {
      const reply = parseStatusLine(line);
      this.events.push({ type: 'greeting', reply });
      this.session.greeted(reply.ok);
      return;
    }
    const head = this.inFlight[0];
    if (head === undefined) {
      throw new Pop3RemoteError('PROTOCOL', 'The server sent a reply to a command that was not sent');
    }
    if (head.shape === 'sasl' && !this.saslOutcomeExpected && isContinuation(line)) {
      const challenge = parseStatusLine(line).fullText.trim();
      this.events.push({ type: 'continuation', command: head, challenge });
      return;
    }
    const reply = parseStatusLine(line);
    if (head.command.name === 'STLS' && reply.ok && moreBuffered) {
      // Anything after the +OK arrived in clear text before TLS: an injection attempt (RFC 2595 section 4).
      throw new Pop3RemoteError('PROTOCOL', 'The server sent data after accepting STLS; the connection is not safe');
    }
    const multiline = reply.ok && (head.shape === 'message' || head.shape === 'listing');
    this.events.push({ type: 'status', command: head, reply, final: !multiline });
    if (multiline) {
      this.body = { decoder: new MultilineDecoder(head.shape === 'listing' ? 'listing' : 'message'), size: 0, limit: this.maxBodySize };
      return;
    }
    this.inFlight.shift();
    this.session.answered(head.command.name, reply.ok);
  }

  private readBody(data: Uint8Array, pos: number): number {
    const body = this.body!;
    const head = this.inFlight[0]!;
    const step = body.decoder.decode(data, pos);
    for (const chunk of step.chunks) {
      body.size += chunk.length;
      if (body.size > body.limit) {
        throw new Pop3RemoteError('TOO_LARGE', `The reply to ${head.command.name} is larger than ${body.limit} octets`, { limit: body.limit });
      }
      // Views into `data` would be overwritten by nothing, but may pin a large buffer; callers copy if they keep them.
      this.events.push({ type: 'data', command: head, chunk });
    }
    if (step.ended) {
      this.body = null;
      this.inFlight.shift();
      this.events.push({ type: 'end', command: head });
    }
    return step.next;
  }
}

/** "+ challenge" or a bare "+": a SASL continuation rather than "+OK". */
function isContinuation(line: Uint8Array): boolean {
  if (line[0] !== PLUS) return false;
  const second = line[1];
  return !(second === 0x4f || second === 0x6f); // not "+O"/"+o"
}
