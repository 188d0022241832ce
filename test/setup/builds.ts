import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Global setup of the tiers that run Popbridge as `npm start` does or serve
 * its web app: build dist/web and dist/server once, before any worker, when
 * they are missing or stale (the same scripts `npm start` runs), so test
 * files never race each other rebuilding them.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function setup(): void {
  for (const script of ['scripts/build-web-if-needed.mjs', 'scripts/build-server-if-needed.mjs']) {
    const result = spawnSync(process.execPath, [script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`${script} failed (${result.status ?? result.signal})`);
  }
}
