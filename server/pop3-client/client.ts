import {
  Pop3RemoteError,
  UNKNOWN_CAPABILITIES,
  concatBytes,
  errorForReply,
  parseCapabilities,
  parseDropListing,
  parseScanList,
  parseUniqueIdList,
  parseUniqueIdListing,
  splitLines,
} from '../../shared/pop3/index.ts';
import type { Capabilities, StatusReply } from '../../shared/pop3/index.ts';
import { Pop3TransportError } from './errors.ts';
import type { AnyPop3Error } from './errors.ts';
import { Pop3Transport } from './transport.ts';
import type { ConnectionOptions, Pop3Endpoint } from './transport.ts';
import type { Credentials, Mechanism } from './mechanisms.ts';
import { exchange, expectOk } from './exchange.ts';
import type { Reply } from './exchange.ts';
import { authenticateWith, signIn } from './sign-in.ts';
import { topMany } from './top-many.ts';
import { streamBody } from './body-stream.ts';

export type { Pop3Endpoint, Security } from './transport.ts';
export type { Credentials, Mechanism } from './mechanisms.ts';
export type Pop3ClientOptions = ConnectionOptions;

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
        const reply = await exchange(connection, { name: 'STLS' });
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
    this.authMechanism = await signIn(this.connection, this.capabilities, this.greeting, credentials);
    await this.refreshCapabilities();
  }

  authenticate(mechanism: Mechanism, credentials: Credentials): Promise<void> {
    return authenticateWith(this.connection, this.greeting, mechanism, credentials);
  }

  async refreshCapabilities(): Promise<Capabilities> {
    const reply = await exchange(this.connection, { name: 'CAPA' });
    // RFC 1939 minimal servers have no CAPA: keep what we knew (nothing).
    if (reply.status.ok && reply.body !== null) this.capabilities = parseCapabilities(splitLines(reply.body));
    this.connection.protocol.setPipelining(this.capabilities.pipelining);
    return this.capabilities;
  }

  async stat(): Promise<{ count: number; size: number }> {
    const reply = await expectOk(this.connection, { name: 'STAT' });
    return parseDropListing(reply.status.text);
  }

  async list(): Promise<Array<{ msg: number; size: number }>> {
    const reply = await expectOk(this.connection, { name: 'LIST' });
    return parseScanList(reply.body ?? new Uint8Array(0));
  }

  /** The unique-id listing, or null when the server has no UIDL. */
  async uidl(): Promise<Array<{ msg: number; uid: string }> | null> {
    const reply = await exchange(this.connection, { name: 'UIDL' });
    if (!reply.status.ok) {
      if (!this.capabilities.uidl) return null;
      throw errorForReply({ name: 'UIDL' }, reply.status);
    }
    return parseUniqueIdList(reply.body ?? new Uint8Array(0));
  }

  async uidlOne(msg: number): Promise<string | null> {
    const reply = await exchange(this.connection, { name: 'UIDL', msg });
    if (!reply.status.ok) return null;
    return parseUniqueIdListing(reply.status.text).uid;
  }

  /** TOP msg n, or null when the server has no TOP. */
  async top(msg: number, lines: number): Promise<Uint8Array | null> {
    const reply = await exchange(this.connection, { name: 'TOP', msg, lines });
    if (!reply.status.ok) {
      if (!this.capabilities.top) return null;
      throw errorForReply({ name: 'TOP', msg, lines }, reply.status);
    }
    return reply.body ?? new Uint8Array(0);
  }

  /** TOP for many messages, pipelined when the server allows it (see top-many.ts). */
  topMany(
    msgs: readonly number[], lines: number, onEach: (msg: number, result: Uint8Array | Pop3RemoteError) => void, maxBytes = Infinity,
  ): Promise<void> {
    return topMany(this.connection, msgs, lines, onEach, maxBytes);
  }

  /** The message's bytes as they arrive, dot-unstuffed; the socket pauses while the reader falls behind. */
  retr(msg: number): AsyncIterable<Uint8Array> {
    return streamBody(this.connection, { name: 'RETR', msg });
  }

  async retrAll(msg: number): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.retr(msg)) parts.push(chunk);
    return concatBytes(parts.length === 0 ? [new Uint8Array(0)] : parts);
  }

  async dele(msg: number): Promise<void> {
    await expectOk(this.connection, { name: 'DELE', msg });
  }

  async rset(): Promise<void> {
    await expectOk(this.connection, { name: 'RSET' });
  }

  async noop(): Promise<void> {
    await expectOk(this.connection, { name: 'NOOP' });
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
      reply = await exchange(this.connection, { name: 'QUIT' });
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
}
