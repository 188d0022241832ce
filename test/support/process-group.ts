import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Every child process the tests and benchmarks start goes through here: it
 * runs in its own process group (detached), so stopping it signals the whole
 * tree it forked (npm → sh → node, dovecot → its workers, chromium → its
 * helpers), never just the top process.
 *
 * An 'exit' hook SIGKILLs every group still registered and removes every
 * folder registered with removeOnExit, so a test that crashes or forgets
 * stop() leaves nothing behind when its worker ends. The suite's global
 * teardown (test/setup/leftovers.ts) fails the run if something survives anyway.
 */
export interface GroupProcess {
  child: ChildProcess;
  /** The process id, which is also the process group id. */
  pid: number | undefined;
  /** Everything the process wrote to stdout and stderr so far (when piped). */
  output(): string;
  exited(): boolean;
  /** Resolves with the exit code (null when killed by a signal) once the top process has exited. */
  exit: Promise<number | null>;
  /** `signal` (SIGTERM) to the group, SIGKILL after graceMs; resolves when the group is gone. */
  stop(graceMs?: number, signal?: NodeJS.Signals): Promise<void>;
}

export interface GroupOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Default: stdin ignored, stdout and stderr piped and collected. */
  stdio?: StdioOptions;
  /** Don't keep the test worker alive for this process (servers); stop() or the exit hook still ends it. */
  unref?: boolean;
}

const OUTPUT_LIMIT = 4 * 1024 * 1024;
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

/** Sends `signal` to every process in the group; false when none is left (ESRCH). */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pgid, 0)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

export function spawnGroup(file: string, args: string[], options: GroupOptions = {}): GroupProcess {
  installExitHook();
  const child = spawn(file, args, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group
  });
  const pgid = child.pid;
  if (pgid !== undefined) liveGroups.add(pgid);
  let output = '';
  let exited = false;
  // Only the tail is kept: a server under load may log without end.
  const collect = (chunk: string): void => {
    output += chunk;
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT / 2);
  };
  child.stdout?.setEncoding('utf8').on('data', collect);
  child.stderr?.setEncoding('utf8').on('data', collect);
  const exit = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      output += `spawn failed: ${error.message}\n`;
      exited = true;
      resolve(null);
    });
    child.on('exit', (code) => {
      exited = true;
      resolve(code);
    });
  });
  if (options.unref) {
    child.unref();
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
  }

  return {
    child,
    pid: pgid,
    output: () => output,
    exited: () => exited,
    exit,
    async stop(graceMs = 5000, signal: NodeJS.Signals = 'SIGTERM') {
      if (pgid === undefined) return;
      signalGroup(pgid, signal);
      if (!(await waitGone(pgid, graceMs)) && signalGroup(pgid, 'SIGKILL')) await waitGone(pgid, 2000);
      liveGroups.delete(pgid);
    },
  };
}
