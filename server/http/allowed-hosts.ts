import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Refuses every request, HTTP and WebSocket upgrade alike, whose Host is not
 * a name this app is served under. Stops DNS rebinding: a page on an
 * attacker's name that resolves to this server would otherwise be same-origin
 * with itself and pass the WebSocket Origin check. Allowed: the loopback names
 * (on any port: no one can rebind them, and a port mapping may change it),
 * PUBLIC_ORIGIN's host, and ALLOWED_HOSTS (an entry without a port matches
 * that name on any port).
 */
async function allowedHosts(app: FastifyInstance, config: Config): Promise<void> {
  const extra = config.allowedHosts.map((h) => h.toLowerCase());
  if (config.publicOrigin) extra.push(new URL(config.publicOrigin).host.toLowerCase());
  const allowed = new Set([...LOOPBACK, ...extra]);
  // The Host header itself, never X-Forwarded-Host: a page on a rebound name can
  // set that header (fetch allows it), and a trusted proxy passes it through.
  const ok = (req: FastifyRequest): boolean => {
    const host = (req.headers.host ?? '').toLowerCase();
    return host !== '' && (allowed.has(host) || allowed.has(host.replace(/:\d+$/, '')));
  };
  app.addHook('onRequest', async (req) => {
    if (ok(req)) return;
    req.log.info({ host: req.headers.host }, 'request for a host name this app is not served under refused');
    throw new BridgeError('FORBIDDEN_HOST');
  });
}

export default fp(allowedHosts, { name: 'allowed-hosts' });
