// Popbridge's POP3 server: the demo mailbox behind `npm start` when no POP3
// server is configured, and, with a variation, the fault-injecting server of
// the tests. It listens on loopback only unless told otherwise.

import { createServer as createPlainServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { baseHandlers } from './commands/index.ts';
import { Pop3dError } from './errors.ts';
import { DEFAULT_IDLE_TIMEOUT_MS } from './limits.ts';
import { Maildrop, type StoredMessage } from './maildrop.ts';
import { secretsEqual } from './commands/login.ts';
import { Session, type ServerContext } from './session.ts';
import type { Verb } from './states.ts';
import type { Handler, MaildropSource, Pop3ServerOptions } from './types.ts';

export interface Pop3Server {
  readonly host: string;
  readonly port: number;
  /** Every command line received, in order, over all connections; secrets as "***". */
  readonly transcript: string[];
  readonly maildrops: ReadonlyMap<string, Maildrop>;
  /** Connections accepted so far. */
  readonly connections: number;
  maildrop(username: string): Maildrop;
  /** Adds mail at runtime; it shows in the next session, not a current one. */
  deliver(username: string, bytes: Uint8Array | string, options?: { uid?: string }): StoredMessage;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

async function openMaildrop(source: MaildropSource | undefined): Promise<Maildrop> {
  if (source === undefined) return new Maildrop();
  if (source instanceof Maildrop) return source;
  if ('folder' in source) return Maildrop.fromFolder(source.folder, { deleteFiles: source.deleteFiles ?? false });
  return new Maildrop(source.messages);
}

function invalid(message: string): Pop3dError {
  return new Pop3dError('POP3D_INVALID_OPTIONS', message);
}

export async function startPop3Server(options: Pop3ServerOptions): Promise<Pop3Server> {
  const variation = options.variation ?? {};
  const passwords = new Map<string, string>();
  for (const { username, password } of options.users) {
    if (!/^[\x21-\x7e]+$/.test(username)) throw invalid(`Username ${JSON.stringify(username)} must be printable ASCII without spaces.`);
    if (passwords.has(username)) throw invalid(`User ${username} is listed twice.`);
    passwords.set(username, password);
  }
  for (const username of Object.keys(options.maildrops ?? {})) {
    if (!passwords.has(username)) throw invalid(`A maildrop is given for ${username}, who is not in users.`);
  }
  if (options.implicitTls && !options.tls) throw invalid('implicitTls needs tls: { key, cert }.');

  const maildrops = new Map<string, Maildrop>();
  for (const username of passwords.keys()) {
    const drop = await openMaildrop(options.maildrops?.[username]);
    for (const message of variation.messages ?? []) {
      drop.deliver(message.bytes, message.uid === undefined ? {} : { uid: message.uid });
    }
    maildrops.set(username, drop);
  }
  const maildrop = (username: string): Maildrop => {
    const drop = maildrops.get(username);
    if (!drop) throw new Pop3dError('POP3D_UNKNOWN_USER', `No user ${username} on this POP3 server.`);
    return drop;
  };

  const handlers: Partial<Record<Verb, Handler>> = { ...baseHandlers };
  if (options.capabilities === false) delete handlers.CAPA;
  Object.assign(handlers, variation.handlers);

  const secureContext = options.tls ? createSecureContext({ key: options.tls.key, cert: options.tls.cert }) : undefined;
  const transcript: string[] = [];
  const context: ServerContext = {
    options,
    variation,
    handlers,
    transcript,
    secureContext,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    password: (username) => passwords.get(username),
    checkPassword(username, password) {
      const expected = passwords.get(username);
      // Compare even for unknown users so timing does not reveal them.
      return secretsEqual(expected ?? '\0unknown', password) && expected !== undefined;
    },
    maildrop,
  };

  const sockets = new Set<Socket>();
  let accepted = 0;
  const accept = (socket: Socket, tls: boolean): void => {
    accepted += 1;
    sockets.add(socket);
    // Each reply is one write already; Nagle would only delay it.
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
    void new Session(socket, context, tls).run();
  };
  // allowHalfOpen: a client may send its commands and FIN at once; the
  // replies still go out before we close.
  const server: Server = options.implicitTls
    ? createTlsServer({ key: options.tls!.key, cert: options.tls!.cert, allowHalfOpen: true }, (socket) => accept(socket, true))
    : createPlainServer({ allowHalfOpen: true }, (socket) => accept(socket, false));
  // A failed TLS handshake concerns that client only.
  server.on('tlsClientError', () => {});

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    transcript,
    maildrops,
    get connections() {
      return accepted;
    },
    maildrop,
    deliver: (username, bytes, deliverOptions = {}) => maildrop(username).deliver(bytes, deliverOptions),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
