import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerMessage } from '../../shared/api/index.ts';
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';
import { accountInfos } from '../accounts/account-info.ts';
import type { PersonAccounts } from '../accounts/person-accounts.ts';
import { accountOf, mailboxOf } from '../accounts/resolve.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { accountFeed } from './account-feed.ts';
import { dispatch } from './dispatch.ts';

/** Frames beyond this close the socket (ws maxPayload); smaller oversized frames get an error reply. */
export const HARD_MAX_FRAME_BYTES = 1024 * 1024;
/**
 * Requests of one socket being served at once; past it the socket stops
 * reading, so a client that floods frames waits in its own TCP buffers
 * instead of the server's memory.
 */
const MAX_IN_FLIGHT = 8;
/** Close code (application range) for a socket past the per-session or per-account cap. */
export const CLOSE_TOO_MANY_SOCKETS = 4029;
/** Close code for a socket that does not read what it is sent. */
export const CLOSE_SLOW_READER = 4008;

/** Reply to a request refused because the socket already has MAX_IN_FLIGHT being served. */
function busy(text: string | Buffer): ServerMessage {
  let id: string | null = null;
  try {
    const maybe = (JSON.parse(text.toString()) as { id?: unknown } | null)?.id;
    if (typeof maybe === 'string' && maybe.length > 0 && maybe.length <= 64) id = maybe;
  } catch { /* not JSON: answered without an id */ }
  return { type: 'reply', id, error: { code: 'TOO_MANY_REQUESTS', limit: MAX_IN_FLIGHT } };
}

/** The origin this app is served from: configured, or derived from the request. */
export function expectedOrigin(config: Config, req: FastifyRequest): string {
  if (config.publicOrigin) return new URL(config.publicOrigin).origin;
  return `${req.protocol}://${req.host}`;
}

/** /api/ws: one socket per tab, authorised by the session cookie, Origin checked. */
export function wsRoute(app: FastifyInstance, config: Config, registry: MailboxRegistry, accounts: PersonAccounts): void {
  const perAccount = new Map<string, number>();
  app.get('/api/ws', {
    websocket: true,
    preValidation: async (req) => {
      const origin = req.headers.origin;
      if (!origin || origin !== expectedOrigin(config, req)) {
        req.log.info({ origin }, 'websocket from a foreign origin refused');
        throw new BridgeError('FORBIDDEN_ORIGIN');
      }
      if (!req.webSession || !registry.get(req.webSession.account)) throw new BridgeError('UNAUTHORIZED');
    },
  }, (socket, req) => {
    const session = req.webSession!;
    const accountSockets = perAccount.get(session.account) ?? 0;
    // Refused after the upgrade: a browser sees a close code and reason, never an HTTP status.
    if (session.sockets >= config.socketsPerSession || accountSockets >= config.socketsPerAccount) {
      req.log.info({ sockets: session.sockets, accountSockets }, 'websocket over the per-session or per-account cap refused');
      socket.close(CLOSE_TOO_MANY_SOCKETS, 'TOO_MANY_SOCKETS');
      return;
    }
    session.sockets++;
    perAccount.set(session.account, accountSockets + 1);
    const send = (m: ServerMessage): void => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > config.socketMaxBufferedBytes) {
        // A reader that does not read: drop it before its queue grows the server's memory.
        socket.close(CLOSE_SLOW_READER, 'SLOW_READER');
        socket.terminate();
        return;
      }
      socket.send(JSON.stringify(m));
    };
    let inFlight = 0;
    // Attached first and synchronously: frames sent right after the upgrade are not lost.
    socket.on('message', (data, isBinary) => {
      if (!app.webSessions.get(session.id)) {
        send({ type: 'sessionExpired' });
        socket.close(4001, 'SESSION_EXPIRED');
        return;
      }
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const text = isBinary ? raw : raw.toString('utf8');
      // Pausing stops the socket, not the frames already read: those past the cap are answered, never queued.
      if (inFlight >= MAX_IN_FLIGHT) { send(busy(text)); return; }
      if (++inFlight >= MAX_IN_FLIGHT) socket.pause();
      void dispatch(text, (tag) => {
        // A request for an account whose sign-in failed (its Refresh) tries the stored password again.
        const a = accountOf(session, tag);
        if (a.state === 'error') accounts.retry(session, a.tag);
        return mailboxOf(session, registry, tag);
      }, send).then(send, () => undefined).finally(() => {
        if (--inFlight < MAX_IN_FLIGHT && socket.isPaused && socket.readyState === socket.OPEN) socket.resume();
      });
    });
    // Every account of the session, including those added while the socket is open.
    const unsubscribe = accountFeed(session, registry, config, send);
    const onEnd = (): void => {
      send({ type: 'sessionExpired' });
      socket.close(4001, 'SESSION_EXPIRED');
    };
    session.onEnd.add(onEnd);
    socket.on('close', () => {
      unsubscribe();
      session.onEnd.delete(onEnd);
      session.sockets--;
      session.lastUsedAt = Date.now();
      const left = (perAccount.get(session.account) ?? 1) - 1;
      if (left > 0) perAccount.set(session.account, left); else perAccount.delete(session.account);
    });
    send({ type: 'ready', username: session.username, serverId: session.serverId });
    send({ type: 'accounts', items: accountInfos(session.accounts, config) });
  });
}
