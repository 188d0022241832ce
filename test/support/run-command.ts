import { HarnessError } from './harness-error.ts';
import { spawnGroup } from './process-group.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Stop the whole group (SIGTERM, then SIGKILL) after this long; the result then has code -1. */
  timeoutMs?: number;
}

/** Runs a command to completion in its own process group; never throws on a non-zero exit. */
export function runCommand(file: string, args: string[], input?: string, options: CommandOptions = {}): Promise<CommandResult> {
  const { timeoutMs, ...spawnOptions } = options;
  const run = spawnGroup(file, args, { ...spawnOptions, stdio: ['pipe', 'pipe', 'pipe'] });
  const { child } = run;
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => void run.stop(), timeoutMs);
  child.once('close', () => clearTimeout(timer));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) =>
      reject(new HarnessError('HARNESS_MISSING_DEPENDENCY', `cannot run ${file}: ${error.message}`)),
    );
    // Whatever the command forked and left running goes with its group.
    child.on('close', (code) => void run.stop(0, 'SIGKILL').then(() => resolve({ code: code ?? -1, stdout, stderr })));
    // A command that exits without reading its input (openssl) must not fail the caller with EPIPE.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input ?? '');
  });
}

/** Runs a command and throws a HarnessError carrying its stderr if it fails. */
export async function mustRun(file: string, args: string[], input?: string): Promise<string> {
  const result = await runCommand(file, args, input);
  if (result.code !== 0) {
    throw new HarnessError(
      'HARNESS_COMMAND_FAILED',
      `${file} ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}
