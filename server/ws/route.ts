import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerMessage } from '../../shared/api/index.ts';
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';
import type { MailboxRegistry } from '../mailbox/registry.ts';
import { dispatch } from './dispatch.ts';

/** Frames beyond this close the socket (ws maxPayload); smaller oversized frames get an error reply. */
export const HARD_MAX_FRAME_BYTES = 1024 * 1024;
/** Unsent bytes per socket before a slow reader is dropped (stops memory growth). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** The origin this app is served from: configured, or derived from the request. */
export function expectedOrigin(config: Config, req: FastifyRequest): string {
  if (config.publicOrigin) return new URL(config.publicOrigin).origin;
  return `${req.protocol}://${req.host}`;
}

/** /api/ws: one socket per tab, authorised by the session cookie, Origin checked. */
export function wsRoute(app: FastifyInstance, config: Config, registry: MailboxRegistry): void {
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
    const mailbox = registry.get(session.account)!;
    const send = (m: ServerMessage): void => {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) { socket.terminate(); return; }
      socket.send(JSON.stringify(m));
    };
    // Attached first and synchronously: frames sent right after the upgrade are not lost.
    socket.on('message', (data, isBinary) => {
      if (!app.webSessions.get(session.id)) {
        send({ type: 'sessionExpired' });
        socket.close(4001, 'session expired');
        return;
      }
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      void dispatch(isBinary ? raw : raw.toString('utf8'), mailbox, send).then(send, () => undefined);
    });
    const unsubscribe = mailbox.subscribe(send);
    const onEnd = (): void => {
      send({ type: 'sessionExpired' });
      socket.close(4001, 'session ended');
    };
    session.onEnd.add(onEnd);
    socket.on('close', () => {
      unsubscribe();
      session.onEnd.delete(onEnd);
    });
    send({ type: 'ready', username: session.username, serverId: session.serverId });
  });
}
