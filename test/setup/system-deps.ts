import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Global setup of the system tier: install the system packages its tests
 * need (Dovecot, Chromium, mpop, popa3d's files) where they are missing.
 * Vitest runs it only when a system test is queued, so the unit and sockets
 * tiers need neither root nor apt.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function setup(): void {
  const result = spawnSync('bash', ['scripts/install-system-deps.sh'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`scripts/install-system-deps.sh failed (${result.status ?? result.signal}); the system tier needs its packages`);
}
