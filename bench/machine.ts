import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { spawnGroup } from '../test/support/process-group.ts';
import { BIG_COUNT, type BenchMail } from './mailboxes.ts';

/** The machine line under the table, and running a helper command to its end. */

export function runCommand(cmd: string, args: string[]): Promise<void> {
  const child = spawnGroup(cmd, args, { stdio: 'inherit' });
  return child.exit.then(async (code) => {
    await child.stop(0, 'SIGKILL');
    if (code !== 0) throw new Error(`${cmd} exited with ${code}`);
  });
}

export async function machine(mail: BenchMail): Promise<string> {
  const version = spawnGroup('/usr/sbin/dovecot', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const dovecot = (await version.exit) === 0 ? version.output().trim() : 'unknown';
  await version.stop(0, 'SIGKILL');
  const cpu = (await readFile('/proc/cpuinfo', 'utf8')).match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown';
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  return `${os.cpus().length} CPUs (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ` +
    `Dovecot ${dovecot}, ${os.type()} ${os.release()}; load average ${load}; maildrop ${BIG_COUNT} messages / ${(mail.bigBytes / 1e6).toFixed(0)} MB`;
}
