import { spawnGroup, type GroupProcess } from './process-group.ts';

export { removeOnExit } from './process-group.ts';

/**
 * A server process started by a test harness (Dovecot and friends), in its
 * own process group (see process-group.ts). It is also started through
 * `setpriv --pdeathsig TERM`, so the kernel signals it when the test process
 * dies, even by SIGKILL, before any exit hook could run.
 */
export type Daemon = GroupProcess;

export function startDaemon(file: string, args: string[]): Daemon {
  return spawnGroup('setpriv', ['--pdeathsig', 'TERM', file, ...args], { unref: true });
}
