import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Serve the built SPA (Vite outDir dist/web) when it exists; unknown non-API paths get index.html. */
export async function registerStatic(app: FastifyInstance, webRoot: string): Promise<boolean> {
  const root = resolve(webRoot);
  if (!existsSync(resolve(root, 'index.html'))) return false;
  await app.register(fastifyStatic, { root, index: ['index.html'], wildcard: false });
  app.setNotFoundHandler((req, reply) => {
    if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such route.' } });
  });
  return true;
}
