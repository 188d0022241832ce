import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Refuses every request, HTTP and WebSocket upgrade alike, whose Host is not
 * a name this app is served under. Stops DNS rebinding: a page on an
 * attacker's name that resolves to this server would otherwise be same-origin
 * with itself and pass the WebSocket Origin check. Allowed: the loopback names
 * on the listening port, PUBLIC_ORIGIN's host, and ALLOWED_HOSTS (an entry
 * without a port matches that name on any port).
 */
async function allowedHosts(app: FastifyInstance, config: Config): Promise<void> {
  const extra = config.allowedHosts.map((h) => h.toLowerCase());
  if (config.publicOrigin) extra.push(new URL(config.publicOrigin).host.toLowerCase());
  let allowed: Set<string> | undefined;
  const allowedNow = (): Set<string> => {
    if (allowed) return allowed;
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    allowed = new Set([...LOOPBACK.map((h) => `${h}:${port}`), ...extra]);
    return allowed;
  };
  const ok = (req: FastifyRequest): boolean => {
    const host = (req.host ?? '').toLowerCase();
    if (!host) return false;
    const set = allowedNow();
    if (set.has(host)) return true;
    const name = host.replace(/:\d+$/, '');
    return set.has(name);
  };
  app.addHook('onRequest', async (req, reply) => {
    if (ok(req)) return;
    req.log.info({ host: req.host }, 'request for a host name this app is not served under refused');
    return reply.code(403).send({ error: { code: 'FORBIDDEN_HOST', message: 'This host name is not served here; set ALLOWED_HOSTS.' } });
  });
}

export default fp(allowedHosts, { name: 'allowed-hosts' });
