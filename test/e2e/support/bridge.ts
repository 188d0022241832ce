import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, ServerConfig } from '../../../server/config.ts';
import { startBridge as startAppBridge, type Bridge } from '../../server/harness.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Builds dist/web when it is missing or stale, exactly as `npm start` does. */
export function ensureWebBuilt(): string {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web-if-needed.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`);
  return join(ROOT, 'dist/web');
}

export type { Bridge } from '../../server/harness.ts';

/** The real server serving the built SPA (test/server/harness.ts), for one POP3 server with id `dovecot`. */
export function startBridge(server: Omit<ServerConfig, 'id' | 'label' | 'maxConnections'>, overrides: Partial<Config> = {}): Promise<Bridge> {
  return startAppBridge([{ id: 'dovecot', label: 'Dovecot (test)', ...server }], { webRoot: ensureWebBuilt(), ...overrides });
}
