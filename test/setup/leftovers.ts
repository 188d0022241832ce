import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { listProcesses, type ProcessInfo } from '../support/proc.ts';

/**
 * Global setup of every tier: tests must leave nothing running. Setup marks
 * this run with an environment variable that every process the tests start
 * inherits (workers, Dovecot, popa3d, `npm start` and its server, Chromium),
 * even one that outlives its parent and is adopted by init. Teardown, after
 * the last test file, looks for marked processes, kills them and fails the
 * run naming them.
 */
export const RUN_MARKER = 'POPBRIDGE_TEST_RUN';
const GRACE_MS = 3000;

/** The run itself: this process and vitest's own workers. */
function isTestRunner(p: ProcessInfo): boolean {
  return p.pid === process.pid || p.command.includes('node_modules/vitest/') || p.command.includes('node_modules/tinypool/');
}

function leftovers(marker: string): ProcessInfo[] {
  return listProcesses(marker).filter((p) => !isTestRunner(p));
}

export function setup(): void {
  // One marker for the whole run, shared by the projects' setups.
  process.env[RUN_MARKER] ??= randomUUID();
}

export async function teardown(): Promise<void> {
  const marker = `${RUN_MARKER}=${process.env[RUN_MARKER]}`;
  // A process told to stop in the last afterAll may still be on its way out.
  const deadline = Date.now() + GRACE_MS;
  let left = leftovers(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = leftovers(marker);
  }
  if (left.length === 0) return;
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  // Vitest reports an error thrown here but keeps its exit code; set it ourselves.
  process.exitCode = 1;
  const list = left.map((p) => `  pid ${p.pid} (group ${p.pgid}, parent ${p.ppid}): ${p.command}`).join('\n');
  throw new Error(`Tests left ${left.length} process(es) running (now killed); stop them in the test that starts them:\n${list}`);
}
