import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A server process started by a test harness, in its own process group so
 * that stopping it also stops every process it forked.
 *
 * Two guards keep a crashed test from leaving servers behind: the daemon is
 * started through `setpriv --pdeathsig TERM`, so the kernel signals it when
 * the test process dies (even by SIGKILL), and an 'exit' hook kills every
 * group and removes every folder still registered.
 */
export interface Daemon {
  child: ChildProcess;
  /** Everything the daemon wrote to stdout and stderr so far. */
  output(): string;
  exited(): boolean;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves when the group is gone. */
  stop(graceMs?: number): Promise<void>;
}

const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** Removes dir when the test process exits, unless released first. */
export function removeOnExit(dir: string): () => void {
  installExitHook();
  liveDirs.add(dir);
  return () => liveDirs.delete(dir);
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: no process left in the group
  }
}

export function startDaemon(file: string, args: string[]): Daemon {
  installExitHook();
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', file, ...args], {
    detached: true, // own process group, so the whole tree can be signalled
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  let output = '';
  let exited = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.on('error', (error) => {
    output += `spawn failed: ${error.message}\n`;
    exited = true;
  });
  child.on('exit', () => (exited = true));
  // A test that forgets stop() must not keep its worker alive; the exit hook
  // still kills the group.
  child.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();
  if (pgid !== undefined) liveGroups.add(pgid);

  return {
    child,
    output: () => output,
    exited: () => exited,
    async stop(graceMs = 5000) {
      if (pgid === undefined) return;
      signalGroup(pgid, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (signalGroup(pgid, 0) && Date.now() < deadline) await sleep(25);
      if (signalGroup(pgid, 'SIGKILL')) {
        const killDeadline = Date.now() + 2000;
        while (signalGroup(pgid, 0) && Date.now() < killDeadline) await sleep(25);
      }
      liveGroups.delete(pgid);
    },
  };
}
