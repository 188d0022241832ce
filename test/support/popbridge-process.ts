import { fileURLToPath } from 'node:url';
import { spawnGroup, type GroupProcess } from './process-group.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Settings a test must not inherit from the developer's shell. */
const CONFIG_KEYS = ['POP3_HOST', 'POP3_PORT', 'POP3_SECURITY', 'POP3_CA_FILE', 'POP3_LABEL', 'POPBRIDGE_CONFIG', 'HOST', 'PORT', 'DATA_DIR'];

export interface PopbridgeProcess extends GroupProcess {
  url: string;
}

/**
 * The command line `npm start` ends in: the built server (dist/server), which
 * the sockets and system tiers build (test/setup/build-server.ts, builds.ts) when it is stale.
 */
export function popbridgeCommand(): [string, string[]] {
  return [process.execPath, ['dist/server/main.js']];
}

/** The environment for a Popbridge process: the test's settings only, on top of a clean shell. */
export function popbridgeEnv(settings: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_KEYS) delete env[key];
  return { ...env, HOST: '127.0.0.1', PORT: '0', ...settings };
}

/**
 * Starts Popbridge (by default the built server; `command` to run e.g. `npm start`)
 * in its own process group and waits until it listens.
 */
export async function startPopbridge(settings: NodeJS.ProcessEnv, options: { cwd?: string; command?: [string, string[]]; timeoutMs?: number } = {}): Promise<PopbridgeProcess> {
  const [file, args] = options.command ?? popbridgeCommand();
  const run = spawnGroup(file, args, { cwd: options.cwd ?? ROOT, env: popbridgeEnv(settings) });
  try {
    return { ...run, url: await listeningUrl(run, options.timeoutMs ?? 30_000) };
  } catch (error) {
    await run.stop();
    throw error;
  }
}

/** Runs Popbridge expecting start-up to fail: its exit code and everything it printed. */
export async function popbridgeStartFails(settings: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const [file, args] = popbridgeCommand();
  const run = spawnGroup(file, args, { cwd: ROOT, env: popbridgeEnv(settings) });
  const timer = setTimeout(() => void run.stop(), timeoutMs);
  const code = await run.exit;
  clearTimeout(timer);
  await run.stop(); // anything it forked
  return { code, output: run.output() };
}

/**
 * Waits for Popbridge's "Server listening at http://..." log line and returns
 * the URL; fails with everything it printed if it exits or takes too long.
 */
export async function listeningUrl(run: GroupProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(run.output());
    if (match) return match[1]!;
    if (run.exited()) throw new Error(`Popbridge exited with ${await run.exit}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`Popbridge did not listen within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
