import { readdirSync, readFileSync } from 'node:fs';

/** A process as Linux's /proc shows it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** argv, joined with spaces. */
  command: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended while we looked, or is not ours to read
  }
}

function info(pid: number): ProcessInfo | undefined {
  const stat = read(`/proc/${pid}/stat`);
  const cmdline = read(`/proc/${pid}/cmdline`);
  if (stat === undefined || cmdline === undefined) return undefined;
  // The command name in parentheses may hold spaces and ')'; the fields after the last ')' are fixed.
  const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, ppid: Number(ppid), pgid: Number(pgid), command: cmdline.split('\0').filter(Boolean).join(' ') };
}

/** Every process alive now, optionally only those whose initial environment holds `NAME=value`. */
export function listProcesses(withEnv?: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (withEnv !== undefined && !(read(`/proc/${pid}/environ`) ?? '').split('\0').includes(withEnv)) continue;
    const process = info(pid);
    if (process) found.push(process);
  }
  return found;
}

/** The processes of one process group. */
export function groupMembers(pgid: number): ProcessInfo[] {
  return listProcesses().filter((p) => p.pgid === pgid);
}
