import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds with the scripts `npm start` runs (only what is missing or stale),
 * once, before any worker, so test files never race each other rebuilding.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function build(scripts: string[]): void {
  for (const script of scripts) {
    const result = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`${script} failed (${result.status ?? result.signal})`);
  }
}

/** Global setup of the system tier: the web app (e2e, first run) and the server. */
export function setup(): void {
  build(['scripts/build-web-if-needed.mjs', 'scripts/build-server-if-needed.mjs']);
}
