import {
  Pop3RemoteError,
  UNKNOWN_CAPABILITIES,
  apopTimestamp,
  concatBytes,
  errorForReply,
  parseCapabilities,
  parseDropListing,
  parseScanList,
  parseUniqueIdList,
  parseUniqueIdListing,
  splitLines,
} from '../../shared/pop3/index.ts';
import { MAX_COMMAND_LENGTH } from '../../shared/pop3/index.ts';
import type { Capabilities, Command, SaslResponse, StatusReply } from '../../shared/pop3/index.ts';
import { Pop3TransportError } from './errors.ts';
import type { AnyPop3Error } from './errors.ts';
import { Pop3Transport } from './transport.ts';
import type { ConnectionOptions, Pop3Endpoint, ReplyHandler } from './transport.ts';
import { apopDigest, chooseMechanism, cramMd5Response, saslLoginResponse, saslPlain } from './mechanisms.ts';
import type { Credentials, Mechanism } from './mechanisms.ts';

export type { Pop3Endpoint, Security } from './transport.ts';
export type { Credentials, Mechanism } from './mechanisms.ts';
export type Pop3ClientOptions = ConnectionOptions;

/** A reply with its multi-line body collected, for replies known to be small. */
interface Reply {
  status: StatusReply;
  body: Uint8Array | null;
}

/**
 * A POP3 client for one connection: sign-in, listings, TOP, RETR, DELE and
 * QUIT. Message numbers are valid only inside this connection; callers map
 * unique-ids to numbers through this connection's own UIDL listing.
 */
export class Pop3Client {
  capabilities: Capabilities = UNKNOWN_CAPABILITIES;
  authMechanism: Mechanism | undefined;

  private constructor(
    private readonly connection: Pop3Transport,
    readonly greeting: StatusReply,
  ) {}

  /** Connects, reads the greeting and CAPA, and for `starttls` switches to TLS (never falling back to clear text). */
  static async connect(endpoint: Pop3Endpoint, options: Pop3ClientOptions = {}): Promise<Pop3Client> {
    const { connection, greeting } = await Pop3Transport.open(endpoint, options);
    const client = new Pop3Client(connection, greeting);
    try {
      await client.refreshCapabilities();
      if (endpoint.security === 'starttls') {
        if (!client.capabilities.stls) {
          // Some servers offer STLS without CAPA; ask anyway, and refuse to go on in clear text if it fails.
          if (client.capabilities.known) {
            throw new Pop3RemoteError('STLS_UNAVAILABLE', `${endpoint.host} does not offer STLS; Popbridge will not sign in over clear text`);
          }
        }
        const reply = await client.command({ name: 'STLS' });
        if (!reply.status.ok) {
          throw new Pop3RemoteError('STLS_UNAVAILABLE', `${endpoint.host} refused STLS (${reply.status.fullText}); Popbridge will not sign in over clear text`, {
            serverText: reply.status.fullText,
          });
        }
        await connection.upgradeToTls();
        // RFC 2595 section 4: forget what was learned before TLS and ask again.
        client.capabilities = UNKNOWN_CAPABILITIES;
        await client.refreshCapabilities();
      }
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return client;
  }

  get closed(): boolean {
    return this.connection.closed;
  }

  get encrypted(): boolean {
    return this.connection.encrypted;
  }

  /** The negotiated TLS details, for diagnostics. */
  get tls(): { protocol: string | null; certificate: ReturnType<import('node:tls').TLSSocket['getPeerCertificate']> } | null {
    const socket = this.connection.tlsSocket;
    return socket ? { protocol: socket.getProtocol(), certificate: socket.getPeerCertificate() } : null;
  }

  onClose(listener: (error?: AnyPop3Error) => void): void {
    this.connection.onClose(listener);
  }

  /** Signs in with the strongest safe mechanism the server offers, then re-reads CAPA (RFC 2449 section 5). */
  async login(credentials: Credentials): Promise<void> {
    const mechanism = chooseMechanism(this.capabilities, this.greeting, this.encrypted, this.connection.endpoint.security === 'plain');
    try {
      await this.authenticate(mechanism, credentials);
    } catch (error) {
      const delay = this.capabilities.loginDelay?.seconds;
      if (error instanceof Pop3RemoteError && error.code === 'LOGIN_DELAY' && delay !== undefined && error.delaySeconds === undefined) {
        throw new Pop3RemoteError(error.code, error.message, { ...(error.serverText !== undefined ? { serverText: error.serverText } : {}), delaySeconds: delay });
      }
      throw error;
    }
    this.authMechanism = mechanism;
    await this.refreshCapabilities();
  }

  async authenticate(mechanism: Mechanism, credentials: Credentials): Promise<void> {
    switch (mechanism) {
      case 'USER': {
        await this.expectOk({ name: 'USER', username: credentials.username });
        await this.expectOk({ name: 'PASS', password: credentials.password });
        return;
      }
      case 'APOP': {
        const timestamp = apopTimestamp(this.greeting);
        if (timestamp === null) throw new Pop3RemoteError('NOT_SUPPORTED', 'The greeting carries no APOP timestamp');
        await this.expectOk({ name: 'APOP', username: credentials.username, digest: apopDigest(timestamp, credentials.password) });
        return;
      }
      case 'SASL PLAIN': {
        const response = saslPlain(credentials);
        // RFC 5034 section 4: an initial response that would make the line too long waits for the continuation.
        if (`AUTH PLAIN ${response}\r\n`.length <= MAX_COMMAND_LENGTH) {
          await this.sasl({ name: 'AUTH', mechanism: 'PLAIN', initialResponse: { data: response, final: true } }, () => null);
        } else {
          let sent = false;
          await this.sasl({ name: 'AUTH', mechanism: 'PLAIN' }, () => (sent ? null : ((sent = true), { data: response, final: true })));
        }
        return;
      }
      case 'SASL LOGIN': {
        let step = 0;
        await this.sasl({ name: 'AUTH', mechanism: 'LOGIN' }, () => {
          if (step > 1) return null;
          const data = saslLoginResponse(credentials, step);
          return { data, final: ++step === 2 };
        });
        return;
      }
      case 'SASL CRAM-MD5': {
        let answered = false;
        await this.sasl({ name: 'AUTH', mechanism: 'CRAM-MD5' }, (challenge) => {
          if (answered) return null;
          answered = true;
          return { data: cramMd5Response(credentials, challenge), final: true };
        });
        return;
      }
    }
  }

  async refreshCapabilities(): Promise<Capabilities> {
    const reply = await this.command({ name: 'CAPA' });
    // RFC 1939 minimal servers have no CAPA: keep what we knew (nothing).
    if (reply.status.ok && reply.body !== null) this.capabilities = parseCapabilities(splitLines(reply.body));
    this.connection.protocol.setPipelining(this.capabilities.pipelining);
    return this.capabilities;
  }

  async stat(): Promise<{ count: number; size: number }> {
    const reply = await this.expectOk({ name: 'STAT' });
    return parseDropListing(reply.status.text);
  }

  async list(): Promise<Array<{ msg: number; size: number }>> {
    const reply = await this.expectOk({ name: 'LIST' });
    return parseScanList(reply.body ?? new Uint8Array(0));
  }

  /** The unique-id listing, or null when the server has no UIDL. */
  async uidl(): Promise<Array<{ msg: number; uid: string }> | null> {
    const reply = await this.command({ name: 'UIDL' });
    if (!reply.status.ok) {
      if (!this.capabilities.uidl) return null;
      throw errorForReply({ name: 'UIDL' }, reply.status);
    }
    return parseUniqueIdList(reply.body ?? new Uint8Array(0));
  }

  async uidlOne(msg: number): Promise<string | null> {
    const reply = await this.command({ name: 'UIDL', msg });
    if (!reply.status.ok) return null;
    return parseUniqueIdListing(reply.status.text).uid;
  }

  /** TOP msg n, or null when the server has no TOP. */
  async top(msg: number, lines: number): Promise<Uint8Array | null> {
    const reply = await this.command({ name: 'TOP', msg, lines });
    if (!reply.status.ok) {
      if (!this.capabilities.top) return null;
      throw errorForReply({ name: 'TOP', msg, lines }, reply.status);
    }
    return reply.body ?? new Uint8Array(0);
  }

  /**
   * TOP for many messages; pipelined when the server allows it, so they go
   * out in batches rather than one round trip each. `onEach` gets each
   * result in order; a -ERR for one message does not stop the others.
   * `maxBytes` keeps at most that much of each reply: the rest is read off
   * the wire and dropped, so a server sending huge replies cannot make them
   * pile up in memory.
   */
  async topMany(
    msgs: readonly number[], lines: number, onEach: (msg: number, result: Uint8Array | Pop3RemoteError) => void, maxBytes = Infinity,
  ): Promise<void> {
    if (msgs.length === 0) return;
    // One handler per command and one promise for all: thousands of replies,
    // little garbage. Commands are handed to the protocol as replies free the
    // window, so the first ones leave at once instead of after all are queued.
    await new Promise<void>((resolve, reject) => {
      let left = msgs.length;
      let next = 0;
      let failed = false;
      const sendNext = (): void => {
        if (failed || next >= msgs.length) return;
        const msg = msgs[next++]!;
        const command: Command = { name: 'TOP', msg, lines };
        const parts: Uint8Array[] = [];
        let kept = 0;
        const done = (result: Uint8Array | Pop3RemoteError): void => {
          if (failed) return;
          onEach(msg, result);
          if (--left === 0) resolve();
          else sendNext();
        };
        this.connection.send(command, {
          status: (reply, final) => {
            if (final) done(errorForReply(command, reply));
          },
          data: (chunk) => {
            if (kept >= maxBytes) return; // past the cap the reply is read and dropped
            const take = chunk.subarray(0, maxBytes - kept);
            parts.push(take);
            kept += take.length;
          },
          end: () => done(parts.length === 1 ? parts[0]! : concatBytes(parts.length === 0 ? [new Uint8Array(0)] : parts)),
          error: (error) => {
            if (failed) return;
            failed = true;
            reject(error);
          },
        });
      };
      try {
        for (let i = 0; i < Math.min(msgs.length, this.connection.pipelineWindow); i++) sendNext();
      } catch (error) {
        failed = true;
        reject(error);
      }
    });
  }

  /** The message's bytes as they arrive, dot-unstuffed; the socket pauses while the reader falls behind. */
  retr(msg: number): AsyncIterable<Uint8Array> {
    return this.stream({ name: 'RETR', msg });
  }

  async retrAll(msg: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.retr(msg)) parts.push(chunk);
    return concatBytes(parts.length === 0 ? [new Uint8Array(0)] : parts);
  }

  async dele(msg: number): Promise<void> {
    await this.expectOk({ name: 'DELE', msg });
  }

  async rset(): Promise<void> {
    await this.expectOk({ name: 'RSET' });
  }

  async noop(): Promise<void> {
    await this.expectOk({ name: 'NOOP' });
  }

  /**
   * Ends the session. From TRANSACTION, the server commits deletions (UPDATE)
   * and only its +OK says so: if the connection drops first this rejects
   * with CONNECTION_CLOSED and the outcome is unknown.
   */
  async quit(): Promise<void> {
    if (this.connection.closed) throw new Pop3TransportError('CONNECTION_CLOSED', 'The POP3 connection is already closed');
    let reply: Reply;
    try {
      reply = await this.command({ name: 'QUIT' });
    } catch (error) {
      this.connection.destroy();
      throw error;
    }
    if (!reply.status.ok) {
      this.connection.destroy();
      throw errorForReply({ name: 'QUIT' }, reply.status);
    }
    this.connection.close();
  }

  /** Drops the connection without QUIT: nothing marked for deletion is committed. */
  destroy(): void {
    this.connection.destroy();
  }

  private async expectOk(command: Command): Promise<Reply> {
    const reply = await this.command(command);
    if (!reply.status.ok) throw errorForReply(command, reply.status);
    return reply;
  }

  private command(command: Command): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const parts: Uint8Array[] = [];
      let status: StatusReply;
      const handler: ReplyHandler = {
        status: (reply, final) => {
          status = reply;
          if (final) resolve({ status: reply, body: null });
        },
        data: (chunk) => parts.push(chunk),
        end: () => resolve({ status, body: concatBytes(parts.length === 0 ? [new Uint8Array(0)] : parts) }),
        error: reject,
      };
      this.connection.send(command, handler);
    });
  }

  /**
   * One SASL exchange. `answer` gives the response to each challenge, or null
   * when the mechanism has nothing more to say: the exchange is then
   * cancelled, and the failure is the server's unexpected step, not a wrong password.
   * Each response (and the AUTH's initial one) says itself whether it is the last.
   */
  private sasl(command: Command & { name: 'AUTH' }, answer: (challenge: string) => SaslResponse | null): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let cancelled = false;
      const handler: ReplyHandler = {
        status: (reply) => {
          if (reply.ok) resolve();
          else if (cancelled) reject(new Pop3RemoteError('PROTOCOL', `The server asked for an unexpected extra step in ${command.mechanism} sign-in`, { serverText: reply.fullText }));
          else reject(errorForReply(command, reply));
        },
        continuation: (challenge) => {
          try {
            const next = answer(challenge);
            cancelled = next === null;
            // A cancel is not final: the server's -ERR follows, and a "+" must not read as success.
            this.connection.sendSaslResponse(next ?? { data: '*', final: false });
          } catch (error) {
            reject(error);
          }
        },
        error: reject,
      };
      this.connection.send(command, handler);
    });
  }

  private stream(command: Command): AsyncIterable<Uint8Array> {
    const connection = this.connection;
    return {
      [Symbol.asyncIterator]: () => {
        const queue: Uint8Array[] = [];
        let queued = 0;
        let done = false;
        let failure: unknown;
        let wake: (() => void) | undefined;
        const notify = (): void => {
          wake?.();
          wake = undefined;
        };
        connection.send(command, {
          status: (reply, final) => {
            if (final) {
              failure = reply.ok ? undefined : errorForReply(command, reply);
              done = true;
              notify();
            }
          },
          data: (chunk) => {
            queue.push(chunk);
            queued += chunk.length;
            if (queued > Pop3Transport.STREAM_HIGH_WATER) connection.setPaused(true);
            notify();
          },
          end: () => {
            done = true;
            notify();
          },
          error: (error) => {
            failure = error;
            done = true;
            notify();
          },
        });
        return {
          next: async (): Promise<IteratorResult<Uint8Array>> => {
            while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
            // Whatever has arrived leaves in one piece: fewer hops through the async pipeline downstream.
            const chunk = queue.length > 1 ? concatBytes(queue.splice(0, queue.length)) : queue.shift();
            if (chunk !== undefined) {
              queued -= chunk.length;
              if (queued <= Pop3Transport.STREAM_HIGH_WATER / 2) connection.setPaused(false);
              return { value: chunk, done: false };
            }
            if (failure !== undefined) throw failure;
            return { value: undefined, done: true };
          },
          return: async (): Promise<IteratorResult<Uint8Array>> => {
            // A reader that stops early leaves the reply half-read: the connection cannot be reused.
            if (!done) connection.destroy(new Pop3TransportError('CONNECTION_CLOSED', 'The message download was abandoned'));
            connection.setPaused(false);
            return { value: undefined, done: true };
          },
        };
      },
    };
  }
}
