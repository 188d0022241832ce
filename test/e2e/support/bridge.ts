import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/app.ts';
import { loadConfig, type Config, type ServerConfig } from '../../../server/config.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds dist/web when it is missing or stale, exactly as `npm start` does. */
export function ensureWebBuilt(): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web-if-needed.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`);
  return join(ROOT, 'dist/web');
}

export interface Bridge {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** The real server serving the built SPA, on a free loopback port, over a throwaway data dir. */
export async function startBridge(server: Omit<ServerConfig, 'id' | 'label' | 'maxConnections'>, overrides: Partial<Config> = {}): Promise<Bridge> {
  const webRoot = ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-e2e-'));
  const config: Config = {
    ...loadConfig({ DATA_DIR: dataDir }),
    webRoot,
    servers: [{ id: 'dovecot', label: 'Dovecot (test)', maxConnections: 4, ...server }],
    pop3Timeouts: { connectTimeoutMs: 5000, greetingTimeoutMs: 5000, commandTimeoutMs: 15000 },
    // Tests refresh right after signing in; the refresh limit has tests of its own.
    minRefreshIntervalSeconds: 0,
    ...overrides,
  };
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
