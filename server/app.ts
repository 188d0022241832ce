import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { WebSessions } from './sessions/web-sessions.ts';
import type { Config } from './config.ts';
import type { Pop3Connector } from './mailbox/mailbox-client.ts';
import { pop3Connector } from './mailbox/pop3-connector.ts';
import { MailboxRegistry } from './mailbox/registry.ts';
import errorHandler, { notFound } from './http/errors.ts';
import allowedHosts from './http/allowed-hosts.ts';
import noStore from './http/no-store.ts';
import { trustProxyOption } from './http/proxy-trust.ts';
import auth from './http/session-cookie.ts';
import { draftRoutes } from './http/draft-routes.ts';
import { outboxRoutes } from './http/outbox-routes.ts';
import { identityRoutes } from './http/identity-routes.ts';
import { messageFrameRoute } from './http/message-frame.ts';
import { rawRoute } from './http/raw-route.ts';
import securityHeaders from './http/security-headers.ts';
import { sessionRoutes } from './http/session-routes.ts';
import { registerStatic } from './http/static.ts';
import { Outbox } from './send/outbox.ts';
import { Uploads } from './send/uploads.ts';
import { SendStore } from './store/send-store.ts';
import { CachedStore } from './store/cached.ts';
import { SqliteStore } from './store/sqlite.ts';
import type { MailStore } from './store/store.ts';
import { HARD_MAX_FRAME_BYTES, wsRoute } from './ws/route.ts';

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** Defaults to SQLite under config.dataDir. */
  store?: MailStore;
  /** Defaults to the real POP3 client against config.servers. */
  connector?: Pop3Connector;
}

/** Never logged: credentials and the session cookie. Mail content is never passed to the logger. */
export const LOG_REDACT = [
  'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]',
  'password', '*.password', 'body.password', 'credentials',
];

/** Builds the app; never listens (main.ts does, tests inject or listen on port 0). */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: 'info', redact: { paths: LOG_REDACT, censor: '[redacted]' } },
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 64 * 1024,
    // Slow clients cannot hold a socket: the whole request, its headers, and an idle connection each time out.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    connectionTimeout: config.connectionIdleSeconds * 1000,
    http: {
      headersTimeout: Math.min(config.headersTimeoutSeconds, config.requestTimeoutSeconds) * 1000,
      // How often Node checks those timeouts; its default (30 s) would let a request overrun by that much.
      connectionsCheckingInterval: 1000,
    },
  });
  const store = options.store ?? new CachedStore(SqliteStore.open(config.dataDir));
  const registry = new MailboxRegistry(config, options.connector ?? pop3Connector(config), store, app.log);
  const sendStore = SendStore.open(config.dataDir);
  const uploads = new Uploads(config.dataDir, { maxBytes: config.maxAttachmentBytes, perAccount: config.maxUploadsPerAccount });
  const outbox = new Outbox({
    store: sendStore, uploads, delayMs: config.sendDelaySeconds * 1000, sendsPerHour: config.sendsPerHour,
    recipientsPerMessage: config.recipientsPerMessage, maxAttachmentsPerDraft: config.maxAttachmentsPerDraft,
    credentials: (account) => registry.get(account)?.sendCredentials ?? null, log: app.log,
  });
  // Before the mailbox wipes its credentials: what waits in the outbox goes (or stays a draft at shutdown).
  registry.onEnd(async (account, reason, credentials) => {
    try { await outbox.end(account, reason, credentials); } finally { uploads.removeAccount(account); }
  });
  const webSessions = new WebSessions({
    lifetimeMs: config.sessionLifetimeSeconds * 1000, idleMs: config.sessionIdleSeconds * 1000,
    maxTotal: config.maxWebSessions, perAccount: config.sessionsPerAccount, perClient: config.sessionsPerClient,
  }, (s) => {
    void registry.release(s.account, 'expired');
  });
  app.decorate('webSessions', webSessions);

  await app.register(errorHandler);
  await app.register(securityHeaders);
  await app.register(noStore);
  await app.register(fastifyCookie);
  await app.register(auth);
  await app.register(fastifyMultipart);
  await app.register(fastifyWebsocket, { options: { maxPayload: HARD_MAX_FRAME_BYTES } });
  // After the WebSocket plugin: its onRequest hook must mark an upgrade first, so a refused one has its socket closed.
  await app.register(allowedHosts, config);

  sessionRoutes(app, config, registry);
  rawRoute(app, registry, store);
  draftRoutes(app, config, { store: sendStore, uploads, outbox });
  outboxRoutes(app, registry, { store: sendStore, uploads, outbox });
  identityRoutes(app, registry, sendStore);
  messageFrameRoute(app);
  wsRoute(app, config, registry);
  if (!(await registerStatic(app, config.webRoot))) {
    app.setNotFoundHandler(notFound);
  }

  app.addHook('onClose', async () => {
    webSessions.close();
    await registry.closeAll();
    store.close();
    sendStore.close();
    uploads.close();
  });
  return app;
}
