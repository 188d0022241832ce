import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Every /api response is personal (mail, session, errors about them), so no
 * browser or proxy cache may keep it: after sign-out nothing of the mailbox
 * can be read back from the cache by the next person at the same browser.
 */
async function noStore(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

export default fp(noStore, { name: 'no-store' });
