import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig, type Config, type ServerConfig } from '../../server/config.ts';

/** The real app, listening on a free loopback port, over a throwaway data dir. */
export async function startBridge(servers: Array<Partial<ServerConfig> & Pick<ServerConfig, 'host' | 'port'>>, overrides: Partial<Config> = {}): Promise<{ app: FastifyInstance; config: Config; url: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'popbridge-test-'));
  const base = loadConfig({ DATA_DIR: dataDir });
  const config: Config = {
    ...base,
    webRoot: join(dataDir, 'no-web'),
    servers: servers.map((s, i) => ({ id: `s${i}`, label: `Server ${i}`, security: 'plain', maxConnections: 4, ...s })),
    pop3Timeouts: { connectTimeoutMs: 5000, greetingTimeoutMs: 5000, commandTimeoutMs: 15000 },
    // Tests refresh right after signing in; the refresh limit has tests of its own.
    minRefreshIntervalSeconds: 0,
    ...overrides,
  };
  const app = await buildApp(config, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  return {
    app, config, url: `http://127.0.0.1:${addr.port}`,
    async stop() { await app.close(); rmSync(dataDir, { recursive: true, force: true }); },
  };
}
